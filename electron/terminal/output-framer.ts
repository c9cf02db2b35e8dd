import { StringDecoder } from 'node:string_decoder';

/** Largest frame sent in one event; bigger bursts are split so the UI stays responsive. */
export const FRAME_MAX_CHARS = 64 * 1024;
/** How long output is gathered into one frame while a burst is running. */
export const FRAME_INTERVAL_MS = 8;

/**
 * Turns raw shell bytes into text frames. A streaming decoder keeps a
 * multibyte character that is split across chunks intact. The first chunk
 * after a quiet period goes out at once (typing stays instant); during a burst
 * chunks are gathered for a few milliseconds so the UI gets fewer, larger frames.
 */
export class OutputFramer {
  private decoder = new StringDecoder('utf8');
  private pending = '';
  private timer: NodeJS.Timeout | undefined;
  private lastFlush = 0;

  constructor(private readonly emit: (text: string) => void) {}

  /** Returns the number of characters the chunk decoded to (what the UI will ack). */
  push(chunk: Buffer): number {
    const text = this.decoder.write(chunk);
    if (!text) return 0;
    this.pending += text;
    if (this.pending.length >= FRAME_MAX_CHARS) {
      this.flush();
    } else if (!this.timer) {
      const sinceLast = Date.now() - this.lastFlush;
      if (sinceLast >= FRAME_INTERVAL_MS) this.flush();
      else this.timer = setTimeout(() => this.flush(), FRAME_INTERVAL_MS - sinceLast);
    }
    return text.length;
  }

  /** Emits what is buffered, including an incomplete trailing character as U+FFFD (the stream ended). */
  end(): number {
    const rest = this.decoder.end();
    this.pending += rest;
    this.flush();
    this.decoder = new StringDecoder('utf8');
    return rest.length;
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastFlush = Date.now();
    while (this.pending) {
      const frame = this.pending.slice(0, FRAME_MAX_CHARS);
      this.pending = this.pending.slice(frame.length);
      this.emit(frame);
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = '';
  }
}
