import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';
import { WebSocketServer, type WebSocket } from 'ws';
import { createCore, type BerthCore } from '../core.js';
import { nodeSecretStore } from '../secrets/node-secret-store.js';
import { resolveDataDir } from '../storage/paths.js';
import { ApiError, describeIssues } from '../../shared/api/errors.js';
import type { EventPayload } from '../../shared/api/contract.js';
import { ClientMessage, encodeTerminalData, MAX_WEB_MESSAGE_BYTES, WEB_API_PATH, WEB_API_PROTOCOL, type ServerMessage } from '../../shared/api/wire.js';
import { allowedOrigins, newToken, offeredToken, securityHeaders, tokenMatches } from './security.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');

export interface WebHostOptions {
  /** 0 picks a free port. */
  port: number;
  dataDir?: string;
  /** A core to serve; when absent one is created (and disposed on close) with in-memory secrets. */
  core?: BerthCore;
  /** The built renderer; defaults to out/renderer. */
  rendererDir?: string;
}

export interface WebHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** Berth's package.json and its folder, found from wherever this module runs (sources, or the bundled CLI's chunks). */
function findPackage(): { dir: string; version: string } | null {
  for (let dir = here; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'berth') return { dir, version: pkg.version };
    }
    if (path.dirname(dir) === dir) return null;
  }
}

/** Berth's version from its package.json. */
export function packageVersion(): string {
  return findPackage()?.version ?? 'unknown';
}

/**
 * The app icon (assets/icon.svg), answered at /favicon.ico: the page links its own bundled copy, but browsers and
 * tools still ask for /favicon.ico by convention, and a 404 there shows up as an error in every page's console.
 */
function serveIcon(res: http.ServerResponse, head: boolean): boolean {
  const root = findPackage()?.dir;
  const icon = root ? path.join(root, 'assets', 'icon.svg') : null;
  if (!icon || !fs.existsSync(icon)) return false;
  const body = fs.readFileSync(icon);
  res.writeHead(200, { 'Content-Type': 'image/svg+xml', 'Content-Length': body.length, 'Cache-Control': 'public, max-age=86400' });
  res.end(head ? undefined : body);
  return true;
}

/**
 * Serves the UI and its API to a browser on this machine only: bound to
 * 127.0.0.1 and answering only its own Host names. The static UI carries no
 * secrets and loads without the token; the API socket requires it, offered as
 * a subprotocol from our own origin. The token is never put in a cookie:
 * cookies are not scoped by port, so every other local server would get it.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const ownsCore = !options.core;
  const dataDir = options.dataDir ?? resolveDataDir();
  const core = options.core ?? createCore({ host: 'web', secrets: nodeSecretStore(dataDir), dataDir, version: packageVersion() });
  const rendererDir = options.rendererDir ?? path.join(repoRoot, 'out', 'renderer');
  const token = newToken();
  let port = options.port;
  const hostAllowed = (req: http.IncomingMessage) => allowedOrigins(port).includes(`http://${req.headers.host ?? ''}`);

  const assets = sirv(rendererDir, { dev: false, etag: true, dotfiles: false });

  const server = http.createServer((req, res) => {
    for (const [name, value] of Object.entries(securityHeaders(port))) res.setHeader(name, value);
    if (!hostAllowed(req)) return plain(res, 421, 'Berth answers only on 127.0.0.1 and localhost.');
    // Only files are served over HTTP; everything that acts goes through the API socket.
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Berth serves only its UI files here.');
    if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
      return plain(res, 503, 'The Berth UI is not built. Run `npm run build:web`, then reload.');
    }
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname === '/favicon.ico' && serveIcon(res, req.method === 'HEAD')) return;
    assets(req, res, () => plain(res, 404, 'Not found.'));
  });

  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_WEB_MESSAGE_BYTES,
    handleProtocols: (offered) => (offered.has(WEB_API_PROTOCOL) ? WEB_API_PROTOCOL : false),
  });

  server.on('upgrade', (req, socket, head) => {
    // Node drops its own listener on upgrade; a reset before the handshake completes must not be an unhandled error.
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname !== WEB_API_PATH) return refuse(socket, 404, 'Not Found');
    if (!hostAllowed(req) || !allowedOrigins(port).includes(req.headers.origin ?? '')) return refuse(socket, 403, 'Forbidden');
    if (!tokenMatches(token, offeredToken(req.headers['sec-websocket-protocol']))) return refuse(socket, 401, 'Unauthorized');
    sockets.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, core));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as { port: number }).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      for (const ws of sockets.clients) ws.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownsCore) await core.dispose();
    },
  };
}

function serveSocket(ws: WebSocket, core: BerthCore) {
  const send = (message: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const unsubscribe = core.events.subscribe((event, payload) => {
    if (event !== 'terminal.data') return send({ type: 'event', event, payload });
    if (ws.readyState === ws.OPEN) ws.send(encodeTerminalData(payload as EventPayload<'terminal.data'>), { binary: true });
  });
  // Each socket is one UI (a page load): its terminals are detached, not ended, when it closes (a reload reattaches them).
  const caller = { client: `web-${randomUUID()}` };
  ws.on('close', () => {
    unsubscribe();
    core.terminals.detachClient(caller.client);
  });
  // A malformed frame (bad UTF-8, RSV bits, no mask, unknown opcode, bad close code) or a message over
  // MAX_WEB_MESSAGE_BYTES: ws has already sent the matching close code (1002, 1007, 1009) and drops
  // the connection. Without this listener the 'error' event would end the whole host.
  ws.on('error', () => undefined);
  ws.on('message', async (raw, isBinary) => {
    const message = parseMessage(isBinary ? undefined : raw.toString());
    if (!message.ok) {
      if (message.id !== undefined) send({ type: 'result', id: message.id, ok: false, error: message.error.toJSON() });
      return;
    }
    const { id, method, input } = message.call;
    try {
      const result = await core.router.dispatch(method, input, caller);
      send({ type: 'result', id, ok: true, result });
    } catch (err) {
      send({ type: 'result', id, ok: false, error: ApiError.from(err).toJSON() });
    }
  });
}

type Parsed = { ok: true; call: ClientMessage } | { ok: false; id?: number; error: ApiError };

function parseMessage(text: string | undefined): Parsed {
  let json: unknown;
  try {
    json = text === undefined ? undefined : JSON.parse(text);
  } catch {
    return { ok: false, error: new ApiError('INVALID_INPUT', 'The message is not JSON.') };
  }
  const parsed = ClientMessage.safeParse(json);
  if (parsed.success) return { ok: true, call: parsed.data };
  const id = (json as { id?: unknown } | null)?.id;
  return {
    ok: false,
    ...(Number.isInteger(id) ? { id: id as number } : {}),
    error: new ApiError('INVALID_INPUT', `Malformed API message: ${describeIssues(parsed.error, '(message)')}`),
  };
}

function plain(res: http.ServerResponse, status: number, text: string) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(text);
}

function refuse(socket: Duplex, status: number, reason: string) {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}
