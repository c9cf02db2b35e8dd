/**
 * Runs `fn` at most once per animation frame plus `delayMs`, after the last
 * burst of calls: a panel drag fires hundreds of resize observations, the PTY
 * needs only the size the user ends up with (and a few along the way).
 */
export function frameThrottle(fn: () => void, delayMs = 30) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let frame: number | undefined;
  return {
    schedule() {
      if (timer !== undefined || frame !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        frame = requestAnimationFrame(() => {
          frame = undefined;
          fn();
        });
      }, delayMs);
    },
    cancel() {
      if (timer !== undefined) clearTimeout(timer);
      if (frame !== undefined) cancelAnimationFrame(frame);
      timer = frame = undefined;
    },
  };
}
