import { describe, expect, it } from 'vitest';
import { FRAME_MAX_CHARS, OutputFramer } from './output-framer.js';

describe('OutputFramer', () => {
  it('keeps a multibyte character that is split across chunks', async () => {
    const frames: string[] = [];
    const framer = new OutputFramer((t) => frames.push(t));
    const euro = Buffer.from('a€b', 'utf8');
    framer.push(euro.subarray(0, 2));
    framer.push(euro.subarray(2, 3));
    framer.push(euro.subarray(3));
    framer.flush();
    expect(frames.join('')).toBe('a€b');
    expect(frames.join('')).not.toContain('\ufffd');
  });

  it('splits a large burst into frames no bigger than the limit, in order', () => {
    const frames: string[] = [];
    const framer = new OutputFramer((t) => frames.push(t));
    const text = 'x'.repeat(FRAME_MAX_CHARS * 2 + 10);
    const counted = framer.push(Buffer.from(text));
    framer.flush();
    expect(counted).toBe(text.length);
    expect(frames.every((f) => f.length <= FRAME_MAX_CHARS)).toBe(true);
    expect(frames.join('')).toBe(text);
  });

  it('sends the first chunk after a quiet period at once and gathers the rest of a burst', async () => {
    const frames: string[] = [];
    const framer = new OutputFramer((t) => frames.push(t));
    framer.push(Buffer.from('first'));
    expect(frames).toEqual(['first']);
    framer.push(Buffer.from('second'));
    framer.push(Buffer.from('third'));
    expect(frames).toEqual(['first']);
    await new Promise((r) => setTimeout(r, 30));
    expect(frames).toEqual(['first', 'secondthird']);
  });
});
