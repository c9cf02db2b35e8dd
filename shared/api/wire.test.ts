import { describe, expect, it } from 'vitest';
import { decodeTerminalData, encodeTerminalData, TERMINAL_DATA_TAG } from './wire.js';

describe('terminal data frames', () => {
  const terminalId = '0b6f5e0c-3f3a-4f7e-9a57-3c1f2e8d9a10';
  const utf8 = (text: string) => new TextEncoder().encode(text);

  it('round-trips output bytes exactly, including control sequences and a NUL', () => {
    const data = utf8('\uFEFFhé 😀 日本\r\n\x1b[31mred\x1b[0m\0end');
    const frame = encodeTerminalData({ terminalId, data });
    expect(frame[0]).toBe(TERMINAL_DATA_TAG);
    const decoded = decodeTerminalData(frame);
    expect(decoded?.terminalId).toBe(terminalId);
    expect(Array.from(decoded!.data)).toEqual(Array.from(data));
  });

  it('carries a multibyte character cut at the end of a frame untouched, for the next frame to finish', () => {
    const euro = utf8('a€');
    const decoded = decodeTerminalData(encodeTerminalData({ terminalId, data: euro.subarray(0, 2) }));
    expect(Array.from(decoded!.data)).toEqual([0x61, 0xe2]);
  });

  it('adds only the header to the output bytes', () => {
    const data = utf8('1\r\n2\r\n');
    expect(encodeTerminalData({ terminalId, data }).length).toBe(2 + terminalId.length + data.length);
  });

  it('hands the output on as a view into the received frame, not a copy', () => {
    const frame = encodeTerminalData({ terminalId, data: utf8('xyz') });
    expect(decodeTerminalData(frame)!.data.buffer).toBe(frame.buffer);
  });

  it('rejects bytes that are not a terminal data frame', () => {
    expect(decodeTerminalData(utf8('{"type":"event"}'))).toBeUndefined();
    expect(decodeTerminalData(new Uint8Array([TERMINAL_DATA_TAG, 40, 1, 2]))).toBeUndefined();
  });

  it('refuses an id too long for its one-byte length', () => {
    expect(() => encodeTerminalData({ terminalId: 'é'.repeat(64), data: utf8('x') })).toThrow(RangeError);
  });
});
