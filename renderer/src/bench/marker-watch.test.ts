import { describe, expect, it } from 'vitest';
import { createMarkerWatch } from './marker-watch';

const bytes = (text: string) => new TextEncoder().encode(text);

/** Feeds `text` cut at `cuts` and reports after which slice the marker was seen (-1: never). */
function seenAfter(marker: string, text: string, cuts: number[]): number {
  const feed = createMarkerWatch(marker);
  const points = [0, ...cuts, text.length];
  for (let i = 0; i + 1 < points.length; i++) if (feed(bytes(text.slice(points[i], points[i + 1])))) return i;
  return -1;
}

describe('createMarkerWatch', () => {
  const text = '1\r\n2\r\n3\r\nEND-1-BENCH\r\n$ ';

  it('finds the marker inside one slice', () => {
    expect(seenAfter('END-1-BENCH', text, [])).toBe(0);
  });

  it('finds the marker split across two slices at every position', () => {
    const at = text.indexOf('END');
    for (let cut = at + 1; cut < at + 'END-1-BENCH'.length; cut++) expect(seenAfter('END-1-BENCH', text, [cut])).toBe(1);
  });

  it('finds the marker spread over slices shorter than itself', () => {
    const cuts = Array.from({ length: text.length - 1 }, (_, i) => i + 1);
    expect(seenAfter('END-1-BENCH', text, cuts)).toBe(text.indexOf('END-1-BENCH') + 'END-1-BENCH'.length - 1);
  });

  it('does not fire on the command line that prints the marker', () => {
    expect(seenAfter('END-1-BENCH', 'seq 1 9; echo END-$((1))-BENCH\r\n1\r\n', [10, 20])).toBe(-1);
  });

  it('does not fire on a near miss across a seam', () => {
    expect(seenAfter('END-1-BENCH', 'xxEND-1-BENxxCH', [8])).toBe(-1);
  });
});
