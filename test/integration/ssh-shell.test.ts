import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { skipUnlessAvailable } from '../support/infra.js';
import { sshdUnavailableReason, startSshd, type SshdHandle } from '../support/sshd.js';
import { addServer, trust, useTrustedWorld, type World } from './ssh-world.js';

const skip = skipUnlessAvailable('sshd', sshdUnavailableReason());

describe.skipIf(skip)('SSH shells, timeouts and algorithm mismatches', () => {
  let sshd: SshdHandle;
  let world: World;

  useTrustedWorld((s, w) => {
    sshd = s;
    world = w;
  });

  it('opens a PTY shell with TERM xterm-256color and resizes it (rows first to ssh2)', async () => {
    const server = await addServer(world, sshd);
    const shell = await (await world.service.host(server.id)).openShell({ cols: 100, rows: 30 });
    let output = '';
    shell.onData((chunk) => (output += chunk.toString()));
    const closed = new Promise<{ exitCode: number | null; error?: Error }>((resolve) => shell.onClose(resolve));
    shell.write('stty size; echo "T=$TERM"\n');
    // The two answers may come in separate chunks: wait for the second, not only the first.
    await expect.poll(() => output, { timeout: 5000 }).toMatch(/30 100[\s\S]*T=xterm-256color/);
    shell.resize({ cols: 132, rows: 43 });
    shell.write('stty size; exit 3\n');
    expect(await closed).toEqual({ exitCode: 3 });
    expect(output).toMatch(/43 132/);
  });

  it('closes a shell with an error when the server dies', async () => {
    const own = await startSshd();
    try {
      await trust(world, own);
      const server = await addServer(world, own, 'doomed');
      const shell = await (await world.service.host(server.id)).openShell({ cols: 80, rows: 24 });
      const closed = new Promise<{ exitCode: number | null; error?: Error }>((resolve) => shell.onClose(resolve));
      let output = '';
      shell.onData((chunk) => (output += chunk.toString()));
      shell.write('echo up-$((20+1))\n');
      await expect.poll(() => output, { timeout: 10_000 }).toContain('up-21');
      await own.kill();
      const info = await closed;
      expect(info.error).toMatchObject({ code: 'CONNECTION_LOST' });
    } finally {
      await own.stop();
    }
  });

  it('times out on a server that accepts TCP but never speaks SSH', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const server = await world.service.add({ name: 'silent', host: '127.0.0.1', port, user: 'root', auth: { method: 'key', keyPath: sshd.clientKeyPath }, proxyJump: [] });
      await expect((await world.service.host(server.id)).exec(['true'])).rejects.toMatchObject({ code: 'CONNECT_TIMEOUT' });
    } finally {
      silent.close();
    }
  });

  it('names what the server offered when no key exchange algorithm matches', async () => {
    // A post-quantum hybrid OpenSSH has and ssh2 does not.
    const own = await startSshd({ extraConfig: ['KexAlgorithms sntrup761x25519-sha512@openssh.com'] });
    try {
      await trust(world, own);
      const server = await addServer(world, own, 'old');
      const err = await (await world.service.host(server.id)).exec(['true']).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ALGORITHM_MISMATCH' });
      expect((err as Error).message).toContain('The server offered: sntrup761x25519-sha512@openssh.com');
    } finally {
      await own.stop();
    }
  });
});
