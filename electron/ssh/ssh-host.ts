import type { Duplex } from 'node:stream';
import type { SFTPWrapper } from 'ssh2';
import { ApiError } from '../../shared/api/errors.js';
import type { ExecChannel, ExecOptions, ExecResult, Host, ShellChannel, SpawnOptions, TerminalSize } from '../hosts/host.js';
import { collectExec } from './collect-exec.js';
import { remoteCommand } from './remote-command.js';
import { inProcessGroup, killGroupCommand, stripLeaderLine } from './process-group.js';
import type { SessionChannel, SshConnection } from './ssh-connection.js';
import type { ExitStatus } from './channel-outcome.js';
import { connectionLost } from './ssh-errors.js';

/** A server reached over SSH; every call goes through the server's one pooled connection. */
export class SshHost implements Host {
  constructor(
    readonly id: string,
    readonly label: string,
    private readonly connection: () => Promise<SshConnection>,
  ) {}

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return collectExec(this.spawn(argv, { signal: options.signal }), this.label, options);
  }

  async spawn(argv: readonly string[], options: SpawnOptions = {}): Promise<ExecChannel> {
    options.signal?.throwIfAborted();
    const connection = await this.connection();
    const session = await connection.exec(remoteCommand(options.processGroup ? inProcessGroup(argv) : argv), { pty: options.pty });
    const exec = wrapExec(session, connection, options.signal);
    if (!options.processGroup) return exec;
    const { stderr, leader } = stripLeaderLine(exec.stderr);
    const kill = () => {
      const pid = leader();
      if (!pid) return exec.kill();
      void this.exec(killGroupCommand(pid)).catch(() => undefined).finally(() => exec.kill());
    };
    return { ...exec, stderr, kill };
  }

  async openShell(size: TerminalSize): Promise<ShellChannel> {
    const connection = await this.connection();
    return wrapShell(await connection.shell(size), connection);
  }

  /** SFTP over the shared connection, for file transfers. */
  async sftp(): Promise<SFTPWrapper> {
    return (await this.connection()).sftp();
  }

  async writeFile(target: string, data: string | Uint8Array, mode: number): Promise<void> {
    const sftp = await this.sftp();
    const temp = `${target}.berth-${process.pid}-${Date.now().toString(36)}.tmp`;
    try {
      await sftpCall<void>((cb) => sftp.writeFile(temp, typeof data === 'string' ? data : Buffer.from(data), { mode }, cb));
      // The mode given to open() is filtered by the server's umask; set it explicitly.
      await sftpCall<void>((cb) => sftp.chmod(temp, mode, cb));
      await sftpCall<void>((cb) => sftp.ext_openssh_rename(temp, target, cb)).catch(() => sftpCall<void>((cb) => sftp.rename(temp, target, cb)));
    } catch (err) {
      await sftpCall<void>((cb) => sftp.unlink(temp, cb)).catch(() => undefined);
      throw new ApiError('INTERNAL', `Could not write ${target} on ${this.label}: ${(err as Error).message}`);
    } finally {
      sftp.end();
    }
  }

  async connectUnix(socketPath: string): Promise<Duplex> {
    return (await this.connection()).forwardOutStreamLocal(socketPath);
  }

  async connectTcp(host: string, port: number): Promise<Duplex> {
    return (await this.connection()).forwardOut(host, port);
  }
}

/** Channel close without an exit status after the connection died means the outcome is unknown. */
function settleOnClose({ outcome }: SessionChannel, connection: SshConnection, onDone: (result: ExitStatus | Error) => void) {
  let settled = false;
  const settle = (result: ExitStatus | Error) => {
    if (settled) return;
    settled = true;
    stopWatching();
    onDone(result);
  };
  const stopWatching = connection.onClose(() => {
    if (!outcome.status) settle(connectionLost(connection.label));
  });
  outcome.onClosed(() => {
    // The connection's own close event may come right after the channel's.
    setImmediate(() => settle(outcome.status ?? (connection.isOpen ? { exitCode: null } : connectionLost(connection.label))));
  });
}

function wrapExec(session: SessionChannel, connection: SshConnection, signal?: AbortSignal): ExecChannel {
  const { channel } = session;
  const kill = () => {
    channel.signal('KILL');
    channel.close();
  };
  let cancelled = false;
  const onAbort = () => {
    cancelled = true;
    kill();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const done = new Promise<ExitStatus>((resolve, reject) => {
    settleOnClose(session, connection, (result) => {
      signal?.removeEventListener('abort', onAbort);
      if (cancelled) reject(new ApiError('CANCELLED', 'The command was cancelled.'));
      else if (result instanceof Error) reject(result);
      else resolve(result);
    });
  });
  // Callers may be busy reading output when the connection drops; they still see
  // the rejection when they await `done`, but it must not count as unhandled meanwhile.
  done.catch(() => undefined);
  return {
    stdout: channel,
    stderr: channel.stderr,
    stdin: channel,
    writeStdin: (data) => channel.write(data),
    endStdin: () => channel.end(),
    done,
    kill,
  };
}

function wrapShell(session: SessionChannel, connection: SshConnection): ShellChannel {
  const { channel } = session;
  return {
    onData(listener) {
      channel.on('data', listener);
      channel.stderr.on('data', listener);
    },
    onClose(listener) {
      settleOnClose(session, connection, (result) => listener(result instanceof Error ? { exitCode: null, error: result } : { exitCode: result.exitCode }));
    },
    write: (data) => channel.write(data),
    // ssh2 takes rows first.
    resize: (size) => channel.setWindow(size.rows, size.cols, 0, 0),
    pause: () => channel.pause(),
    resume: () => channel.resume(),
    close: () => channel.close(),
  };
}

function sftpCall<T>(call: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => call((err, value) => (err ? reject(err) : resolve(value as T))));
}
