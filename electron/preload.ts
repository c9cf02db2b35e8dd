import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Transport } from '../shared/api/client.js';
import { isEventName, isMethodName } from '../shared/api/contract.js';
import { ApiError, type ApiErrorShape } from '../shared/api/errors.js';

/**
 * The renderer gets exactly the typed API: a call for each contract method and
 * a subscription for each contract event. ipcRenderer itself never crosses the
 * bridge, and unknown names are refused here as well as in main.
 */
type Reply = { ok: true; result: unknown } | { ok: false; error: ApiErrorShape };

const transport: Transport = {
  async call(method, input) {
    if (!isMethodName(method)) throw new ApiError('INVALID_INPUT', `Unknown API method ${String(method)}.`);
    const reply = (await ipcRenderer.invoke('berth:call', method, input)) as Reply;
    if (reply.ok) return reply.result;
    throw new ApiError(reply.error.code, reply.error.message);
  },
  subscribe(event, listener) {
    if (!isEventName(event)) throw new ApiError('INVALID_INPUT', `Unknown API event ${String(event)}.`);
    const handler = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on('berth:event', handler);
    return () => {
      ipcRenderer.removeListener('berth:event', handler);
    };
  },
};

contextBridge.exposeInMainWorld('berth', transport);
