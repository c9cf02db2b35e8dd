import type { Readable } from 'node:stream';

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
}

export interface ExecChannel {
  readonly stdout: Readable;
  readonly stderr: Readable;
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
