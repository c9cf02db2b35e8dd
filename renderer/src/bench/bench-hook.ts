import { useTerminals } from '../features/terminal/terminals-store';
import { mountedTerminals } from '../features/terminal/terminal-registry';
import { writeFrame } from '../features/terminal/write-slices';

/**
 * Measurement hook for bench/terminal-throughput.ts, present only when the
 * page is opened with ?bench=1. It reads counters and the active terminal;
 * it cannot reach the API or anything the page could not already do.
 */
export interface BenchHook {
  /** Characters and line feeds xterm has finished drawing, across terminals, since reset(). */
  chars: number;
  newlines: number;
  /** Longest main-thread task seen since reset(), in ms. */
  longestTaskMs: number;
  reset(): void;
  /** The last non-empty lines of the active terminal's buffer. */
  lastLines(count: number): string[];
  /**
   * Feeds frames straight into the active terminal (no network) through the
   * same slicing as real output, keeping at most a flow-control window of
   * characters in flight; resolves to the ms it took. Long tasks seen
   * meanwhile count in longestTaskMs.
   */
  writeLocal(frames: string[], maxInFlightChars: number): Promise<number>;
}

declare global {
  interface Window {
    __berthBench?: BenchHook;
  }
}

let hook: BenchHook | undefined;

/** Called by terminal views for each frame xterm has drawn. */
export function benchDrawn(data: string): void {
  if (!hook) return;
  hook.chars += data.length;
  for (let i = data.indexOf('\n'); i !== -1; i = data.indexOf('\n', i + 1)) hook.newlines++;
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
    chars: 0,
    newlines: 0,
    longestTaskMs: 0,
    reset() {
      created.chars = 0;
      created.newlines = 0;
      created.longestTaskMs = 0;
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
    async writeLocal(frames, maxInFlightChars) {
      const term = activeTerminal();
      let inFlight = 0;
      let wake: (() => void) | undefined;
      const start = performance.now();
      for (const frame of frames) {
        if (inFlight >= maxInFlightChars) await new Promise<void>((r) => (wake = r));
        inFlight += frame.length;
        writeFrame(term, frame, (slice) => {
          inFlight -= slice.length;
          wake?.();
          wake = undefined;
        });
      }
      await new Promise<void>((r) => term.write('', r));
      return performance.now() - start;
    },
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) created.longestTaskMs = Math.max(created.longestTaskMs, entry.duration);
  }).observe({ type: 'longtask' });
  hook = created;
  window.__berthBench = created;
}
