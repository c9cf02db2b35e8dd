import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebHost, type WebHost } from '../../electron/web/server.js';
import { createWebSocketTransport, NO_TOKEN_MESSAGE } from '../../renderer/src/api/ws-transport.js';

/** The page's transport against a real web host, with `ws` standing in for the browser's WebSocket (and its Origin). */
describe('web socket transport', () => {
  let host: WebHost;
  let dir: string;
  let location: Location;
  const original = globalThis.WebSocket;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-transport-'));
    host = await startWebHost({ port: 0, dataDir: path.join(dir, 'data'), rendererDir: dir });
    location = { protocol: 'http:', host: `127.0.0.1:${host.port}` } as Location;
    const origin = `http://127.0.0.1:${host.port}`;
    class PageWebSocket extends WebSocket {
      constructor(url: string, protocols: string[]) {
        super(url, protocols, { origin });
      }
    }
    globalThis.WebSocket = PageWebSocket as unknown as typeof globalThis.WebSocket;
  });
  afterAll(async () => {
    globalThis.WebSocket = original;
    await host?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('presents the token as a subprotocol and calls the API', async () => {
    const transport = createWebSocketTransport(host.token, location);
    expect(await transport.call('system.info', {})).toMatchObject({ host: 'web' });
  });

  it('refuses to send a request over the host’s limit, saying how large it is, and keeps the connection', async () => {
    const transport = createWebSocketTransport(host.token, location);
    await transport.call('system.info', {});
    await expect(transport.call('apps.importCompose', { content: 'x'.repeat(9 * 1024 * 1024) })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/This request is 9\.0 MiB; the Berth web host accepts at most 8\.0 MiB in one request/),
    });
    expect(await transport.call('system.info', {})).toMatchObject({ host: 'web' });
  });

  it('tells a tab without a token which address to open', async () => {
    await expect(createWebSocketTransport('', location).call('system.info', {})).rejects.toMatchObject({ code: 'CONNECTION_LOST', message: NO_TOKEN_MESSAGE });
  });
});
