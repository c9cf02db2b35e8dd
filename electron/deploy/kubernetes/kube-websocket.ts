import type { IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
// Not re-exported by the package's index; the module Exec and PortForward use.
import { WebSocketHandler, type StreamInterface } from '@kubernetes/client-node/dist/web-socket-handler.js';
import WebSocket from 'ws';
import { ApiError } from '../../../shared/api/errors.js';

/**
 * client-node's WebSocketHandler (the channel protocol, v5/v4) with two
 * things it lacks: the streams it closes on a close-stream frame are the
 * caller's own (its default is this process's stdin/stdout), and when the API
 * server refuses the upgrade, its Status message is kept instead of "Unexpected
 * server response: 400", so callers can say why (container not running, pod
 * gone, forbidden).
 */
export class KubeWebSocket {
  /** The refusal of the last upgrade, as the API server worded it. */
  refusal: ApiError | undefined;
  readonly handler: WebSocketHandler;

  constructor(config: KubeConfig, streams: StreamInterface, private readonly what: string) {
    this.handler = new WebSocketHandler(config, (uri, protocols, opts) => {
      const ws = new WebSocket(uri, protocols, opts);
      ws.on('unexpected-response', (_req, res: IncomingMessage) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < 4096) body += chunk;
        });
        res.on('end', () => {
          this.refusal = refusal(res.statusCode ?? 0, body, this.what);
          ws.terminate();
        });
        res.on('error', () => ws.terminate());
      });
      return ws as unknown as ReturnType<NonNullable<WebSocketHandler['socketFactory']>>;
    }, streams);
  }

  /** The reason a connect failed: the server's refusal when there was one, else the socket's error. */
  failure(err: unknown, label: string): ApiError {
    if (this.refusal) return this.refusal;
    const e = err as { message?: string; error?: NodeJS.ErrnoException };
    const code = e?.error?.code;
    const message = e?.error?.message ?? e?.message ?? String(err);
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND') {
      return new ApiError('CONNECTION_LOST', `${label} did not answer while trying to ${this.what} (${code}). Check that the cluster is running and reachable.`);
    }
    return new ApiError('INTERNAL', `Could not ${this.what} on ${label}: ${message}`);
  }
}

function refusal(status: number, body: string, what: string): ApiError {
  let message = body.trim().slice(0, 500) || `HTTP ${status}`;
  try {
    const parsed = JSON.parse(body) as { message?: string };
    if (parsed.message) message = parsed.message;
  } catch {
    // not a Status; the text as it came
  }
  switch (status) {
    case 401:
    case 403:
      return new ApiError('AUTH_FAILED', `The cluster does not allow this user to ${what}: ${message}.`);
    case 404:
      return new ApiError('NOT_FOUND', `Could not ${what}: ${message}. Refresh the status: a rollout or a restart may have replaced the pod.`);
    case 400:
      return new ApiError('CONFLICT', `Could not ${what}: ${message}.`);
    default:
      return new ApiError('INTERNAL', `Could not ${what}: ${message} (HTTP ${status}).`);
  }
}
