/** Above this many unacknowledged bytes the shell is paused. */
export const HIGH_WATERMARK = 512 * 1024;
/**
 * Below this the shell is resumed. It sits close to the high watermark so the
 * UI still has most of a window queued while fresh output travels to it (a low
 * one let the pipeline run dry on every cycle); the gap of a couple of frames
 * avoids pausing and resuming on every frame.
 */
export const LOW_WATERMARK = 384 * 1024;

export interface Pausable {
  pause(): void;
  resume(): void;
}

/**
 * Lossless backpressure between a shell and a UI: counts bytes sent but
 * not yet drawn (acked) and pauses the source instead of dropping anything.
 * Pausing an SSH channel stops window adjustments, so the remote program
 * blocks on write; Ctrl-C still reaches it because input is never paused.
 */
export class FlowControl {
  private unacked = 0;
  private paused = false;

  constructor(
    private readonly source: Pausable,
    private readonly high = HIGH_WATERMARK,
    private readonly low = LOW_WATERMARK,
  ) {}

  get pending(): number {
    return this.unacked;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  sent(bytes: number): void {
    this.unacked += bytes;
    if (!this.paused && this.unacked > this.high) {
      this.paused = true;
      this.source.pause();
    }
  }

  /**
   * A new UI attached: frames sent to the UI that went away will never be acked, so the count starts over at
   * what the new one still has to draw (the scrollback replay), resuming a shell the old one left paused.
   */
  reset(pending: number): void {
    this.unacked = 0;
    this.sent(pending);
    this.acked(0);
  }

  acked(bytes: number): void {
    // Never below zero: a second window on the same terminal may ack the same frames.
    this.unacked = Math.max(0, this.unacked - bytes);
    if (this.paused && this.unacked < this.low) {
      this.paused = false;
      this.source.resume();
    }
  }
}
