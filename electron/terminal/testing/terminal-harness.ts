import { EventBus } from '../../api/event-bus.js';
import type { EventPayload } from '../../../shared/api/contract.js';
import type { Host } from '../../hosts/host.js';
import { TerminalManager } from '../terminal-manager.js';

/**
 * Drives a TerminalManager the way the UI does: collects each terminal's
 * output from events (the frames as sent, and their text decoded as a stream
 * the way xterm decodes it) and, when auto-ack is on, acknowledges every
 * frame on the next tick as xterm's write callback would.
 */
export class TerminalHarness {
  readonly events = new EventBus();
  readonly manager: TerminalManager;
  readonly output = new Map<string, string>();
  readonly frames = new Map<string, Uint8Array[]>();
  private readonly decoders = new Map<string, TextDecoder>();
  readonly statuses: EventPayload<'terminal.status'>[] = [];
  autoAck = true;
  private readonly unsubscribe: () => void;

  constructor(host: (serverId: string) => Promise<Host>, options: { detachedTimeoutMs?: number } = {}) {
    this.manager = new TerminalManager({ hosts: host, events: this.events, ...options });
    this.unsubscribe = this.events.subscribe((event, payload) => {
      if (event === 'terminal.data') {
        const { terminalId, data } = payload as EventPayload<'terminal.data'>;
        const frames = this.frames.get(terminalId) ?? [];
        frames.push(data);
        this.frames.set(terminalId, frames);
        this.output.set(terminalId, (this.output.get(terminalId) ?? '') + this.decoder(terminalId).decode(data, { stream: true }));
        if (this.autoAck) setImmediate(() => this.ackQuietly(terminalId, data.length));
      } else if (event === 'terminal.status') {
        this.statuses.push(payload as EventPayload<'terminal.status'>);
      }
    });
  }

  private decoder(terminalId: string): TextDecoder {
    let decoder = this.decoders.get(terminalId);
    if (!decoder) this.decoders.set(terminalId, (decoder = new TextDecoder('utf-8', { ignoreBOM: true })));
    return decoder;
  }

  text(terminalId: string): string {
    return this.output.get(terminalId) ?? '';
  }

  async waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  waitForText(terminalId: string, needle: string, timeoutMs?: number): Promise<void> {
    return this.waitFor(() => this.text(terminalId).includes(needle), JSON.stringify(needle), timeoutMs);
  }

  dispose(): void {
    this.unsubscribe();
    this.manager.closeAll();
  }

  private ackQuietly(terminalId: string, bytes: number) {
    try {
      this.manager.get(terminalId).ack(bytes);
    } catch {
      // The terminal was closed meanwhile; nothing to acknowledge.
    }
  }
}

/** Numbers printed as whole lines, in order; the prompt and echoed commands are ignored. */
export function numberLines(text: string): number[] {
  return text
    .split('\n')
    // eslint-disable-next-line no-control-regex -- terminal control sequences are exactly what is stripped
    .map((line) => line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, ''))
    .filter((line) => /^\d+$/.test(line))
    .map(Number);
}
