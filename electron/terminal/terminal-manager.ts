// STUB: replaced by the terminal work.
import type { EventBus } from '../api/event-bus.js';
import type { Host } from '../hosts/host.js';

export interface TerminalManagerOptions {
  hosts: (serverId: string) => Promise<Host>;
  events: EventBus;
}

export class TerminalManager {
  constructor(readonly options: TerminalManagerOptions) {}
  closeAll(): void {}
}
