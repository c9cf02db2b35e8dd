import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/errors.js';
import { skipUnlessAvailable } from '../support/infra.js';
import { sshdUnavailableReason, startSshd, type SshdHandle } from '../support/sshd.js';
import { addServer, countInLog, trust, useTrustedWorld, type World } from './ssh-world.js';

const skip = skipUnlessAvailable('sshd', sshdUnavailableReason());

describe.skipIf(skip)('SSH exec over a real sshd', () => {
  let sshd: SshdHandle;
  let world: World;

  useTrustedWorld((s, w) => {
    sshd = s;
    world = w;
  });

  it('runs a command, keeps stdout and stderr apart and reports the exit code', async () => {
    const server = await addServer(world, sshd);
    const host = await world.service.host(server.id);
    const result = await host.exec(['sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect(result).toEqual({ exitCode: 7, stdout: 'out\n', stderr: 'err\n' });
    expect((await host.exec(['true'])).exitCode).toBe(0);
  });

  it('passes each argument through the remote shell unchanged', async () => {
    const server = await addServer(world, sshd);
    const host = await world.service.host(server.id);
    const args = ['a b', '$HOME', "'quoted'", ';', '', '`id`', '*', 'x\ny'];
    const result = await host.exec(['printf', '%s\\0', ...args]);
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(args);
  });

  it('feeds stdin', async () => {
    const server = await addServer(world, sshd);
    const host = await world.service.host(server.id);
    expect((await host.exec(['tr', 'a-z', 'A-Z'], { stdin: 'hello\n' })).stdout).toBe('HELLO\n');
  });

  it('streams 20 MB of output byte-exact', async () => {
    const file = path.join(world.dir, 'big.bin');
    const data = randomBytes(20 * 1024 * 1024);
    await fs.writeFile(file, data);
    const server = await addServer(world, sshd);
    const channel = await (await world.service.host(server.id)).spawn(['cat', file]);
    channel.endStdin();
    const chunks: Buffer[] = [];
    channel.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    expect(await channel.done).toEqual({ exitCode: 0 });
    const received = Buffer.concat(chunks);
    expect(received.length).toBe(data.length);
    expect(createHash('sha256').update(received).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('refuses output beyond maxOutputBytes instead of buffering it', async () => {
    const server = await addServer(world, sshd);
    const host = await world.service.host(server.id);
    await expect(host.exec(['head', '-c', '100000', '/dev/zero'], { maxOutputBytes: 1000 })).rejects.toThrow(/more than 1000 bytes/);
  });

  it('shares one connection between commands and SFTP', async () => {
    const server = await addServer(world, sshd);
    const host = await world.service.host(server.id);
    const before = countInLog(await fs.readFile(sshd.logPath, 'utf8'), /Accepted publickey/);
    await Promise.all([host.exec(['true']), host.exec(['echo', 'x']), host.exec(['uname'])]);
    const sftpHost = await world.service.sshHost(server.id);
    const sftp = await sftpHost.sftp();
    const remoteFile = path.join(world.dir, 'sftp.txt');
    await new Promise<void>((resolve, reject) => sftp.writeFile(remoteFile, 'written over sftp', (err) => (err ? reject(err) : resolve())));
    const readBack = await new Promise<string>((resolve, reject) => sftp.readFile(remoteFile, (err, buf) => (err ? reject(err) : resolve(buf.toString()))));
    expect(readBack).toBe('written over sftp');
    expect((await host.exec(['cat', remoteFile])).stdout).toBe('written over sftp');
    const after = countInLog(await fs.readFile(sshd.logPath, 'utf8'), /Accepted publickey/);
    expect(after - before).toBe(1);
    expect(world.statuses.map((s) => s.state)).toEqual(['connecting', 'connected']);
  });

  it('fails a running command with CONNECTION_LOST when the server dies, and tries a new connection next time', async () => {
    const own = await startSshd();
    try {
      await trust(world, own);
      const server = await addServer(world, own, 'doomed');
      const host = await world.service.host(server.id);
      // Kill only once the remote command runs, not while the login shell is still starting.
      const channel = await host.spawn(['sh', '-c', 'echo started; exec sleep 30']);
      await new Promise((resolve) => channel.stdout.once('data', resolve));
      await own.kill();
      const err = await channel.done.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe('CONNECTION_LOST');
      expect(world.statuses.at(-1)?.state).toBe('idle');
      await expect(host.exec(['true'])).rejects.toMatchObject({ code: 'CONNECT_REFUSED' });
    } finally {
      await own.stop();
    }
  });

  it('reconnects on next use after the connection dropped', async () => {
    const own = await startSshd();
    try {
      await trust(world, own);
      const server = await addServer(world, own, 'flaky');
      const host = await world.service.host(server.id);
      await host.exec(['true']);
      await own.dropConnections();
      await expect.poll(() => world.statuses.at(-1)?.state, { timeout: 5000 }).toBe('idle');
      expect((await host.exec(['echo', 'back'])).stdout).toBe('back\n');
      expect(world.statuses.map((s) => s.state)).toEqual(['connecting', 'connected', 'idle', 'connecting', 'connected']);
      expect(countInLog(await fs.readFile(own.logPath, 'utf8'), /Accepted publickey/)).toBe(2);
    } finally {
      await own.stop();
    }
  });

  it('reports a refused connection', async () => {
    const own = await startSshd();
    // Added while its key file exists (adding refuses a missing key), then the server goes away.
    const server = await addServer(world, own, 'gone');
    await own.stop();
    const err = await (await world.service.host(server.id)).exec(['true']).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONNECT_REFUSED' });
    expect((err as Error).message).toContain(`port ${own.port}`);
    expect(world.statuses.at(-1)).toMatchObject({ serverId: server.id, state: 'error' });
  });

  it('reports a wrong key as AUTH_FAILED naming what was tried', async () => {
    const other = await startSshd();
    try {
      // A key this sshd has never seen: the other sshd's client key.
      const server = await addServer(world, sshd, 'wrong-key', { keyPath: other.clientKeyPath });
      const err = await (await world.service.host(server.id)).exec(['true']).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'AUTH_FAILED' });
      expect((err as Error).message).toContain(`publickey (key ${other.clientKeyPath})`);
      expect((err as Error).message).toContain('authorized_keys');
    } finally {
      await other.stop();
    }
  });

  it('reports an unknown host name as HOST_UNREACHABLE', async () => {
    const server = await world.service.add({ name: 'nowhere', host: 'no-such-host.invalid', port: 22, user: 'root', auth: { method: 'agent', socket: '/nonexistent' }, proxyJump: [] });
    await expect((await world.service.host(server.id)).exec(['true'])).rejects.toMatchObject({ code: 'HOST_UNREACHABLE' });
  });

  it('probes the server on test', async () => {
    const server = await addServer(world, sshd);
    const status = await world.service.test(server.id);
    expect(status.state).toBe('connected');
    // The sshd runs on this machine, so the probe must find what Node sees here.
    expect(status.probe?.arch).toBe(os.machine());
    expect(status.probe?.freeDiskBytes).toBeGreaterThan(0);
  });
});
