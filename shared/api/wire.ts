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
