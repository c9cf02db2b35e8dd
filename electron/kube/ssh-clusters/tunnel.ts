import net from 'node:net';
import type { Duplex } from 'node:stream';
import { ApiError } from '../../../shared/api/errors.js';

export interface TunnelOptions {
  /**
   * Opens a stream to the API as the server sees it (Host.connectTcp). Called
   * once per accepted socket, never cached: after the SSH connection drops,
   * the host's pool reconnects, so new sockets ride the new connection.
   */
  dial: () => Promise<Duplex>;
  /** "127.0.0.1:6443 on web1", for messages. */
  label: string;
  /** A dial that neither opens nor fails by then (a silently dead connection) drops its socket instead of hanging it. */
  dialTimeoutMs?: number;
}

/** The loopback address is fixed: the tunnel must never be reachable from another machine. */
const LOOPBACK = '127.0.0.1';

/**
 * A local TCP listener on 127.0.0.1:<random port> that pipes each accepted
 * socket through its own SSH channel (direct-tcpip) to the API server, so
 * the API port never has to be open to the internet. When the SSH connection
 * dies, ssh2 closes its channels and the matching local sockets are
 * destroyed at once, so clients see a closed connection and reconnect
 * rather than waiting on a dead one.
 */
export class SshTunnel {
  private readonly sockets = new Set<net.Socket>();
  private closed = false;
  private lastDialError: ApiError | undefined;

  private constructor(
    private readonly server: net.Server,
    private readonly options: TunnelOptions,
    readonly port: number,
  ) {}

  static async open(options: TunnelOptions): Promise<SshTunnel> {
    // allowHalfOpen: a client that ends its side still gets the API's whole answer.
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: LOOPBACK, port: 0, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const tunnel = new SshTunnel(server, options, (server.address() as net.AddressInfo).port);
    server.on('connection', (socket) => tunnel.accept(socket));
    server.on('error', () => undefined);
    return tunnel;
  }

  /** The address the listener is bound to: always 127.0.0.1. */
  get address(): string {
    return (this.server.address() as net.AddressInfo | null)?.address ?? LOOPBACK;
  }

  /** Local sockets currently piped to the API. */
  get activeSockets(): number {
    return this.sockets.size;
  }

  /** Why the last socket could not be carried, if it could not: clients only see it closed. */
  get lastError(): ApiError | undefined {
    return this.lastDialError;
  }

  /**
   * Opens one channel and closes it again: proves the server forwards TCP to
   * the API before anyone relies on the tunnel, with a message that says what
   * to change when it does not.
   */
  async check(): Promise<void> {
    const channel = await this.dialWithTimeout();
    channel.destroy();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket) {
    if (this.closed) return void socket.destroy();
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => this.sockets.delete(socket));
    this.dialWithTimeout().then(
      (channel) => {
        if (this.closed || socket.destroyed) return void channel.destroy();
        this.lastDialError = undefined;
        pipeBoth(socket, channel);
      },
      (err: unknown) => {
        this.lastDialError = ApiError.from(err);
        socket.destroy();
      },
    );
  }

  private async dialWithTimeout(): Promise<Duplex> {
    const timeoutMs = this.options.dialTimeoutMs ?? 20_000;
    let timer: NodeJS.Timeout | undefined;
    const dialing = this.options.dial();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ApiError('CONNECT_TIMEOUT', `The SSH connection did not open a channel to ${this.options.label} within ${Math.round(timeoutMs / 1000)} s; it may be dead. Berth reconnects on the next request.`)), timeoutMs);
    });
    try {
      return await Promise.race([dialing, timeout]);
    } catch (err) {
      // A dial that succeeds after the timeout must not leak its channel.
      dialing.then((late) => late.destroy(), () => undefined);
      throw describeDialError(err, this.options.label);
    } finally {
      clearTimeout(timer);
    }
  }
}

function pipeBoth(socket: net.Socket, channel: Duplex) {
  channel.on('error', () => undefined);
  socket.pipe(channel);
  channel.pipe(socket);
  socket.resume();
  socket.once('close', () => channel.destroy());
  channel.once('close', () => {
    // The API's last bytes may still be queued in the socket: flush them, then drop it.
    if (socket.writableLength === 0) socket.destroy();
    else {
      socket.end();
      socket.once('finish', () => socket.destroy());
      setTimeout(() => socket.destroy(), 5_000).unref();
    }
  });
}

/** OpenSSH answers "open failed" (administratively prohibited) when AllowTcpForwarding forbids it, and the connect error when nothing listens. */
export function describeDialError(err: unknown, label: string): ApiError {
  const error = ApiError.from(err);
  // Host.connectTcp words its error for jump hosts; only ssh2's reason applies here.
  const reason = /\(SSH\) Channel open failure: [^)]*/.exec(error.message)?.[0] ?? error.message;
  if (/administratively prohibited|open failed/i.test(reason)) {
    return new ApiError('UNSUPPORTED', `The server refused to forward a TCP connection to ${label}: its sshd does not allow TCP forwarding (AllowTcpForwarding no in /etc/ssh/sshd_config). Set it to yes (or local) and reload sshd, or run kubectl on the server instead (Berth's remote kubectl fallback). (${reason})`);
  }
  if (/connection refused|connect failed/i.test(reason)) {
    return new ApiError('UNAVAILABLE', `Nothing accepts connections at ${label} (${reason}). Check that the cluster is running there (e.g. systemctl status k3s).`);
  }
  return error;
}
