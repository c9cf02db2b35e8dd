import type { Terminal } from '@xterm/xterm';

/**
 * Most characters handed to xterm in one write. xterm parses at least one
 * whole write per task before it yields, so a 64 KiB frame would be one long
 * task; slices keep each task short enough for the page to stay responsive.
 */
export const WRITE_SLICE_CHARS = 16 * 1024;

/** Splits output into slices of at most `max` characters, never between the halves of a surrogate pair. */
export function writeSlices(data: string, max = WRITE_SLICE_CHARS): string[] {
  if (data.length <= max) return [data];
  const slices: string[] = [];
  for (let start = 0; start < data.length; ) {
    let end = Math.min(start + max, data.length);
    const last = data.charCodeAt(end - 1);
    if (end < data.length && end - start > 1 && last >= 0xd800 && last <= 0xdbff) end--;
    slices.push(data.slice(start, end));
    start = end;
  }
  return slices;
}

/** Writes one frame of output into xterm slice by slice; `drawn` runs as xterm finishes each slice. */
export function writeFrame(term: Terminal, data: string, drawn: (slice: string) => void): void {
  for (const slice of writeSlices(data)) term.write(slice, () => drawn(slice));
}
