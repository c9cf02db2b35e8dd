import { randomUUID } from 'node:crypto';
import type { EventBus } from '../api/event-bus.js';
import { currentCaller } from '../api/call-context.js';
import type { Host, TerminalSize } from '../hosts/host.js';
import type { MethodOutput, TerminalInfo } from '../../shared/api/contract.js';
import { ApiError } from '../../shared/api/errors.js';
import { TerminalSession } from './terminal-session.js';

/** How long a terminal no UI is attached to keeps running: long enough to reload or reopen the window. */
export const DEFAULT_DETACHED_TIMEOUT_MS = 10 * 60 * 1000;

/** BERTH_TERMINAL_DETACHED_TIMEOUT in seconds (fractions allowed); anything else keeps the default. */
export function detachedTimeoutFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.BERTH_TERMINAL_DETACHED_TIMEOUT?.trim();
  const seconds = raw ? Number(raw) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : DEFAULT_DETACHED_TIMEOUT_MS;
}

export interface TerminalManagerOptions {
  hosts: (serverId: string) => Promise<Host>;
  events: EventBus;
  /** DEFAULT_DETACHED_TIMEOUT_MS unless given. */
  detachedTimeoutMs?: number;
}

interface Entry {
  session: TerminalSession;
  /** The UIs (see call-context.ts) showing this terminal; it is detached when the last one goes. */
  clients: Set<string>;
  detachedTimer?: NodeJS.Timeout;
}

/**
 * The open terminals of this Berth instance, by id. A terminal outlives the UI that opened it (a reload, a closed
 * browser tab): it is detached, keeps its recent output, and can be attached again; one left detached for the
 * timeout is ended, so forgotten shells do not pile up. Terminals opened outside any UI call (the CLI, tests) have
 * no clients and never time out.
 */
export class TerminalManager {
  private readonly entries = new Map<string, Entry>();
  private readonly detachedTimeoutMs: number;

  constructor(private readonly options: TerminalManagerOptions) {
    this.detachedTimeoutMs = options.detachedTimeoutMs ?? DEFAULT_DETACHED_TIMEOUT_MS;
  }

  /**
   * `hosts` resolves the host whose openShell the session starts (again at each reconnect): the server's
   * login shell by default; container terminals (deploy/container-actions.ts) pass one that runs
   * `docker exec` or follows logs, so they share ids, events, flow control and reconnect with the rest.
   */
  async open(serverId: string, size: TerminalSize, hosts = this.options.hosts): Promise<{ terminalId: string; title: string }> {
    const session = new TerminalSession(randomUUID(), serverId, size, hosts, this.options.events);
    const caller = currentCaller();
    // Registered before connecting, so a UI that goes away while the shell starts still detaches it.
    this.entries.set(session.id, { session, clients: new Set(caller ? [caller.client] : []) });
    try {
      await session.connect();
    } catch (err) {
      this.forget(session.id);
      throw err;
    }
    return { terminalId: session.id, title: session.title };
  }

  get(terminalId: string): TerminalSession {
    return this.entry(terminalId).session;
  }

  list(): TerminalInfo[] {
    return [...this.entries.values()].map((e) => e.session.info);
  }

  /** Attaches the calling UI: the terminal stops counting down and its scrollback is handed over for replay. */
  attach(terminalId: string): MethodOutput<'terminals.attach'> {
    const entry = this.entry(terminalId);
    const caller = currentCaller();
    if (caller) entry.clients.add(caller.client);
    clearTimeout(entry.detachedTimer);
    entry.detachedTimer = undefined;
    const scrollback = entry.session.replay();
    return { ...entry.session.info, scrollback: Buffer.from(scrollback.buffer, scrollback.byteOffset, scrollback.length).toString('base64') };
  }

  /** A UI went away (its socket closed, its window reloaded): the terminals only it showed start counting down. */
  detachClient(client: string): void {
    for (const [terminalId, entry] of this.entries) {
      if (!entry.clients.delete(client) || entry.clients.size > 0) continue;
      entry.detachedTimer = setTimeout(() => this.expire(terminalId), this.detachedTimeoutMs);
      // A countdown alone must not keep a CLI or test process alive.
      entry.detachedTimer.unref();
    }
  }

  /** Ends the terminal's shell (closing its tab). */
  close(terminalId: string): void {
    this.get(terminalId).close();
    this.forget(terminalId);
  }

  closeAll(): void {
    for (const terminalId of [...this.entries.keys()]) this.close(terminalId);
  }

  private expire(terminalId: string): void {
    const entry = this.entries.get(terminalId);
    if (!entry || entry.clients.size > 0) return;
    this.close(terminalId);
    const minutes = Math.round(this.detachedTimeoutMs / 6000) / 10;
    this.options.events.emit('terminal.status', {
      terminalId,
      state: 'exited',
      message: `Ended after ${minutes} min with no window showing it.`,
      exitCode: null,
    });
  }

  private entry(terminalId: string): Entry {
    const entry = this.entries.get(terminalId);
    if (!entry) throw new ApiError('NOT_FOUND', 'This terminal is closed. Open a new one from the server list.');
    return entry;
  }

  private forget(terminalId: string): void {
    clearTimeout(this.entries.get(terminalId)?.detachedTimer);
    this.entries.delete(terminalId);
  }
}
