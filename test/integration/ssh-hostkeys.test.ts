import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
