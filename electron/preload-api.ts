import type { Transport } from '../shared/api/client.js';
import { isEventName, isMethodName } from '../shared/api/contract.js';
import { ApiError } from '../shared/api/errors.js';
import { API_CALL_CHANNEL, API_EVENT_CHANNEL, type Reply } from './ipc-policy.js';

/** The name the API has in the page: window.berth. */
export const PRELOAD_GLOBAL = 'berth';

/** The part of Electron's ipcRenderer the preload uses; it never leaves this module. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * Checklist 20: the renderer gets exactly the typed API: `call` for each
 * contract method and `subscribe` for each contract event. ipcRenderer, its
 * events and their `sender` never cross the bridge, and unknown names are
 * refused here as well as in main.
 */
export function preloadApi(ipc: IpcRendererLike): Transport {
  return Object.freeze({
    async call(method, input) {
      if (!isMethodName(method)) throw new ApiError('INVALID_INPUT', `Unknown API method ${String(method)}.`);
      const reply = (await ipc.invoke(API_CALL_CHANNEL, method, input)) as Reply;
      if (reply.ok) return reply.result;
      throw new ApiError(reply.error.code, reply.error.message, reply.error.field);
    },
    subscribe(event, listener) {
      if (!isEventName(event)) throw new ApiError('INVALID_INPUT', `Unknown API event ${String(event)}.`);
      const handler = (_e: unknown, name: unknown, payload: unknown) => {
        if (name === event) listener(payload);
      };
      ipc.on(API_EVENT_CHANNEL, handler);
      return () => {
        ipc.removeListener(API_EVENT_CHANNEL, handler);
      };
    },
  } satisfies Transport);
}
