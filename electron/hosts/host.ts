import type { Duplex, Readable, Writable } from 'node:stream';

/**
 * A machine Berth runs commands on: a server over SSH or this computer.
 * Terminals, probes and (later) deploy steps use only this interface, so they
 * work the same on both.
 */
export interface Host {
  readonly id: string;
  /** user@host:port or "this computer", for messages. */
  readonly label: string;

  /**
   * Runs a program with arguments. Each argument reaches the program exactly
   * as given: it is quoted for the remote shell, never pasted into shell text.
   */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;

  /** Runs a program and streams its output; for long work such as deploy steps and `berth exec`. */
  spawn(argv: readonly string[], options?: SpawnOptions): Promise<ExecChannel>;

  /** An interactive login shell with a PTY. */
  openShell(size: TerminalSize): Promise<ShellChannel>;

  /** Writes a file atomically (temp file, then rename) with the given mode; the directory must exist. */
  writeFile(path: string, data: string | Uint8Array, mode: number): Promise<void>;

  /** A byte stream to a unix socket on that machine, e.g. the Docker daemon's, carried by the host's own connection. */
  connectUnix(path: string): Promise<Duplex>;

  /** A TCP connection opened from that machine, e.g. to a container's address on its Docker network. */
  connectTcp(host: string, port: number): Promise<Duplex>;
}

export interface TerminalSize {
  cols: number;
  rows: number;
}

export interface ExecOptions {
  stdin?: string | Uint8Array;
  signal?: AbortSignal;
  /** Output beyond this is an error rather than unbounded memory; default 16 MiB. */
  maxOutputBytes?: number;
}

export interface ExecResult {
  exitCode: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  /** A PTY makes the remote process die with the channel (cancel works) but merges stderr into stdout. */
  pty?: boolean;
  signal?: AbortSignal;
  /** kill() ends every process the program started (builds, pulls), not only the program or its channel. */
  processGroup?: boolean;
  /** Extra environment for a program on this computer; servers ignore it (their login shell decides). */
  env?: Record<string, string>;
}

export interface ExecChannel {
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** The program's stdin as a stream, for piping large input with backpressure. */
  readonly stdin: Writable;
  writeStdin(data: string | Uint8Array): void;
  endStdin(): void;
  /** Resolves when the program ends; rejects with an ApiError (CONNECTION_LOST…) when the connection drops. */
  readonly done: Promise<{ exitCode: number | null; signal?: string }>;
  kill(): void;
}

export interface ShellChannel {
  onData(listener: (chunk: Buffer) => void): void;
  /** Fires once: exitCode when the shell ended, error when the connection dropped. */
  onClose(listener: (info: { exitCode: number | null; error?: Error }) => void): void;
  write(data: string | Uint8Array): void;
  resize(size: TerminalSize): void;
  /** Stop reading: for SSH this stops window adjustments, so the remote side blocks (real backpressure). */
  pause(): void;
  resume(): void;
  close(): void;
}
