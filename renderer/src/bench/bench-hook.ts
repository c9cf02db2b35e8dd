import { useTerminals } from '../features/terminal/terminals-store';
import { mountedTerminals } from '../features/terminal/terminal-registry';
import { writeFrame } from '../features/terminal/write-slices';

/**
 * Measurement hook for bench/terminal-throughput.ts, present only when the
 * page is opened with ?bench=1. It reads counters and the active terminal;
 * it cannot reach the API or anything the page could not already do.
 */
export interface BenchHook {
  /** Bytes and line feeds xterm has finished drawing, across terminals, since reset(). */
  bytes: number;
  newlines: number;
  /** Longest main-thread task seen since reset(), in ms. */
  longestTaskMs: number;
  reset(): void;
  /** The last non-empty lines of the active terminal's buffer. */
  lastLines(count: number): string[];
  /**
   * Feeds frames straight into the active terminal (no network) through the
   * same slicing as real output, keeping at most a flow-control window of
   * bytes in flight; resolves to the ms it took. Long tasks seen meanwhile
   * count in longestTaskMs.
   */
  writeLocal(frames: Uint8Array[], maxInFlightBytes: number): Promise<number>;
}

declare global {
  interface Window {
    __berthBench?: BenchHook;
  }
}

let hook: BenchHook | undefined;
const LINE_FEED = 0x0a;

/** Called by terminal views for each slice xterm has drawn. */
export function benchDrawn(data: Uint8Array): void {
  if (!hook) return;
  hook.bytes += data.length;
  // A plain loop: one TypedArray indexOf call per line cost the page's main thread about 3% of the run.
  let newlines = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === LINE_FEED) newlines++;
  hook.newlines += newlines;
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
    bytes: 0,
    newlines: 0,
    longestTaskMs: 0,
    reset() {
      created.bytes = 0;
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
    async writeLocal(frames, maxInFlightBytes) {
      const term = activeTerminal();
      let inFlight = 0;
      let wake: (() => void) | undefined;
      const start = performance.now();
      for (const frame of frames) {
        if (inFlight >= maxInFlightBytes) await new Promise<void>((r) => (wake = r));
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
