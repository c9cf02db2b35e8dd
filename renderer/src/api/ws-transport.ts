import type { Transport } from '../../../shared/api/client';
import type { EventName } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import { decodeTerminalData, MAX_WEB_MESSAGE_BYTES, tokenProtocol, WEB_API_PATH, WEB_API_PROTOCOL, type ServerMessage } from '../../../shared/api/wire';

export const NO_TOKEN_MESSAGE = 'This tab has no access token for the Berth web host. Open the address printed by `npm run web`: it carries the token for this session.';

const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;

/** UTF-8 length of a message, counted only when it could be near the limit. */
function byteLength(text: string): number {
  return text.length * 3 <= MAX_WEB_MESSAGE_BYTES ? text.length : new TextEncoder().encode(text).length;
}

/**
 * Transport for the web host: one WebSocket to the page's own origin, calls
 * matched to results by id. The token is offered as a subprotocol, the only
 * place it is sent: never in the URL, never in a cookie.
 */
export function createWebSocketTransport(token: string, base: Location = window.location): Transport {
  const url = `${base.protocol === 'https:' ? 'wss' : 'ws'}://${base.host}${WEB_API_PATH}`;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let opened: Promise<WebSocket> | undefined;

  const connect = (): Promise<WebSocket> => {
    if (!token) return Promise.reject(new ApiError('CONNECTION_LOST', NO_TOKEN_MESSAGE));
    if (opened) return opened;
    opened = new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url, [WEB_API_PROTOCOL, tokenProtocol(token)]);
      // Terminal output arrives as binary frames (see wire.ts); a Blob would need an async read per frame.
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => resolve(ws);
      ws.onerror = () =>
        reject(new ApiError('CONNECTION_LOST', 'Cannot reach the Berth web host. Is `npm run web` still running? Its token changes at every start: after a restart, open the new address it printed.'));
      ws.onclose = (ev: CloseEvent) => {
        opened = undefined;
        const why = ev.code === 1009 ? `The Berth web host closed the connection: a message was larger than the ${mib(MAX_WEB_MESSAGE_BYTES)} it accepts. Reload the page.` : 'The Berth web host closed the connection. Reload the page.';
        for (const p of pending.values()) p.reject(new ApiError('CONNECTION_LOST', why));
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
          else p.reject(new ApiError(msg.error.code, msg.error.message, msg.error.field));
        }
      };
    });
    return opened;
  };

  return {
    async call(method, input) {
      const id = nextId++;
      const text = JSON.stringify({ type: 'call', id, method, input });
      const size = byteLength(text);
      // The host would close the socket on it (1009), failing every other call in flight too.
      if (size > MAX_WEB_MESSAGE_BYTES) {
        throw new ApiError('INVALID_INPUT', `This request is ${mib(size)}; the Berth web host accepts at most ${mib(MAX_WEB_MESSAGE_BYTES)} in one request. Use a smaller file or text.`);
      }
      const ws = await connect();
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        ws.send(text);
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
