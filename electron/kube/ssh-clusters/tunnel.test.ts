import net from 'node:net';
import fs from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { skipUnlessAvailable } from '../../../test/support/infra.js';
import { sshdUnavailableReason, startSshd, type SshdHandle } from '../../../test/support/sshd.js';
import { addServer, countInLog, createWorld, trust, useTrustedWorld, type World } from '../../../test/integration/ssh-world.js';
import { SshTunnel } from './tunnel.js';

const skip = skipUnlessAvailable('sshd', sshdUnavailableReason());

/** A TCP service on 127.0.0.1 standing in for the API: answers each line with "echo <line>", and tells who connected. */
async function startEcho(): Promise<{ port: number; peers: string[]; close(): Promise<void> }> {
  const peers: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    peers.push(socket.remoteAddress ?? '');
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        socket.write(`echo ${buffered.slice(0, nl)}\n`);
        buffered = buffered.slice(nl + 1);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    peers,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** Connects to the tunnel and waits for the reply to one line. */
function connect(port: number): Promise<{ socket: net.Socket; ask(line: string): Promise<string>; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let waiter: (() => void) | undefined;
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      waiter?.();
    });
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => undefined);
    socket.once('connect', () =>
      resolve({
        socket,
        closed,
        ask: (line) =>
          new Promise((r) => {
            const start = received.length;
            waiter = () => {
              const nl = received.indexOf('\n', start);
              if (nl >= 0) r(received.slice(start, nl));
            };
            socket.write(`${line}\n`);
          }),
      }),
    );
    socket.once('error', reject);
  });
}

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms))]);

describe.skipIf(skip)('SSH tunnel to a TCP service as the server sees it (real sshd)', () => {
  let sshd: SshdHandle;
  let world: World;
  const cleanup: Array<() => Promise<void>> = [];
  useTrustedWorld((s, w) => {
    sshd = s;
    world = w;
  });
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  async function tunnelTo(port: number): Promise<SshTunnel> {
    const server = await addServer(world, sshd);
    const host = await world.service.host(server.id);
    const tunnel = await SshTunnel.open({ dial: () => host.connectTcp('127.0.0.1', port), label: `127.0.0.1:${port} on test` });
    cleanup.push(() => tunnel.close());
    return tunnel;
  }

  it('listens only on 127.0.0.1 and pipes each socket through its own SSH channel', async () => {
    const echo = await startEcho();
    cleanup.push(() => echo.close());
    const tunnel = await tunnelTo(echo.port);
    await tunnel.check();
    expect(tunnel.address).toBe('127.0.0.1');
    const a = await connect(tunnel.port);
    const b = await connect(tunnel.port);
    expect(await a.ask('one')).toBe('echo one');
    expect(await b.ask('two')).toBe('echo two');
    expect(tunnel.activeSockets).toBe(2);
    // sshd opened the connections, from the server's side (its loopback here).
    expect(echo.peers.filter((p) => p.endsWith('127.0.0.1')).length).toBeGreaterThanOrEqual(2);
    a.socket.destroy();
    b.socket.destroy();
  });

  it('destroys sockets whose SSH connection died, and carries new ones over a new connection', async () => {
    const echo = await startEcho();
    cleanup.push(() => echo.close());
    const tunnel = await tunnelTo(echo.port);
    const before = await connect(tunnel.port);
    expect(await before.ask('hello')).toBe('echo hello');
    const logins = countInLog(await fs.readFile(sshd.logPath, 'utf8'), /Accepted publickey/);

    await sshd.dropConnections();
    // Not hung: the local socket closes as soon as ssh2 sees the connection gone.
    await within(before.closed, 10_000, 'closing the socket of the dead connection');

    const after = await connect(tunnel.port);
    expect(await within(after.ask('again'), 15_000, 'a request after the reconnect')).toBe('echo again');
    expect(countInLog(await fs.readFile(sshd.logPath, 'utf8'), /Accepted publickey/)).toBe(logins + 1);
    after.socket.destroy();
  });

  it('close() releases the listener and drops its sockets', async () => {
    const echo = await startEcho();
    cleanup.push(() => echo.close());
    const tunnel = await tunnelTo(echo.port);
    const open = await connect(tunnel.port);
    expect(await open.ask('x')).toBe('echo x');
    await tunnel.close();
    await within(open.closed, 5_000, 'dropping an open socket on close');
    await expect(connect(tunnel.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('says when nothing listens at the far end', async () => {
    const echo = await startEcho();
    const port = echo.port;
    await echo.close();
    const tunnel = await tunnelTo(port);
    await expect(tunnel.check()).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining(`127.0.0.1:${port}`) });
    // A client of the tunnel sees its socket closed rather than waiting.
    const client = await connect(tunnel.port);
    await within(client.closed, 10_000, 'closing a socket that could not be carried');
    expect(tunnel.lastError?.code).toBe('UNAVAILABLE');
  });
});

describe.skipIf(skip)('SSH tunnel when sshd forbids TCP forwarding', () => {
  it('fails its check with what to change (AllowTcpForwarding) and the remote-kubectl way out', async () => {
    const sshd = await startSshd({ extraConfig: ['AllowTcpForwarding no'] });
    const world = await createWorld();
    const echo = await startEcho();
    try {
      await trust(world, sshd);
      const server = await addServer(world, sshd);
      const host = await world.service.host(server.id);
      const tunnel = await SshTunnel.open({ dial: () => host.connectTcp('127.0.0.1', echo.port), label: `127.0.0.1:${echo.port} on test` });
      try {
        const err = await tunnel.check().then(() => undefined, (e: unknown) => e);
        expect(err).toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('AllowTcpForwarding') });
        expect(echo.peers).toEqual([]);
      } finally {
        await tunnel.close();
      }
    } finally {
      await echo.close();
      await world.dispose();
      await sshd.stop();
    }
  });
});
