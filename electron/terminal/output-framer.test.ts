import { describe, expect, it } from 'vitest';
import { FRAME_MAX_BYTES, OutputFramer } from './output-framer.js';

const collect = () => {
  const frames: Uint8Array[] = [];
  return { frames, framer: new OutputFramer((f) => frames.push(f)), joined: () => Buffer.concat(frames) };
};

describe('OutputFramer', () => {
  it('passes the bytes of a multibyte character split across chunks on intact and in order', () => {
    const { frames, framer, joined } = collect();
    const euro = Buffer.from('a€b', 'utf8');
    framer.push(euro.subarray(0, 2));
    framer.push(euro.subarray(2, 3));
    framer.push(euro.subarray(3));
    framer.flush();
    // The first chunk went out alone, ending inside the €; the rest followed. Nothing was decoded or replaced.
    expect(Array.from(frames[0]!)).toEqual([0x61, 0xe2]);
    expect(joined().equals(euro)).toBe(true);
    expect(joined().toString('utf8')).toBe('a€b');
  });

  it('splits a large burst into frames no bigger than the limit, in order', () => {
    const { frames, framer, joined } = collect();
    const bytes = Buffer.alloc(FRAME_MAX_BYTES * 2 + 10);
    for (let i = 0; i < bytes.length; i++) bytes[i] = i % 251;
    framer.push(bytes);
    expect(frames.map((f) => f.length)).toEqual([FRAME_MAX_BYTES, FRAME_MAX_BYTES]);
    framer.flush();
    expect(frames.every((f) => f.length <= FRAME_MAX_BYTES)).toBe(true);
    expect(joined().equals(bytes)).toBe(true);
  });

  it('sends copies: reusing a chunk buffer afterwards does not change a frame', () => {
    const { frames, framer } = collect();
    const chunk = Buffer.from('first');
    framer.push(chunk);
    chunk.fill(0x78);
    expect(Buffer.from(frames[0]!).toString()).toBe('first');
  });

  it('sends the first chunk after a quiet period at once and gathers the rest of a burst', async () => {
    const { frames, framer } = collect();
    const texts = () => frames.map((f) => Buffer.from(f).toString());
    framer.push(Buffer.from('first'));
    expect(texts()).toEqual(['first']);
    framer.push(Buffer.from('second'));
    framer.push(Buffer.from('third'));
    expect(texts()).toEqual(['first']);
    await new Promise((r) => setTimeout(r, 30));
    expect(texts()).toEqual(['first', 'secondthird']);
  });

  it('sends the remainder of a burst after the interval', async () => {
    const { frames, framer } = collect();
    framer.push(Buffer.from('x'));
    framer.push(Buffer.alloc(FRAME_MAX_BYTES + 3, 0x79));
    expect(frames.map((f) => f.length)).toEqual([1, FRAME_MAX_BYTES]);
    await new Promise((r) => setTimeout(r, 30));
    expect(frames.map((f) => f.length)).toEqual([1, FRAME_MAX_BYTES, 3]);
  });
});
