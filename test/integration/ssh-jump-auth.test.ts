import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished, type TestContext } from 'vitest';
import { skipUnlessAvailable } from '../support/infra.js';
import { ensurePasswordUser, generateKey, sshdUnavailableReason, startSshd, type SshdHandle } from '../support/sshd.js';
import { addServer, createWorld, trust, type World } from './ssh-world.js';

const skip = skipUnlessAvailable('sshd', sshdUnavailableReason());

describe.skipIf(skip)('ProxyJump and key passphrases', () => {
  let jump: SshdHandle;
  let target: SshdHandle;
  let world: World;

  beforeAll(async () => {
    [jump, target] = await Promise.all([startSshd(), startSshd({ hostKeyType: 'ecdsa' })]);
  });
  afterAll(async () => {
    await Promise.all([jump?.stop(), target?.stop()]);
  });
  beforeEach(async () => {
    world = await createWorld();
  });
  afterEach(async () => {
    await world.dispose();
  });

  it('reaches a server through a jump host, checking each hop’s key for its own host:port', async () => {
    const bastion = await addServer(world, jump, 'bastion');
    const inner = await addServer(world, target, 'inner', { proxyJump: [bastion.id] });
    world.prompter.answer = () => ({ accept: true, remember: true });
    const result = await (await world.service.host(inner.id)).exec(['echo', 'through']);
    expect(result.stdout).toBe('through\n');

    expect(world.prompter.hostKeyPrompts().map((p) => [p.serverId, p.port, p.keyType, p.fingerprint])).toEqual([
      [bastion.id, jump.port, 'ssh-ed25519', jump.hostKeyFingerprint],
      [inner.id, target.port, 'ecdsa-sha2-nistp256', target.hostKeyFingerprint],
    ]);
    // The target was reached by the bastion's forwarding, not directly.
    const jumpLog = await fs.readFile(jump.logPath, 'utf8');
    expect(jumpLog).toMatch(new RegExp(`server_request_direct_tcpip: .*target 127\\.0\\.0\\.1 port ${target.port}`));
  });

  it('asks for the passphrase of an encrypted key, retries a wrong one, and keeps it for this run', async () => {
    await trust(world, target);
    const keyPath = path.join(world.dir, 'encrypted_key');
    await generateKey(keyPath, 'ed25519', 'correct horse');
    await fs.appendFile(path.join(target.dir, 'authorized_keys'), await fs.readFile(`${keyPath}.pub`, 'utf8'));
    const server = await addServer(world, target, 'locked', { keyPath });
    const answers = ['wrong', 'correct horse'];
    world.prompter.answer = () => ({ accept: true, secret: answers.shift() });

    expect((await (await world.service.host(server.id)).exec(['echo', 'unlocked'])).stdout).toBe('unlocked\n');
    expect(world.prompter.asked).toEqual([
      { kind: 'passphrase', serverId: server.id, label: `Passphrase for ${keyPath}`, canRemember: false },
      { kind: 'passphrase', serverId: server.id, label: `Passphrase for ${keyPath}`, canRemember: false },
    ]);

    await world.service.dispose();
    await (await world.service.host(server.id)).exec(['true']);
    expect(world.prompter.asked).toHaveLength(2);
  });

  it('stops with CANCELLED when the passphrase prompt is dismissed', async () => {
    await trust(world, target);
    const keyPath = path.join(world.dir, 'encrypted_key');
    await generateKey(keyPath, 'ed25519', 'pw');
    const server = await addServer(world, target, 'locked', { keyPath });
    world.prompter.answer = () => ({ accept: false });
    await expect((await world.service.host(server.id)).exec(['true'])).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

/** A real sshd and a password-auth server on it whose prompts answer a wrong password first, then the right one. */
async function passwordLogin(ctx: TestContext, extraConfig: string[]) {
  const account = await ensurePasswordUser();
  if (!account) return ctx.skip('creating a password test account needs root');
  const sshd = await startSshd({ extraConfig });
  onTestFinished(() => sshd.stop());
  const world = await createWorld();
  onTestFinished(() => world.dispose());
  await trust(world, sshd);
  const server = await world.service.add({ name: 'pw', host: sshd.host, port: sshd.port, user: account.user, auth: { method: 'password' }, proxyJump: [] });
  const answers = ['wrong password', account.password];
  world.prompter.answer = () => ({ accept: true, secret: answers.shift(), remember: true });
  return { account, sshd, world, server, host: await world.service.host(server.id) };
}

describe.skipIf(skip)('password authentication', () => {
  it('asks for the password after the host key, keeps it for the run, and forgets a wrong one', async (ctx) => {
    const { account, world, server, host } = await passwordLogin(ctx, ['PasswordAuthentication yes']);

    const failed = await host.exec(['true']).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 'AUTH_FAILED' });
    expect((failed as Error).message).toContain('Tried: password');

    expect((await host.exec(['id', '-un'])).stdout).toBe(`${account.user}\n`);
    expect(world.prompter.asked).toEqual([
      { kind: 'password', serverId: server.id, label: `Password for ${account.user}`, canRemember: false },
      { kind: 'password', serverId: server.id, label: `Password for ${account.user}`, canRemember: false },
    ]);
    await world.service.dispose();
    await host.exec(['true']);
    expect(world.prompter.asked).toHaveLength(2);
  });

  it('answers a keyboard-interactive (PAM) prompt with the password given once, and reports a wrong one', async (ctx) => {
    // Many servers turn plain password auth off and ask through PAM instead.
    const { account, sshd, world, host } = await passwordLogin(ctx, ['UsePAM yes', 'KbdInteractiveAuthentication yes']);

    const failed = await host.exec(['true']).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 'AUTH_FAILED' });
    expect((failed as Error).message).toContain('keyboard-interactive (password)');

    expect((await host.exec(['id', '-un'])).stdout).toBe(`${account.user}\n`);
    // One question per connection attempt: the PAM prompt is answered without asking again.
    expect(world.prompter.asked).toHaveLength(2);
    const log = await fs.readFile(sshd.logPath, 'utf8');
    expect(log).toContain(`Accepted keyboard-interactive/pam for ${account.user}`);
    expect(log).not.toMatch(/Accepted password/);
  });
});

describe.skipIf(skip)('ssh-agent authentication', () => {
  it('logs in with a key held by a real ssh-agent', async () => {
    const sshd = await startSshd();
    const world = await createWorld();
    const socket = path.join(world.dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      await expect.poll(() => fs.access(socket).then(() => true, () => false), { timeout: 5000 }).toBe(true);
      await promisify(execFile)('ssh-add', [sshd.clientKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
      await trust(world, sshd);
      const server = await world.service.add({ name: 'agent', host: sshd.host, port: sshd.port, user: sshd.user, auth: { method: 'agent', socket }, proxyJump: [] });
      expect((await (await world.service.host(server.id)).exec(['echo', 'via agent'])).stdout).toBe('via agent\n');
      expect(await fs.readFile(sshd.logPath, 'utf8')).toMatch(/Accepted publickey/);
    } finally {
      agent.kill();
      await world.dispose();
      await sshd.stop();
    }
  });
});
