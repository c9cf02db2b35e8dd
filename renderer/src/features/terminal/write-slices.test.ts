import { describe, expect, it } from 'vitest';
import { writeSlices } from './write-slices';

describe('writeSlices', () => {
  it('passes short output through as one slice', () => {
    expect(writeSlices('hello', 8)).toEqual(['hello']);
  });

  it('splits long output into slices no longer than the limit, losing nothing', () => {
    const text = 'abcdefghijklmnopqrstuvwxyz';
    const slices = writeSlices(text, 8);
    expect(slices.every((s) => s.length <= 8)).toBe(true);
    expect(slices.join('')).toBe(text);
    expect(slices).toHaveLength(4);
  });

  it('keeps a surrogate pair in one slice', () => {
    const text = 'abc😀def😀';
    const slices = writeSlices(text, 4);
    expect(slices.join('')).toBe(text);
    for (const s of slices) {
      expect(s.charCodeAt(s.length - 1) >= 0xd800 && s.charCodeAt(s.length - 1) <= 0xdbff).toBe(false);
    }
    expect(slices[0]).toBe('abc');
  });
});
