import { describe, expect, it } from 'vitest';
import { ScrollbackRing } from './scrollback-ring.js';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

describe('ScrollbackRing', () => {
  it('keeps everything, in order, while under its capacity', () => {
    const ring = new ScrollbackRing(64);
    ring.push(Buffer.from('one\n'));
    ring.push(Buffer.from('two\n'));
    expect(text(ring.snapshot())).toBe('one\ntwo\n');
  });

  it('keeps only the newest bytes, starting the replay at a line start', () => {
    const ring = new ScrollbackRing(14);
    for (let i = 1; i <= 10; i++) ring.push(Buffer.from(`line-${i}\n`));
    expect(ring.length).toBe(14);
    // The last 14 bytes are "ine-9\nline-10\n": the cut "ine-9" line is dropped.
    expect(text(ring.snapshot())).toBe('line-10\n');
  });

  it('never starts inside a UTF-8 character when no line start is near', () => {
    const ring = new ScrollbackRing(5);
    ring.push(Buffer.from('€€€', 'utf8'));
    const snap = ring.snapshot();
    expect(snap[0]! & 0xc0).not.toBe(0x80);
    expect(text(snap)).toBe('€');
  });

  it('takes a chunk bigger than the capacity by its tail, and copies what it keeps', () => {
    const ring = new ScrollbackRing(4);
    const chunk = Buffer.from('abcdef\nxyz');
    ring.push(chunk);
    chunk.fill(0x21);
    expect(text(ring.snapshot())).toBe('xyz');
  });

  it('stays bounded under a long stream', () => {
    const ring = new ScrollbackRing(1024);
    for (let i = 0; i < 10_000; i++) ring.push(Buffer.from(`${i}\n`));
    expect(ring.length).toBe(1024);
    expect(text(ring.snapshot()).trimEnd().split('\n').at(-1)).toBe('9999');
  });
});
