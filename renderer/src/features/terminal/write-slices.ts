import type { Terminal } from '@xterm/xterm';

/**
 * Most bytes handed to xterm in one write. xterm parses at least one whole
 * write per task before it yields, so a 64 KiB frame would be one long task;
 * slices keep each task short enough for the page to stay responsive. A slice
 * may end inside a multibyte character: xterm's UTF-8 decoder carries the
 * incomplete sequence over to the next write.
 */
export const WRITE_SLICE_BYTES = 16 * 1024;

/** Splits output into views of at most `max` bytes (no copies). */
export function writeSlices(data: Uint8Array, max = WRITE_SLICE_BYTES): Uint8Array[] {
  if (data.length <= max) return [data];
  const slices: Uint8Array[] = [];
  for (let start = 0; start < data.length; start += max) slices.push(data.subarray(start, start + max));
  return slices;
}

/** Writes one frame of output into xterm slice by slice; `drawn` runs as xterm finishes each slice. */
export function writeFrame(term: Terminal, data: Uint8Array, drawn: (slice: Uint8Array) => void): void {
  for (const slice of writeSlices(data)) term.write(slice, () => drawn(slice));
}
