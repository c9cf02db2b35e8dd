import type { Transport } from '../../../shared/api/client';
import type { EventName } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import { decodeTerminalData, WEB_API_PATH, type ServerMessage } from '../../../shared/api/wire';

/** Transport for the web host: one WebSocket, calls matched to results by id. */
export function createWebSocketTransport(token: string, base: Location = window.location): Transport {
  const url = `${base.protocol === 'https:' ? 'wss' : 'ws'}://${base.host}${WEB_API_PATH}?token=${encodeURIComponent(token)}`;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let opened: Promise<WebSocket> | undefined;

  const connect = (): Promise<WebSocket> => {
    if (opened) return opened;
    opened = new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      // Terminal output arrives as binary frames (see wire.ts); a Blob would need an async read per frame.
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => resolve(ws);
      ws.onerror = () => reject(new ApiError('CONNECTION_LOST', 'Cannot reach the Berth web host. Is `npm run web` still running?'));
      ws.onclose = () => {
        opened = undefined;
        for (const p of pending.values()) p.reject(new ApiError('CONNECTION_LOST', 'The Berth web host closed the connection. Reload the page.'));
        pending.clear();
      };
      ws.onmessage = (ev: MessageEvent<string | ArrayBuffer>) => {
        if (ev.data instanceof ArrayBuffer) {
          const frame = decodeTerminalData(new Uint8Array(ev.data));
          if (frame) for (const l of listeners.get('terminal.data') ?? []) l(frame);
          return;
        }
        const msg = JSON.parse(ev.data) as ServerMessage;
        if (msg.type === 'event') {
          for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
        } else {
          const p = pending.get(msg.id);
          if (!p) return;
          pending.delete(msg.id);
          if (msg.ok) p.resolve(msg.result);
          else p.reject(new ApiError(msg.error.code, msg.error.message));
        }
      };
    });
    return opened;
  };

  return {
    async call(method, input) {
      const ws = await connect();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ type: 'call', id, method, input }));
      });
    },
    subscribe(event: EventName, listener) {
      void connect().catch(() => undefined);
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}
