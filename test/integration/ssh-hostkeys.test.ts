import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { skipUnlessAvailable } from '../support/infra.js';
import { generateKey, sshdUnavailableReason, startSshd, type SshdHandle } from '../support/sshd.js';
import { addServer, countInLog, createWorld, type World } from './ssh-world.js';

const skip = skipUnlessAvailable('sshd', sshdUnavailableReason());

// sshd at LogLevel DEBUG1 logs every authentication request it receives.
const AUTH_ATTEMPT = /userauth-request|Accepted publickey|Failed publickey/;

describe.skipIf(skip)('host key checking (StrictHostKeyChecking ask)', () => {
  let sshd: SshdHandle;
  let world: World;

  beforeEach(async () => {
    sshd = await startSshd();
    world = await createWorld();
  });
  afterEach(async () => {
    await world.dispose();
    await sshd.stop();
  });

  it('asks about an unknown key and sends nothing to authenticate before the answer', async () => {
    const server = await addServer(world, sshd);
    let release!: (accept: boolean) => void;
    const decided = new Promise<boolean>((resolve) => (release = resolve));
    let logWhilePrompted = '';
    world.prompter.answer = async () => {
      // Give a client that did not wait plenty of time to try logging in.
      await new Promise((r) => setTimeout(r, 500));
      logWhilePrompted = await fs.readFile(sshd.logPath, 'utf8');
      return { accept: await decided, remember: true };
    };
    const running = (await world.service.host(server.id)).exec(['echo', 'ok']);
    await expect.poll(() => logWhilePrompted.length > 0, { timeout: 5000 }).toBe(true);
    release(true);
    expect((await running).stdout).toBe('ok\n');

    expect(world.prompter.hostKeyPrompts()).toEqual([
      { kind: 'hostKey', serverId: server.id, host: '127.0.0.1', port: sshd.port, keyType: 'ssh-ed25519', fingerprint: sshd.hostKeyFingerprint },
    ]);
    expect(logWhilePrompted).toContain('Connection from 127.0.0.1');
    expect(countInLog(logWhilePrompted, AUTH_ATTEMPT)).toBe(0);
    expect(countInLog(await fs.readFile(sshd.logPath, 'utf8'), AUTH_ATTEMPT)).toBeGreaterThan(0);
  });

  it('remembers an accepted key in Berth known_hosts (OpenSSH format) and does not ask again', async () => {
    const server = await addServer(world, sshd);
    world.prompter.answer = () => ({ accept: true, remember: true });
    await (await world.service.host(server.id)).exec(['true']);
    const saved = await fs.readFile(world.service.berthKnownHosts, 'utf8');
    expect(saved).toBe(`[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);

    await world.service.dispose();
    world.prompter.answer = () => {
      throw new Error('must not ask again');
    };
    await (await world.service.host(server.id)).exec(['true']);
    expect(world.prompter.hostKeyPrompts()).toHaveLength(1);
  });

  it('rejecting the key stops before authentication', async () => {
    const server = await addServer(world, sshd);
    world.prompter.answer = () => ({ accept: false });
    await expect((await world.service.host(server.id)).exec(['true'])).rejects.toMatchObject({ code: 'HOST_KEY_REJECTED' });
    expect(countInLog(await fs.readFile(sshd.logPath, 'utf8'), AUTH_ATTEMPT)).toBe(0);
    await expect(fs.access(world.service.berthKnownHosts)).rejects.toThrow();
  });

  it('refuses a changed key with OpenSSH’s warning and no prompt', async () => {
    const server = await addServer(world, sshd);
    world.prompter.answer = () => ({ accept: true, remember: true });
    await (await world.service.host(server.id)).exec(['true']);
    await world.service.dispose();

    await sshd.restartWithNewHostKey();
    const err = await (await world.service.host(server.id)).exec(['true']).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HOST_KEY_CHANGED' });
    const message = (err as Error).message;
    expect(message).toContain('WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!');
    expect(message).toContain(sshd.hostKeyFingerprint);
    expect(message).toContain(`Offending ED25519 key in ${world.service.berthKnownHosts}:1`);
    expect(message).toContain(`ssh-keygen -f '${world.service.berthKnownHosts}' -R '[127.0.0.1]:${sshd.port}'`);
    expect(world.prompter.hostKeyPrompts()).toHaveLength(1);
    expect(countInLog(await fs.readFile(sshd.logPath, 'utf8'), AUTH_ATTEMPT)).toBe(0);
  });

  it('honours a hashed [host]:port entry in ~/.ssh/known_hosts', async () => {
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update(`[127.0.0.1]:${sshd.port}`).digest('base64');
    await fs.writeFile(world.userKnownHosts, `# comment\n|1|${salt.toString('base64')}|${hash} ${sshd.hostPublicKey}\n`);
    const server = await addServer(world, sshd);
    expect((await (await world.service.host(server.id)).exec(['echo', 'hi'])).stdout).toBe('hi\n');
    expect(world.prompter.asked).toEqual([]);
  });

  it('honours a plain [host]:port entry in a comma list and ignores the same host on another port', async () => {
    await fs.writeFile(world.userKnownHosts, `[127.0.0.1]:1,other.example ${sshd.hostPublicKey}\n`);
    const server = await addServer(world, sshd);
    world.prompter.answer = () => ({ accept: false });
    await expect((await world.service.host(server.id)).exec(['true'])).rejects.toMatchObject({ code: 'HOST_KEY_REJECTED' });

    await fs.writeFile(world.userKnownHosts, `other.example,[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
    await (await world.service.host(server.id)).exec(['true']);
    expect(world.prompter.hostKeyPrompts()).toHaveLength(1);
  });

  it('refuses a key marked @revoked', async () => {
    await fs.writeFile(world.userKnownHosts, `@revoked * ${sshd.hostPublicKey}\n[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
    const server = await addServer(world, sshd);
    await expect((await world.service.host(server.id)).exec(['true'])).rejects.toMatchObject({ code: 'HOST_KEY_REVOKED' });
  });

  it('asks the server for a key type already trusted for it first', async () => {
    const keyDir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-rsa-'));
    const rsaKey = path.join(keyDir, 'host_rsa');
    await generateKey(rsaKey, 'rsa');
    // Offers ed25519 (ssh2's first choice) and RSA; only the RSA key is trusted.
    const both = await startSshd({ extraConfig: [`HostKey ${rsaKey}`] });
    try {
      const rsaPublic = (await fs.readFile(`${rsaKey}.pub`, 'utf8')).split(' ').slice(0, 2).join(' ');
      await fs.writeFile(world.userKnownHosts, `[127.0.0.1]:${both.port} ${rsaPublic}\n`);
      const server = await addServer(world, both, 'two-keys');
      expect((await (await world.service.host(server.id)).exec(['echo', 'rsa'])).stdout).toBe('rsa\n');
      expect(world.prompter.asked).toEqual([]);
    } finally {
      await both.stop();
      await fs.rm(keyDir, { recursive: true, force: true });
    }
  });
});

/** A TCP relay in front of sshd that counts the connections still open through it. */
async function countingRelay(target: SshdHandle) {
  const open = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((client) => {
    accepted++;
    open.add(client);
    const upstream = net.connect(target.port, target.host);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      open.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', drop).on('error', drop);
    upstream.on('close', drop).on('error', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    open: () => open.size,
    accepted: () => accepted,
    close: () => new Promise<void>((resolve) => {
      for (const s of open) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** OpenSSH's public key line for a security key (sk-ssh-ed25519), which ssh2 cannot verify. */
function securityKeyBase64(): string {
  const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return Buffer.concat([field(Buffer.from('sk-ssh-ed25519@openssh.com')), field(randomBytes(32)), field(Buffer.from('ssh:'))]).toString('base64');
}

describe.skipIf(skip)('known_hosts lines Berth cannot use are skipped, as in OpenSSH', () => {
  let sshd: SshdHandle;
  let world: World;
  let relay: Awaited<ReturnType<typeof countingRelay>>;
  const name = () => `[127.0.0.1]:${relay.port}`;
  const addThroughRelay = () =>
    world.service.add({ name: 'relayed', host: '127.0.0.1', port: relay.port, user: sshd.user, auth: { method: 'key', keyPath: sshd.clientKeyPath }, proxyJump: [] });
  const noConnectionLeft = () => expect.poll(() => relay.open(), { timeout: 3000 }).toBe(0);
  const trustThroughRelay = () => fs.writeFile(world.userKnownHosts, `${name()} ${sshd.hostPublicKey}\n`);

  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });
  beforeEach(async () => {
    world = await createWorld();
    relay = await countingRelay(sshd);
  });
  afterEach(async () => {
    await world.dispose();
    await relay.close();
  });

  it('connects past a security-key line and an unknown key type for the host, and leaks no connection', async () => {
    await fs.writeFile(world.userKnownHosts, `${name()} sk-ssh-ed25519@openssh.com ${securityKeyBase64()}\n* foo AAAA\n${name()} ${sshd.hostPublicKey}\n`);
    const server = await addThroughRelay();
    expect((await (await world.service.host(server.id)).exec(['echo', 'ok'])).stdout).toBe('ok\n');
    expect(world.prompter.asked).toEqual([]);
    await world.service.dispose();
    await noConnectionLeft();
  });

  it('asks about the real key when the only lines for the host are unusable, and closes every refused attempt', async () => {
    await fs.writeFile(world.userKnownHosts, `${name()} sk-ssh-ed25519@openssh.com ${securityKeyBase64()}\n* foo AAAA\n`);
    const server = await addThroughRelay();
    world.prompter.answer = () => ({ accept: false });
    for (let attempt = 1; attempt <= 3; attempt++) {
      await expect((await world.service.host(server.id)).exec(['true'])).rejects.toMatchObject({ code: 'HOST_KEY_REJECTED' });
      await noConnectionLeft();
    }
    expect(relay.accepted()).toBe(3);
    expect(world.prompter.hostKeyPrompts().map((p) => p.keyType)).toEqual(['ssh-ed25519', 'ssh-ed25519', 'ssh-ed25519']);
  });

  it('closes the TCP connection when ssh2 itself throws while connecting', async () => {
    await trustThroughRelay();
    const server = await addThroughRelay();
    const connect = vi.spyOn(ssh2.Client.prototype, 'connect').mockImplementationOnce(() => {
      throw new Error('Unsupported algorithm: something ssh2 does not know');
    });
    try {
      await expect((await world.service.host(server.id)).exec(['true'])).rejects.toThrow(/Unsupported algorithm/);
    } finally {
      connect.mockRestore();
    }
    expect(relay.accepted()).toBe(1);
    await noConnectionLeft();
  });

  it('does not take a truncated key line for a changed key', async () => {
    const [type, base64] = sshd.hostPublicKey.split(' ');
    await fs.writeFile(world.userKnownHosts, `${name()} ${type} ${base64!.slice(0, 40)}\n`);
    const server = await addThroughRelay();
    world.prompter.answer = () => ({ accept: true, remember: true });
    expect((await (await world.service.host(server.id)).exec(['echo', 'asked'])).stdout).toBe('asked\n');
    expect(world.prompter.hostKeyPrompts()).toHaveLength(1);
  });

  it('matches a 10 MB host field and a line of many wildcards quickly', async () => {
    await fs.writeFile(world.userKnownHosts, `${'*'.repeat(24)}x ${sshd.hostPublicKey}\n${'h'.repeat(10_000_000)},${name()} ${sshd.hostPublicKey}\n`);
    const server = await addThroughRelay();
    const start = performance.now();
    expect((await (await world.service.host(server.id)).exec(['echo', 'fast'])).stdout).toBe('fast\n');
    expect(world.prompter.asked).toEqual([]);
    expect(performance.now() - start).toBeLessThan(10_000);
  });

  it('berth servers test ends instead of hanging when known_hosts has such lines', async () => {
    const home = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-cli-kh-'));
    const berth = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [path.resolve(import.meta.dirname, '../../bin/berth.mjs'), ...args], {
          env: { PATH: process.env.PATH, HOME: home, BERTH_HOME: path.join(home, 'berth'), BERTH_CLI_DEV: '1' },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stderr });
        });
      });
    try {
      await fs.mkdir(path.join(home, '.ssh'));
      const knownHosts = path.join(home, '.ssh', 'known_hosts');
      await fs.writeFile(knownHosts, `${name()} sk-ssh-ed25519@openssh.com ${securityKeyBase64()}\n* foo AAAA\n`);
      expect((await berth(['servers', 'add', 'box', '--host', '127.0.0.1', '--port', String(relay.port), '--user', sshd.user, '--key', sshd.clientKeyPath])).code).toBe(0);
      const unknown = await berth(['servers', 'test', 'box']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain(sshd.hostKeyFingerprint);
      expect(unknown.stderr).toContain(`${knownHosts}:2: skipped this line for ${name()}: the key type "foo" is not one Berth can check`);
      await noConnectionLeft();

      await fs.appendFile(knownHosts, `${name()} ${sshd.hostPublicKey}\n`);
      expect((await berth(['servers', 'test', 'box'])).code).toBe(0);
      await noConnectionLeft();
    } finally {
      await fs.rm(home, { recursive: true, force: true });
    }
  });
});

