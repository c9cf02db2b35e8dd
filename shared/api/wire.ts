import { z } from 'zod';
import { ApiErrorShape } from './errors.js';

/**
 * Messages on the web host's WebSocket. Electron IPC carries the same call
 * and event shapes through ipcRenderer.invoke / webContents.send.
 */
export const ClientMessage = z.object({ type: z.literal('call'), id: z.number().int(), method: z.string(), input: z.unknown() });
export type ClientMessage = z.infer<typeof ClientMessage>;

export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(false), error: ApiErrorShape }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** Path of the API socket on the web host; the token travels as ?token=. */
export const WEB_API_PATH = '/api';

/**
 * 'terminal.data' events travel as binary WebSocket messages instead of JSON:
 * terminal output is mostly control characters and line ends, which JSON
 * escaping inflates and both ends would then have to escape and unescape.
 * Layout: one tag byte, one byte giving the terminal id's UTF-8 length (at
 * most 127), the id, then the output as UTF-8. Every other message stays JSON text.
 */
export const TERMINAL_DATA_TAG = 1;

export interface TerminalDataFrame {
  terminalId: string;
  data: string;
}

const encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF in the output, so both ends count the same characters.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export function encodeTerminalData({ terminalId, data }: TerminalDataFrame): Uint8Array {
  const idBytes = encoder.encode(terminalId).length;
  // Below 128 the length is one byte of UTF-8, so the header can be encoded with the text in one pass.
  if (idBytes > 127) throw new RangeError('A terminal id longer than 127 bytes cannot be framed.');
  return encoder.encode(String.fromCharCode(TERMINAL_DATA_TAG, idBytes) + terminalId + data);
}

/** Undefined when the bytes are not a terminal data frame. */
export function decodeTerminalData(frame: Uint8Array): TerminalDataFrame | undefined {
  if (frame.length < 2 || frame[0] !== TERMINAL_DATA_TAG || frame.length < 2 + frame[1]!) return undefined;
  const idEnd = 2 + frame[1]!;
  return { terminalId: decoder.decode(frame.subarray(2, idEnd)), data: decoder.decode(frame.subarray(idEnd)) };
}
