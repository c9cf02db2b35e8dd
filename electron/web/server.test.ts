import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeTerminalData, WEB_API_PATH, type ServerMessage } from '../../shared/api/wire.js';
import { createCore } from '../core.js';
import { MemorySecretStore } from '../secrets/secret-store.js';
import { startWebHost, type WebHost } from './server.js';

describe('web host', () => {
  let host: WebHost;
  let dir: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-web-'));
    const rendererDir = path.join(dir, 'renderer');
    await fs.mkdir(rendererDir);
    await fs.writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Berth</title>');
    host = await startWebHost({ port: 0, dataDir: path.join(dir, 'data'), rendererDir });
  });

  afterAll(async () => {
    await host?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const origin = () => `http://127.0.0.1:${host.port}`;
  const apiUrl = (token: string) => `ws://127.0.0.1:${host.port}${WEB_API_PATH}?token=${encodeURIComponent(token)}`;

  /** Resolves with the HTTP status of a refused upgrade, or 101 when the socket opened. */
  const upgradeStatus = (token: string, originHeader = origin()) =>
    new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(apiUrl(token), { origin: originHeader });
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', (err) => (err.message.includes('Unexpected server response') ? undefined : reject(err)));
    });

  const connect = async () => {
    const ws = new WebSocket(apiUrl(host.token), { origin: origin() });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const messages: ServerMessage[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as ServerMessage));
    const next = async (match: (m: ServerMessage) => boolean) => {
      for (let i = 0; i < 500; i++) {
        const found = messages.find(match);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('no matching message');
    };
    return { ws, next };
  };

  it('prints a URL on 127.0.0.1 carrying the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the page only with the token or the session cookie it sets, with strict headers', async () => {
    const anonymous = await fetch(`${origin()}/`);
    expect(anonymous.status).toBe(401);

    const wrong = await fetch(`${origin()}/?token=nope`);
    expect(wrong.status).toBe(401);

    const withToken = await fetch(host.url);
    expect(withToken.status).toBe(200);
    expect(await withToken.text()).toContain('<title>Berth</title>');
    const cookie = withToken.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);

    const withCookie = await fetch(`${origin()}/index.html`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(withCookie.status).toBe(200);

    const csp = withToken.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${host.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(withToken.headers.get('x-content-type-options')).toBe('nosniff');
    expect(withToken.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const socket = net.connect(host.port, '127.0.0.1', () => socket.write(`GET /?token=${host.token} HTTP/1.1\r\nHost: evil.example:${host.port}\r\nConnection: close\r\n\r\n`));
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('end', () => resolve(Number(text.split(' ')[1])));
      socket.on('error', reject);
    });
    expect(status).toBe(421);
  });

  it('requires the right token on the API socket', async () => {
    expect(await upgradeStatus('')).toBe(401);
    expect(await upgradeStatus(`${host.token}x`)).toBe(401);
    expect(await upgradeStatus(host.token)).toBe(101);
  });

  it('refuses API sockets from other origins', async () => {
    expect(await upgradeStatus(host.token, 'http://evil.example')).toBe(403);
    expect(await upgradeStatus(host.token, `http://127.0.0.1:${host.port + 1}`)).toBe(403);
    expect(await upgradeStatus(host.token, `http://localhost:${host.port}`)).toBe(101);
  });

  it('listens on 127.0.0.1 only', async () => {
    const others = ['127.0.0.2', ...Object.values(os.networkInterfaces()).flat().filter((i) => i && i.family === 'IPv4' && !i.internal).map((i) => i!.address)];
    for (const address of others) {
      const error = await new Promise<string>((resolve) => {
        const socket = net.connect(host.port, address, () => {
          socket.destroy();
          resolve('connected');
        });
        socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      });
      expect(error, address).toBe('ECONNREFUSED');
    }
  });

  it('routes calls to the core and returns results by id', async () => {
    const { ws, next } = await connect();
    ws.send(JSON.stringify({ type: 'call', id: 1, method: 'system.info', input: {} }));
    const reply = await next((m) => m.type === 'result' && m.id === 1);
    expect(reply).toMatchObject({ ok: true, result: { host: 'web', secretStorage: { persistent: false } } });
    ws.close();
  });

  it('answers invalid input and malformed messages with INVALID_INPUT', async () => {
    const { ws, next } = await connect();
    ws.send(JSON.stringify({ type: 'call', id: 2, method: 'terminals.open', input: { serverId: 'local', cols: 'wide', rows: 24 } }));
    expect(await next((m) => m.type === 'result' && m.id === 2)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    ws.send(JSON.stringify({ type: 'call', id: 3, method: 'no.such.method', input: {} }));
    expect(await next((m) => m.type === 'result' && m.id === 3)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    ws.send(JSON.stringify({ type: 'call', id: 4 }));
    expect(await next((m) => m.type === 'result' && m.id === 4)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    ws.close();
  });
});

describe('web host events', () => {
  it('forwards core events to every connected socket', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-web-events-'));
    const core = createCore({ host: 'web', secrets: new MemorySecretStore(), dataDir: dir, version: 'test' });
    const host = await startWebHost({ port: 0, core, rendererDir: dir });
    try {
      const open = () =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(`ws://127.0.0.1:${host.port}${WEB_API_PATH}?token=${host.token}`, { origin: `http://localhost:${host.port}` });
          ws.once('open', () => resolve(ws)).once('error', reject);
        });
      const sockets = await Promise.all([open(), open()]);
      const received = sockets.map((ws) => new Promise<unknown>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString())))));
      core.events.emit('prompt.closed', { promptId: 'p-1' });
      for (const message of await Promise.all(received)) {
        expect(message).toEqual({ type: 'event', event: 'prompt.closed', payload: { promptId: 'p-1' } });
      }
      for (const ws of sockets) ws.close();
    } finally {
      await host.close();
      await core.dispose();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('sends terminal output as a binary frame carrying the exact bytes, even a cut multibyte character', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-web-events-'));
    const core = createCore({ host: 'web', secrets: new MemorySecretStore(), dataDir: dir, version: 'test' });
    const host = await startWebHost({ port: 0, core, rendererDir: dir });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}${WEB_API_PATH}?token=${host.token}`, { origin: `http://localhost:${host.port}` });
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const received = new Promise<{ data: Buffer; isBinary: boolean }>((resolve) => ws.once('message', (data, isBinary) => resolve({ data: data as Buffer, isBinary })));
      const terminalId = '0b6f5e0c-3f3a-4f7e-9a57-3c1f2e8d9a10';
      const bytes = Buffer.from('ok €\r\n', 'utf8').subarray(0, 5);
      core.events.emit('terminal.data', { terminalId, data: bytes });
      const { data, isBinary } = await received;
      expect(isBinary).toBe(true);
      const frame = decodeTerminalData(data);
      expect(frame?.terminalId).toBe(terminalId);
      expect(Buffer.from(frame!.data).equals(bytes)).toBe(true);
      ws.close();
    } finally {
      await host.close();
      await core.dispose();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
