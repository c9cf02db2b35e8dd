import { createApiClient, type BerthApi, type Transport } from '../../../shared/api/client';
import { createWebSocketTransport } from './ws-transport';

declare global {
  interface Window {
    /** Set by Electron's preload; absent in the browser, where the web host's WebSocket is used. */
    berth?: Transport;
  }
}

function pickTransport(): Transport {
  if (window.berth) return window.berth;
  const token = new URLSearchParams(window.location.search).get('token') ?? sessionStorage.getItem('berth.token') ?? '';
  // Keep the token for reloads, and out of the address bar so it is not shared by accident.
  if (token) sessionStorage.setItem('berth.token', token);
  const url = new URL(window.location.href);
  if (url.searchParams.has('token')) {
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url);
  }
  return createWebSocketTransport(token);
}

export const api: BerthApi = createApiClient(pickTransport());
