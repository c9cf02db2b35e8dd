import { randomUUID } from 'node:crypto';
import type { EventBus } from '../api/event-bus.js';
import type { Host, TerminalSize } from '../hosts/host.js';
import { ApiError } from '../../shared/api/errors.js';
import { TerminalSession } from './terminal-session.js';

export interface TerminalManagerOptions {
  hosts: (serverId: string) => Promise<Host>;
  events: EventBus;
}

/** The open terminals of this Berth instance, by id. */
export class TerminalManager {
  private readonly sessions = new Map<string, TerminalSession>();

  constructor(private readonly options: TerminalManagerOptions) {}

  /**
   * `hosts` resolves the host whose openShell the session starts (again at each reconnect): the server's
   * login shell by default; container terminals (deploy/container-actions.ts) pass one that runs
   * `docker exec` or follows logs, so they share ids, events, flow control and reconnect with the rest.
   */
  async open(serverId: string, size: TerminalSize, hosts = this.options.hosts): Promise<{ terminalId: string; title: string }> {
    const session = new TerminalSession(randomUUID(), serverId, size, hosts, this.options.events);
    this.sessions.set(session.id, session);
    try {
      await session.connect();
    } catch (err) {
      this.sessions.delete(session.id);
      throw err;
    }
    return { terminalId: session.id, title: session.title };
  }

  get(terminalId: string): TerminalSession {
    const session = this.sessions.get(terminalId);
    if (!session) throw new ApiError('NOT_FOUND', 'This terminal is closed. Open a new one from the server list.');
    return session;
  }

  close(terminalId: string): void {
    this.get(terminalId).close();
    this.sessions.delete(terminalId);
  }

  closeAll(): void {
    for (const session of this.sessions.values()) session.close();
    this.sessions.clear();
  }
}
