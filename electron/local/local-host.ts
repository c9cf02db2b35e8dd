import { spawn as spawnProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import type { Duplex } from 'node:stream';
import * as pty from 'node-pty';
import { ApiError } from '../../shared/api/errors.js';
import { LOCAL_SERVER_ID } from '../../shared/model/server.js';
import type { ExecChannel, ExecOptions, ExecResult, Host, ShellChannel, SpawnOptions, TerminalSize } from '../hosts/host.js';
import { collectExec } from '../ssh/collect-exec.js';

/** The user's login shell for terminals on this computer. */
export function localShell(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return 'powershell.exe';
  return env.SHELL || '/bin/sh';
}

/** What a terminal on this computer starts. */
export interface LocalShellCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

function userShell(): LocalShellCommand {
  return { file: localShell(), args: [], env: { ...process.env, TERM: 'xterm-256color' } as Record<string, string>, cwd: os.homedir() };
}

/** "This computer": programs run directly with their argv, never through a shell. */
export class LocalHost implements Host {
  readonly id = LOCAL_SERVER_ID;
  readonly label = 'this computer';

  /** `shell` replaces the user's login shell, e.g. with an rc-less bash for predictable tests. */
  constructor(private readonly shell: () => LocalShellCommand = userShell) {}

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return collectExec(this.spawn(argv, { signal: options.signal }), this.label, options);
  }

  async spawn(argv: readonly string[], options: SpawnOptions = {}): Promise<ExecChannel> {
    const [file, ...args] = argv;
    if (!file) throw new ApiError('INVALID_INPUT', 'No command given to run.');
    options.signal?.throwIfAborted();
    const env = options.env ? { ...process.env, ...options.env } : process.env;
    // A group of its own, so kill() reaches what the program started too (not on Windows, where there are no groups).
    const group = options.processGroup === true && process.platform !== 'win32';
    const child = spawnProcess(file, args, { stdio: ['pipe', 'pipe', 'pipe'], signal: options.signal, windowsHide: true, env, detached: group });
    const done = new Promise<{ exitCode: number | null; signal?: string }>((resolve, reject) => {
      child.once('error', (err: NodeJS.ErrnoException) => {
        if (err.name === 'AbortError') reject(new ApiError('CANCELLED', 'The command was cancelled.'));
        else if (err.code === 'ENOENT') reject(new ApiError('NOT_FOUND', `${file} was not found on this computer. Install it or check PATH.`));
        else reject(new ApiError('INTERNAL', `Could not run ${file}: ${err.message}`));
      });
      child.once('close', (code, signal) => resolve(signal ? { exitCode: code, signal } : { exitCode: code }));
    });
    // Awaited later by the caller; a failure meanwhile must not count as unhandled.
    done.catch(() => undefined);
    // A program that exits without reading stdin makes writes fail with EPIPE; its exit status is what matters.
    child.stdin.on('error', () => undefined);
    return {
      stdout: child.stdout,
      stderr: child.stderr,
      stdin: child.stdin,
      writeStdin: (data) => child.stdin.write(data),
      endStdin: () => child.stdin.end(),
      done,
      kill: () => {
        if (group && child.pid) {
          try {
            process.kill(-child.pid, 'SIGKILL');
            return;
          } catch {
            // Already gone.
          }
        }
        child.kill('SIGKILL');
      },
    };
  }

  async openShell(size: TerminalSize): Promise<ShellChannel> {
    const { file, args, env, cwd } = this.shell();
    const term = pty.spawn(file, args, {
      name: 'xterm-256color',
      cols: size.cols,
      rows: size.rows,
      cwd,
      env,
      // Raw bytes: the terminal decodes UTF-8 itself, across chunk boundaries.
      encoding: null,
    });
    return {
      onData: (listener) => term.onData((data: string | Buffer) => listener(Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8'))),
      onClose: (listener) => term.onExit(({ exitCode }) => listener({ exitCode })),
      write: (data) => term.write(typeof data === 'string' ? data : Buffer.from(data).toString('utf8')),
      resize: (next) => term.resize(next.cols, next.rows),
      pause: () => term.pause(),
      resume: () => term.resume(),
      close: () => term.kill(),
    };
  }

  async writeFile(target: string, data: string | Uint8Array, mode: number): Promise<void> {
    const temp = `${target}.berth-${process.pid}-${Date.now().toString(36)}.tmp`;
    try {
      await fs.writeFile(temp, data, { mode });
      await fs.chmod(temp, mode);
      await fs.rename(temp, target);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw new ApiError('INTERNAL', `Could not write ${target}: ${(err as Error).message}`);
    }
  }

  connectUnix(socketPath: string): Promise<Duplex> {
    return connectSocket(net.connect(socketPath), socketPath);
  }

  connectTcp(host: string, port: number): Promise<Duplex> {
    return connectSocket(net.connect(port, host), `${host}:${port}`);
  }
}

function connectSocket(socket: net.Socket, what: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('error', (err) => reject(new ApiError('HOST_UNREACHABLE', `Could not connect to ${what} on this computer: ${err.message}`)));
  });
}
