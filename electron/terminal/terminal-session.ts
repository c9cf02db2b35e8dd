import type { EventBus } from '../api/event-bus.js';
import type { TerminalInfo } from '../../shared/api/contract.js';
import type { Host, ShellChannel, TerminalSize } from '../hosts/host.js';
import { ApiError } from '../../shared/api/errors.js';
import { OutputFramer } from './output-framer.js';
import { FlowControl } from './flow-control.js';
import { ScrollbackRing } from './scrollback-ring.js';

type State = TerminalInfo['state'];

/**
 * Mouse tracking and bracketed paste switched on by the previous shell would
 * otherwise leak into the new one after a reconnect.
 */
const RESET_TERMINAL_MODES = '\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\r\n';
const encoder = new TextEncoder();

/** One terminal tab: a shell on a host, its output framing, its flow control and its recent output for a UI that attaches later. */
export class TerminalSession {
  private state: State = 'connecting';
  private message: string | undefined;
  /** Outlives reconnects: a reattached UI replays the old shell's last lines too, as the tab showed them. */
  private readonly scrollback = new ScrollbackRing();
  private channel: ShellChannel | undefined;
  private framer: OutputFramer | undefined;
  private flow: FlowControl | undefined;
  private label: string;

  constructor(
    readonly id: string,
    private readonly serverId: string,
    private size: TerminalSize,
    private readonly hosts: (serverId: string) => Promise<Host>,
    private readonly events: EventBus,
  ) {
    this.label = serverId;
  }

  get title(): string {
    return this.label;
  }

  get info(): TerminalInfo {
    return { terminalId: this.id, serverId: this.serverId, title: this.label, state: this.state, ...(this.message === undefined ? {} : { message: this.message }) };
  }

  /**
   * The output so far, for a UI attaching now; from here its 'terminal.data' events continue the stream. Output
   * still gathered in the framer is not in it: it goes out as the next event. Flow control restarts at the
   * replay's size, which the UI acks as it draws it.
   */
  replay(): Uint8Array<ArrayBuffer> {
    const bytes = this.scrollback.snapshot();
    this.flow?.reset(bytes.length);
    return bytes;
  }

  /** Bytes sent but not yet acknowledged; exposed for tests and diagnostics. */
  get unacked(): number {
    return this.flow?.pending ?? 0;
  }

  get paused(): boolean {
    return this.flow?.isPaused ?? false;
  }

  async connect(): Promise<void> {
    this.setState('connecting');
    try {
      const host = await this.hosts(this.serverId);
      this.label = host.label;
      const channel = await host.openShell(this.size);
      this.attach(channel);
      this.setState('open');
    } catch (err) {
      const error = ApiError.from(err);
      this.setState('disconnected', `Could not open a shell on ${this.label}: ${error.message}`);
      throw error;
    }
  }

  async reconnect(): Promise<void> {
    if (this.state === 'open' || this.state === 'connecting') return;
    this.send(RESET_TERMINAL_MODES);
    await this.connect();
  }

  write(data: string): void {
    if (this.state !== 'open' || !this.channel) {
      throw new ApiError('CONNECTION_LOST', 'This terminal is not connected. Click Reconnect to open a new shell.');
    }
    this.channel.write(data);
  }

  resize(size: TerminalSize): void {
    this.size = size;
    this.channel?.resize(size);
  }

  ack(bytes: number): void {
    this.flow?.acked(bytes);
  }

  close(): void {
    const channel = this.channel;
    this.detach();
    channel?.close();
  }

  private attach(channel: ShellChannel): void {
    this.detach();
    this.channel = channel;
    const flow = new FlowControl(channel);
    const framer = new OutputFramer((data) => this.emitData(data));
    this.flow = flow;
    this.framer = framer;
    channel.onData((chunk) => {
      if (this.channel !== channel) return;
      framer.push(chunk);
      flow.sent(chunk.length);
    });
    channel.onClose(({ exitCode, error }) => {
      if (this.channel !== channel) return;
      framer.flush();
      this.detach();
      if (error) {
        this.setState('disconnected', `${error.message} Reconnect when ${this.label} is reachable again.`);
      } else {
        this.setState('exited', `The shell exited${exitCode === null ? '' : ` with code ${exitCode}`}. Reconnect to start a new one, or close the tab.`, exitCode);
      }
    });
  }

  private detach(): void {
    this.framer?.dispose();
    this.channel = undefined;
    this.framer = undefined;
    this.flow = undefined;
  }

  /** Output that did not come from the shell (mode resets) goes through the same path as shell output. */
  private send(data: string): void {
    this.emitData(encoder.encode(data));
  }

  private emitData(data: Uint8Array<ArrayBuffer>): void {
    this.scrollback.push(data);
    this.events.emit('terminal.data', { terminalId: this.id, data });
  }

  private setState(state: State, message?: string, exitCode?: number | null): void {
    this.state = state;
    this.message = message;
    this.events.emit('terminal.status', {
      terminalId: this.id,
      state,
      ...(message === undefined ? {} : { message }),
      ...(exitCode === undefined ? {} : { exitCode }),
    });
  }
}
