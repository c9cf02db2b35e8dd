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

/** Path of the API socket on the web host. */
export const WEB_API_PATH = '/api';

/** The subprotocol the web host speaks on the API socket; the page offers it first. */
export const WEB_API_PROTOCOL = 'berth.v1';

/**
 * The page presents the session token as a second offered subprotocol,
 * `berth.token.<token>` (base64url is valid there): it never travels in a URL
 * or a cookie, so no other server on this machine is ever sent it.
 */
export const WEB_TOKEN_PROTOCOL_PREFIX = 'berth.token.';

export function tokenProtocol(token: string): string {
  return `${WEB_TOKEN_PROTOCOL_PREFIX}${token}`;
}

/**
 * Largest message the web host accepts on the API socket; a larger one closes that socket with 1009.
 * Terminal writes are capped at 1 MiB of text, which JSON escaping can grow; YAML inputs at 4 MiB (YAML_LIMITS).
 */
export const MAX_WEB_MESSAGE_BYTES = 8 * 1024 * 1024;

/**
 * 'terminal.data' events travel as binary WebSocket messages instead of JSON:
 * terminal output is raw bytes, mostly control characters and line ends,
 * which JSON would have to carry as escaped text. Layout: one tag byte, one
 * byte giving the terminal id's UTF-8 length (at most 127), the id, then the
 * output bytes exactly as the shell wrote them. Every other message stays JSON text.
 */
export const TERMINAL_DATA_TAG = 1;

export interface TerminalDataFrame {
  terminalId: string;
  data: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeTerminalData({ terminalId, data }: TerminalDataFrame): Uint8Array {
  const id = encoder.encode(terminalId);
  if (id.length > 127) throw new RangeError('A terminal id longer than 127 bytes cannot be framed.');
  const frame = new Uint8Array(2 + id.length + data.length);
  frame[0] = TERMINAL_DATA_TAG;
  frame[1] = id.length;
  frame.set(id, 2);
  frame.set(data, 2 + id.length);
  return frame;
}

/** Undefined when the bytes are not a terminal data frame. The output is a view into `frame`, not a copy. */
export function decodeTerminalData(frame: Uint8Array): TerminalDataFrame | undefined {
  if (frame.length < 2 || frame[0] !== TERMINAL_DATA_TAG || frame.length < 2 + frame[1]!) return undefined;
  const idEnd = 2 + frame[1]!;
  return { terminalId: decoder.decode(frame.subarray(2, idEnd)), data: frame.subarray(idEnd) };
}
