import type { ClientChannel } from 'ssh2';

export interface ExitStatus {
  exitCode: number | null;
  signal?: string;
}

/**
 * What happened to a session channel, recorded from the moment ssh2 hands it
 * over. ssh2 parses a whole read synchronously, so a fast command's exit
 * status and close can be emitted before any promise continuation runs;
 * listeners attached a microtask later would miss them.
 */
export interface ChannelOutcome {
  /** The exit-status or exit-signal the server sent, if any yet. */
  readonly status: ExitStatus | undefined;
  readonly closed: boolean;
  /** Calls back once the channel has closed (at once if it already has). */
  onClosed(listener: () => void): void;
}

/** Must be called synchronously in the callback that delivers the channel. */
export function watchChannel(channel: ClientChannel): ChannelOutcome {
  let status: ExitStatus | undefined;
  let closed = false;
  const listeners: Array<() => void> = [];
  channel.on('exit', (code: number | null, signal?: string) => {
    status = signal ? { exitCode: code ?? null, signal } : { exitCode: code ?? null };
  });
  channel.once('close', () => {
    closed = true;
    for (const listener of listeners.splice(0)) listener();
  });
  return {
    get status() {
      return status;
    },
    get closed() {
      return closed;
    },
    onClosed(listener) {
      if (closed) queueMicrotask(listener);
      else listeners.push(listener);
    },
  };
}
