import { describe, expect, it } from 'vitest';
import { decodeTerminalData, encodeTerminalData, TERMINAL_DATA_TAG } from './wire.js';

describe('terminal data frames', () => {
  const terminalId = '0b6f5e0c-3f3a-4f7e-9a57-3c1f2e8d9a10';

  it('round-trips output with multibyte characters, control sequences and a leading BOM', () => {
    const data = '\uFEFFhé 😀 日本\r\n\x1b[31mred\x1b[0m\0end';
    const frame = encodeTerminalData({ terminalId, data });
    expect(frame[0]).toBe(TERMINAL_DATA_TAG);
    const decoded = decodeTerminalData(frame);
    expect(decoded).toEqual({ terminalId, data });
    // Flow control acks characters, so both ends must count the same number.
    expect(decoded?.data.length).toBe(data.length);
  });

  it('carries the text as plain UTF-8, without JSON escaping', () => {
    const data = '1\r\n2\r\n';
    expect(encodeTerminalData({ terminalId, data }).length).toBe(2 + terminalId.length + data.length);
  });

  it('rejects bytes that are not a terminal data frame', () => {
    expect(decodeTerminalData(new TextEncoder().encode('{"type":"event"}'))).toBeUndefined();
    expect(decodeTerminalData(new Uint8Array([TERMINAL_DATA_TAG, 40, 1, 2]))).toBeUndefined();
  });

  it('refuses an id too long for its one-byte length', () => {
    expect(() => encodeTerminalData({ terminalId: 'é'.repeat(64), data: 'x' })).toThrow(RangeError);
  });
});
