import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeTerminalData, tokenProtocol, WEB_API_PATH, WEB_API_PROTOCOL, type ServerMessage } from '../../shared/api/wire.js';
import { billionLaughs } from '../../test/support/yaml-bomb.js';
import { createCore } from '../core.js';
import { MemorySecretStore } from '../secrets/secret-store.js';
import { startWebHost, type WebHost } from './server.js';

/** The page's way in: the token offered as a subprotocol, nothing in the URL. */
const apiSocket = (port: number, token: string, origin = `http://127.0.0.1:${port}`, options: { url?: string; headers?: Record<string, string> } = {}) =>
  new WebSocket(options.url ?? `ws://127.0.0.1:${port}${WEB_API_PATH}`, [WEB_API_PROTOCOL, tokenProtocol(token)], { origin, ...(options.headers ? { headers: options.headers } : {}) });

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

  /** Resolves with the HTTP status of a refused upgrade, or 101 when the socket opened. */
  const upgradeStatus = (open: () => WebSocket) =>
    new Promise<number>((resolve, reject) => {
      const ws = open();
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', (err) => (err.message.includes('Unexpected server response') ? undefined : reject(err)));
    });

  const connect = async () => {
    const ws = apiSocket(host.port, host.token);
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

  it('serves the static UI without the token, never sets a cookie, with strict headers', async () => {
    // index.html and the bundles carry no secrets; only the API socket needs the token.
    for (const url of [`${origin()}/`, host.url, `${origin()}/?token=nope`, `${origin()}/index.html`]) {
      const res = await fetch(url);
      expect(res.status, url).toBe(200);
      expect(await res.text()).toContain('<title>Berth</title>');
      // Cookies are not scoped by port: one set here would be sent to every other server on 127.0.0.1.
      expect(res.headers.get('set-cookie'), url).toBeNull();
    }
    expect((await fetch(`${origin()}/`, { method: 'POST', body: 'x' })).status).toBe(405);
    const page = await fetch(`${origin()}/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${host.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
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

  it('requires the right token on the API socket, offered as a subprotocol only', async () => {
    expect(await upgradeStatus(() => apiSocket(host.port, ''))).toBe(401);
    expect(await upgradeStatus(() => apiSocket(host.port, `${host.token}x`))).toBe(401);
    expect(await upgradeStatus(() => apiSocket(host.port, host.token))).toBe(101);
    const opened = apiSocket(host.port, host.token);
    await new Promise((resolve, reject) => opened.once('open', resolve).once('error', reject));
    // The host answers with its protocol, never echoing the token.
    expect(opened.protocol).toBe(WEB_API_PROTOCOL);
    opened.close();

    // Not from the URL, not from a cookie: a stolen cookie or a logged URL opens nothing.
    const bare = (url: string, headers: Record<string, string> = {}) => () => new WebSocket(url, [WEB_API_PROTOCOL], { origin: origin(), headers });
    expect(await upgradeStatus(bare(`ws://127.0.0.1:${host.port}${WEB_API_PATH}?token=${host.token}`))).toBe(401);
    expect(await upgradeStatus(bare(`ws://127.0.0.1:${host.port}${WEB_API_PATH}`, { cookie: `berth_session_${host.port}=${host.token}` }))).toBe(401);
  });

  it('refuses API sockets from other origins', async () => {
    expect(await upgradeStatus(() => apiSocket(host.port, host.token, 'http://evil.example'))).toBe(403);
    expect(await upgradeStatus(() => apiSocket(host.port, host.token, `http://127.0.0.1:${host.port + 1}`))).toBe(403);
    expect(await upgradeStatus(() => apiSocket(host.port, host.token, `http://localhost:${host.port}`))).toBe(101);
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


/** One WebSocket frame as a client writes it; every field can be made wrong on purpose. */
function frame(opcode: number, payload: Buffer, { rsv1 = false, masked = true, declaredLength }: { rsv1?: boolean; masked?: boolean; declaredLength?: number } = {}): Buffer {
  const length = declaredLength ?? payload.length;
  const head = [0x80 | (rsv1 ? 0x40 : 0) | opcode];
  let extended = Buffer.alloc(0);
  if (length < 126) head.push((masked ? 0x80 : 0) | length);
  else if (length < 65536) {
    head.push((masked ? 0x80 : 0) | 126);
    extended = Buffer.alloc(2);
    extended.writeUInt16BE(length);
  } else {
    head.push((masked ? 0x80 : 0) | 127);
    extended = Buffer.alloc(8);
    extended.writeBigUInt64BE(BigInt(length));
  }
  if (!masked) return Buffer.concat([Buffer.from(head), extended, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from(head), extended, mask, body]);
}

/**
 * A web host in its own Node process, as `npm run web` runs it: an unhandled
 * 'error' event ends that process, which a host inside the test runner would survive.
 */
async function startHostProcess(): Promise<{ port: number; token: string; alive: () => boolean; output: () => string; stop: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-web-process-'));
  const script = [
    "import { startWebHost } from './electron/web/server.ts';",
    'const host = await startWebHost({ port: 0, dataDir: process.env.BERTH_TEST_DIR + "/data", rendererDir: process.env.BERTH_TEST_DIR });',
    'process.stdout.write(JSON.stringify({ port: host.port, token: host.token }) + "\\n");',
  ].join('\n');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: { ...process.env, BERTH_TEST_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const started = await new Promise<{ port: number; token: string }>((resolve, reject) => {
    let line = '';
    child.stdout.on('data', (d: Buffer) => {
      line += d.toString();
      if (line.includes('\n')) resolve(JSON.parse(line) as { port: number; token: string });
    });
    child.once('exit', (code) => reject(new Error(`the web host exited with ${code}: ${output}`)));
  });
  return {
    ...started,
    alive: () => child.exitCode === null && child.signalCode === null,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGTERM');
          // A host whose event loop is blocked cannot run its SIGTERM handler.
          setTimeout(() => child.kill('SIGKILL'), 3000).unref();
        });
      }
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

describe('web host against malformed WebSocket frames', () => {
  let host: Awaited<ReturnType<typeof startHostProcess>>;

  beforeAll(async () => {
    host = await startHostProcess();
  });
  afterAll(async () => {
    await host?.stop();
  });
  afterEach(() => {
    expect(host.alive(), `the host process ended:\n${host.output()}`).toBe(true);
  });

  const origin = () => `http://127.0.0.1:${host.port}`;

  /** A WebSocket opened by hand on a plain TCP socket, so any bytes can follow the handshake. */
  const rawSocket = async () => {
    const socket = net.connect(host.port, '127.0.0.1');
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    let received = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => (received = Buffer.concat([received, d])));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.write(
      [
        `GET ${WEB_API_PATH} HTTP/1.1`,
        `Host: 127.0.0.1:${host.port}`,
        `Origin: ${origin()}`,
        `Sec-WebSocket-Protocol: ${WEB_API_PROTOCOL}, ${tokenProtocol(host.token)}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        '',
        '',
      ].join('\r\n'),
    );
    await expect.poll(() => received.includes('\r\n\r\n')).toBe(true);
    const end = received.indexOf('\r\n\r\n') + 4;
    expect(received.subarray(0, end).toString()).toMatch(/^HTTP\/1\.1 101 /);
    /** The code of the close frame the host answers with, and that it then drops the connection. */
    const closeCode = async () => {
      await closed;
      const rest = received.subarray(end);
      expect(rest[0]).toBe(0x88);
      return rest.readUInt16BE(2);
    };
    return { socket, closeCode };
  };

  const open = async () => {
    const ws = apiSocket(host.port, host.token);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return ws;
  };

  /** One call's result, or a failure after `ms`: a host that stopped answering fails the test, not its timeout. */
  const call = (ws: WebSocket, method: string, input: unknown, ms = 5000) =>
    new Promise<ServerMessage>((resolve, reject) => {
      const id = Math.floor(Math.random() * 1e9);
      const timer = setTimeout(() => reject(new Error(`no answer to ${method} within ${ms} ms`)), ms);
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString()) as ServerMessage;
        if (m.type === 'result' && m.id === id) {
          clearTimeout(timer);
          resolve(m);
        }
      });
      ws.send(JSON.stringify({ type: 'call', id, method, input }));
    });

  /** A working API socket: answers system.info. */
  const callWorks = async (ws?: WebSocket) => {
    const socket = ws ?? (await open());
    expect(await call(socket, 'system.info', {})).toMatchObject({ ok: true });
    if (!ws) socket.close();
  };

  const cases: Array<[string, () => Buffer, number]> = [
    ['a text frame with invalid UTF-8 (ff fe fd)', () => frame(0x1, Buffer.from([0xff, 0xfe, 0xfd])), 1007],
    ['a frame with RSV1 set', () => frame(0x1, Buffer.from('{}'), { rsv1: true }), 1002],
    ['an unmasked frame', () => frame(0x1, Buffer.from('{}'), { masked: false }), 1002],
    ['opcode 3', () => frame(0x3, Buffer.from('x')), 1002],
    ['a close frame with code 999', () => frame(0x8, Buffer.from([0x03, 0xe7])), 1002],
    ['a frame declaring more than 8 MiB', () => frame(0x1, Buffer.alloc(0), { declaredLength: 8 * 1024 * 1024 + 1 }), 1009],
  ];

  for (const [name, bytes, code] of cases) {
    it(`closes only the socket that sent ${name}, with code ${code}`, async () => {
      const bystander = await open();
      const { socket, closeCode } = await rawSocket();
      socket.write(bytes());
      expect(await closeCode()).toBe(code);
      await callWorks(bystander);
      await callWorks();
      bystander.close();
    });
  }

  it('closes a socket that sends a message over 8 MiB with 1009 and keeps serving', async () => {
    const ws = await open();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.send(JSON.stringify({ type: 'call', id: 1, method: 'apps.importCompose', input: { content: 'x'.repeat(9 * 1024 * 1024) } }));
    expect(await closed).toBe(1009);
    await callWorks();
  });

  it('answers a second socket while it refuses a YAML alias bomb, and refuses the bomb at once', async () => {
    const [importer, other] = await Promise.all([open(), open()]);
    const bomb = `services:\n  web:\n    image: nginx\n${billionLaughs()}`;
    const start = performance.now();
    const [imported, info] = await Promise.all([call(importer, 'apps.importCompose', { content: bomb }, 10_000), call(other, 'system.info', {}, 10_000)]);
    expect(info).toMatchObject({ ok: true });
    expect(imported).toMatchObject({ ok: true, result: { app: null, diagnostics: [expect.objectContaining({ code: 'IMPORT_YAML_TOO_LARGE' })] } });
    expect(performance.now() - start).toBeLessThan(2000);
    // And again, with the page's other ways of sending YAML.
    const edit = await call(importer, 'apps.applyEdit', {
      app: { apiVersion: 'berth.dev/v1', kind: 'App', name: 'shop', services: { web: { image: 'nginx' } } },
      destination: { type: 'docker', name: 'local-docker', server: 'local' },
      path: 'compose.yaml',
      content: bomb,
    });
    expect(edit).toMatchObject({ ok: true, result: { diagnostics: [expect.objectContaining({ code: 'EDIT_TOO_LARGE' })] } });
    importer.close();
    other.close();
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
          const ws = apiSocket(host.port, host.token, `http://localhost:${host.port}`);
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
      const ws = apiSocket(host.port, host.token, `http://localhost:${host.port}`);
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
