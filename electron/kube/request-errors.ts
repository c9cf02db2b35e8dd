import { ApiException } from '@kubernetes/client-node';
import type { ReachabilityCause } from '../../shared/model/cluster.js';

export interface RequestFailure {
  state: 'offline' | 'unauthorised';
  cause: ReachabilityCause;
  reason: string;
}

/** undici wraps the socket's error: `fetch failed` carries ECONNREFUSED and the like as its cause. */
function chain(err: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e: unknown = err; e && out.length < 6; e = (e as { cause?: unknown }).cause) out.push(e);
  return out;
}

const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|ERR_SSL|EPROTO|DEPTH_ZERO|HOSTNAME|ALTNAME/;

function hostOf(server: string): string {
  try {
    return new URL(server).host;
  } catch {
    return server;
  }
}

/** What a failed request to the API server means for the user: offline (and why) or unauthorised. */
export function describeRequestError(err: unknown, server: string, what: string, timeoutMs: number): RequestFailure {
  const host = hostOf(server);
  const errors = chain(err);
  const api = errors.find((e): e is ApiException<unknown> => e instanceof ApiException);
  if (api) {
    if (api.code === 401) return { state: 'unauthorised', cause: 'rejected', reason: `The API server at ${host} rejected the credentials (401 Unauthorized): the token or certificate is wrong or expired.` };
    if (api.code === 403) return { state: 'unauthorised', cause: 'forbidden', reason: `The API server at ${host} refused ${what} for this user (403 Forbidden).` };
    return { state: 'offline', cause: 'http', reason: `The API server at ${host} answered ${what} with HTTP ${api.code}.` };
  }
  for (const e of errors) {
    const { code, name, message } = e as { code?: unknown; name?: string; message?: string };
    if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') {
      return { state: 'offline', cause: 'timeout', reason: `No answer from ${host} within ${Math.round(timeoutMs / 1000)} s (timeout).` };
    }
    if (typeof code !== 'string') continue;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
      return { state: 'offline', cause: 'dns', reason: `The host name ${hostOf(server).replace(/:\d+$/, '')} cannot be resolved (DNS: ${code}).` };
    }
    if (code === 'ECONNREFUSED') return { state: 'offline', cause: 'refused', reason: `Connection refused by ${host}: nothing listens there.` };
    if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EHOSTDOWN') return { state: 'offline', cause: 'unreachable', reason: `${host} cannot be reached from this computer (${code}).` };
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return { state: 'offline', cause: 'reset', reason: `The connection to ${host} was closed before it answered (${code}).` };
    if (TLS_CODE.test(code)) return { state: 'offline', cause: 'tls', reason: `TLS: the API server at ${host} could not be verified: ${message ?? code} (${code}).` };
  }
  const last = errors[errors.length - 1] as { message?: string } | undefined;
  const message = last?.message ?? String(err);
  if (/bad port/i.test(message)) return { state: 'offline', cause: 'config', reason: `The server address ${server} uses a port that fetch refuses to connect to (bad port); an API server listens elsewhere, usually 6443 or 443.` };
  return { state: 'offline', cause: 'other', reason: `${what} at ${host} failed: ${message}` };
}
