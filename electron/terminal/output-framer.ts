/** Largest frame sent in one event; bigger bursts are split so the UI stays responsive. */
export const FRAME_MAX_BYTES = 64 * 1024;
/** How long output is gathered into one frame while a burst is running. */
export const FRAME_INTERVAL_MS = 8;

/**
 * Gathers raw shell bytes into frames. Bytes are never decoded here: a frame
 * may end inside a multibyte character because xterm's write(Uint8Array)
 * keeps an incomplete UTF-8 sequence and finishes it with the next write.
 * The first chunk after a quiet period goes out at once (typing stays
 * instant); during a burst chunks are gathered for a few milliseconds so the
 * UI gets fewer, larger frames.
 */
export class OutputFramer {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastFlush = 0;

  /** Every frame is a fresh copy: the shell's chunk buffers may be reused, a frame must not change after it is sent. */
  constructor(private readonly emit: (frame: Uint8Array<ArrayBuffer>) => void) {}

  push(chunk: Uint8Array): void {
    if (!chunk.length) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size >= FRAME_MAX_BYTES) {
      // Only whole frames leave now; the remainder waits for more of the burst.
      this.send(false);
      this.schedule();
    } else if (!this.timer) {
      const sinceLast = Date.now() - this.lastFlush;
      if (sinceLast >= FRAME_INTERVAL_MS) this.flush();
      else this.schedule(FRAME_INTERVAL_MS - sinceLast);
    }
  }

  /** Emits everything buffered. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastFlush = Date.now();
    this.send(true);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.chunks = [];
    this.size = 0;
  }

  private schedule(delayMs = FRAME_INTERVAL_MS): void {
    if (this.size > 0) this.timer ??= setTimeout(() => this.flush(), delayMs);
  }

  private send(all: boolean): void {
    if (!this.size) return;
    const bytes = Buffer.concat(this.chunks, this.size);
    let start = 0;
    while (bytes.length - start >= FRAME_MAX_BYTES || (all && start < bytes.length)) {
      const end = Math.min(start + FRAME_MAX_BYTES, bytes.length);
      this.emit(bytes.subarray(start, end));
      start = end;
    }
    const rest = bytes.subarray(start);
    this.chunks = rest.length ? [rest] : [];
    this.size = rest.length;
  }
}
