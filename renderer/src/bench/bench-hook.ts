import { useTerminals } from '../features/terminal/terminals-store';
import { mountedTerminals } from '../features/terminal/terminal-registry';
import { writeFrame } from '../features/terminal/write-slices';
import { createMarkerWatch } from './marker-watch';

/**
 * Measurement hook for bench/terminal-throughput.ts, present only when the
 * page is opened with ?bench=1. It reads counters and the active terminal;
 * it cannot reach the API or anything the page could not already do.
 */
export interface BenchHook {
  /** Line feeds xterm has finished drawing, across terminals, since reset(). */
  newlines: number;
  /** Longest main-thread task seen since reset(), in ms. */
  longestTaskMs: number;
  reset(): void;
  /** Sends text to the active terminal's shell as if typed (xterm's own input path). */
  type(text: string): void;
  /** The last non-empty lines of the active terminal's buffer. */
  lastLines(count: number): string[];
  /**
   * Feeds frames straight into the active terminal (no network) through the
   * same slicing as real output, keeping at most a flow-control window of
   * bytes in flight; resolves to the ms it took. Long tasks seen meanwhile
   * count in longestTaskMs.
   */
  writeLocal(frames: Uint8Array[], maxInFlightBytes: number): Promise<number>;
  /**
   * Starts watching drawn output for `marker` (ASCII); `outputSeen()` resolves
   * once it appears. One promise instead of polling from the test driver:
   * every poll is a DevTools round trip and a main-thread task, which the
   * ceiling run does not pay.
   */
  expectOutput(marker: string): void;
  outputSeen(): Promise<void>;
}

declare global {
  interface Window {
    __berthBench?: BenchHook;
  }
}

let hook: BenchHook | undefined;
const LINE_FEED = 0x0a;

/** Resolves `outputSeen()` once drawn output contains the expected marker. */
let watch: { feed: (data: Uint8Array) => boolean; resolve: () => void } | undefined;
let seen: Promise<void> | undefined;

/** Called by terminal views for each slice xterm has drawn. */
export function benchDrawn(data: Uint8Array): void {
  if (!hook) return;
  // A plain loop: one TypedArray indexOf call per line cost the page's main thread about 3% of the run.
  let newlines = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === LINE_FEED) newlines++;
  hook.newlines += newlines;
  if (watch?.feed(data)) {
    watch.resolve();
    watch = undefined;
  }
}

const activeTerminal = () => {
  const id = useTerminals.getState().activeId;
  const mounted = id ? mountedTerminals.get(id) : undefined;
  if (!mounted) throw new Error('No active terminal');
  return mounted.term;
};

export function installBenchHook(): void {
  if (new URLSearchParams(window.location.search).get('bench') !== '1') return;
  const created: BenchHook = {
    newlines: 0,
    longestTaskMs: 0,
    reset() {
      created.newlines = 0;
      created.longestTaskMs = 0;
    },
    type(text) {
      activeTerminal().input(text);
    },
    lastLines(count) {
      const buffer = activeTerminal().buffer.active;
      const lines: string[] = [];
      for (let y = buffer.length - 1; y >= 0 && lines.length < count; y--) {
        const text = buffer.getLine(y)?.translateToString(true) ?? '';
        if (text || lines.length) lines.unshift(text);
      }
      return lines;
    },
    async writeLocal(frames, maxInFlightBytes) {
      const term = activeTerminal();
      let inFlight = 0;
      let wake: (() => void) | undefined;
      const start = performance.now();
      for (const frame of frames) {
        if (inFlight >= maxInFlightBytes) await new Promise<void>((r) => (wake = r));
        inFlight += frame.length;
        writeFrame(term, frame, (slice) => {
          // The same bookkeeping a terminal view does for each drawn slice, so both runs pay for it.
          benchDrawn(slice);
          inFlight -= slice.length;
          wake?.();
          wake = undefined;
        });
      }
      await new Promise<void>((r) => term.write('', r));
      return performance.now() - start;
    },
    expectOutput(marker) {
      seen = new Promise<void>((resolve) => {
        watch = { feed: createMarkerWatch(marker), resolve };
      });
    },
    outputSeen() {
      if (!seen) throw new Error('expectOutput() was not called');
      return seen;
    },
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) created.longestTaskMs = Math.max(created.longestTaskMs, entry.duration);
  }).observe({ type: 'longtask' });
  hook = created;
  window.__berthBench = created;
}
