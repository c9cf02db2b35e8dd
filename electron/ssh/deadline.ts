/**
 * A timeout that stops counting while the user is answering a prompt, so a
 * slow answer to "trust this host key?" never reads as a network timeout.
 */
export class PausableDeadline {
  private timer: NodeJS.Timeout | undefined;
  private remaining: number;
  private startedAt = 0;
  private pauses = 0;
  private done = false;

  constructor(
    ms: number,
    private readonly onExpire: () => void,
  ) {
    this.remaining = ms;
    this.arm();
  }

  async whilePaused<T>(work: () => Promise<T>): Promise<T> {
    this.pause();
    try {
      return await work();
    } finally {
      this.resume();
    }
  }

  clear(): void {
    this.done = true;
    clearTimeout(this.timer);
  }

  private pause() {
    if (this.pauses++ === 0 && !this.done) {
      clearTimeout(this.timer);
      this.remaining -= Date.now() - this.startedAt;
    }
  }

  private resume() {
    if (--this.pauses === 0 && !this.done) this.arm();
  }

  private arm() {
    this.startedAt = Date.now();
    this.timer = setTimeout(() => {
      this.done = true;
      this.onExpire();
    }, Math.max(0, this.remaining));
  }
}
