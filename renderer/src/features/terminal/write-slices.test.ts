import { describe, expect, it } from 'vitest';
import { writeSlices } from './write-slices';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('writeSlices', () => {
  it('passes short output through as one slice', () => {
    const data = utf8('hello');
    expect(writeSlices(data, 8)).toEqual([data]);
  });

  it('splits long output into views no longer than the limit, in order, losing nothing', () => {
    const data = utf8('abcdefghijklmnopqrstuvwxyz');
    const slices = writeSlices(data, 8);
    expect(slices.map((s) => s.length)).toEqual([8, 8, 8, 2]);
    expect(slices.map((s) => new TextDecoder().decode(s)).join('')).toBe('abcdefghijklmnopqrstuvwxyz');
    expect(slices.every((s) => s.buffer === data.buffer)).toBe(true);
  });

  it('may cut a multibyte character; a streaming UTF-8 decoder still reads it whole', () => {
    const data = utf8('ab€😀c');
    const slices = writeSlices(data, 3);
    expect(Array.from(slices[0]!)).toEqual([0x61, 0x62, 0xe2]);
    const decoder = new TextDecoder();
    const text = slices.map((s) => decoder.decode(s, { stream: true })).join('') + decoder.decode();
    expect(text).toBe('ab€😀c');
  });
});
