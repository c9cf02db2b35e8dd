import type { Duplex } from 'node:stream';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { ApiError } from '../../shared/api/errors.js';
import type { SshServer } from '../../shared/model/server.js';
import type { TerminalSize } from '../hosts/host.js';
import { connectHop, serverLabel, type HopDeps } from './connect-hop.js';
import { connectionLost } from './ssh-errors.js';
import { watchChannel, type ChannelOutcome } from './channel-outcome.js';

/** A session channel with its outcome watched from the moment it opened. */
export interface SessionChannel {
  channel: ClientChannel;
  outcome: ChannelOutcome;
}

/**
 * One SSH connection to a server (through its jump hosts, if any), shared by
 * every exec, shell, SFTP and forwarded channel to that server.
 */
export class SshConnection {
  private closed = false;
  private readonly closeListeners = new Set<() => void>();

  private constructor(
    readonly label: string,
    private readonly client: Client,
    /** Jump host connections, first hop first; closed after the target. */
    private readonly hops: Client[],
  ) {
    const onClose = () => this.markClosed();
    client.once('close', onClose);
    for (const hop of hops) hop.once('close', onClose);
  }

  /** Connects hop by hop: each hop forwards a channel to the next, whose host key is checked for its own host:port. */
  static async open(chain: readonly SshServer[], deps: HopDeps): Promise<SshConnection> {
    const clients: Client[] = [];
    try {
      let sock: Duplex | undefined;
      for (let i = 0; i < chain.length; i++) {
        const client = await connectHop(chain[i]!, deps, sock);
        clients.push(client);
        const next = chain[i + 1];
        if (next) sock = await forward(client, next.host, next.port, serverLabel(chain[i]!));
      }
    } catch (err) {
      for (const client of clients.reverse()) client.end();
      throw err;
    }
    const target = clients.pop()!;
    return new SshConnection(serverLabel(chain[chain.length - 1]!), target, clients);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  onClose(listener: () => void): () => void {
    if (this.closed) {
      queueMicrotask(listener);
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  exec(command: string, options: { pty?: boolean } = {}): Promise<SessionChannel> {
    return this.channel((cb) => this.client.exec(command, options.pty ? { pty: { term: 'xterm-256color' } } : {}, session(cb)));
  }

  shell(size: TerminalSize): Promise<SessionChannel> {
    return this.channel((cb) => this.client.shell({ term: 'xterm-256color', cols: size.cols, rows: size.rows }, session(cb)));
  }

  sftp(): Promise<SFTPWrapper> {
    return this.channel((cb) => this.client.sftp(cb));
  }

  forwardOut(host: string, port: number): Promise<ClientChannel> {
    return forward(this.client, host, port, this.label);
  }

  /** A stream to a unix socket on the server (OpenSSH's streamlocal forwarding). */
  forwardOutStreamLocal(socketPath: string): Promise<ClientChannel> {
    if (this.closed) return Promise.reject(connectionLost(this.label));
    return new Promise((resolve, reject) => {
      this.client.openssh_forwardOutStreamLocal(socketPath, (err, channel) => {
        if (!err) resolve(channel);
        else if (this.closed) reject(connectionLost(this.label));
        else reject(new ApiError('HOST_UNREACHABLE', `${this.label} could not open ${socketPath} (${err.message}). Check that the path is right and that the SSH user may use it (AllowStreamLocalForwarding in sshd_config, and membership of the docker group for Docker's socket).`));
      });
    });
  }

  close(): void {
    this.client.end();
    for (const hop of [...this.hops].reverse()) hop.end();
    this.markClosed();
  }

  private channel<T>(open: (cb: (err: Error | undefined, channel: T) => void) => void): Promise<T> {
    if (this.closed) return Promise.reject(connectionLost(this.label));
    return new Promise((resolve, reject) => {
      open((err, channel) => {
        if (!err) resolve(channel);
        else if (this.closed) reject(connectionLost(this.label));
        else reject(new ApiError('INTERNAL', `${this.label} refused to open a channel: ${err.message}. The server may limit sessions (MaxSessions in sshd_config).`));
      });
    });
  }

  private markClosed() {
    if (this.closed) return;
    this.closed = true;
    this.client.end();
    for (const hop of this.hops) hop.end();
    for (const listener of this.closeListeners) listener();
    this.closeListeners.clear();
  }
}

/** Starts watching the channel inside ssh2's callback, before the promise hands it on. */
function session(cb: (err: Error | undefined, channel: SessionChannel) => void) {
  return (err: Error | undefined, channel: ClientChannel) => cb(err, err ? (undefined as never) : { channel, outcome: watchChannel(channel) });
}

function forward(client: Client, host: string, port: number, via: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, host, port, (err, channel) => {
      if (err) reject(new ApiError('HOST_UNREACHABLE', `The jump host ${via} could not reach ${host}:${port} (${err.message}). Check that it can connect there (AllowTcpForwarding on the jump host).`));
      else resolve(channel);
    });
  });
}
