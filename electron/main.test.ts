/**
 * main.ts with Electron replaced by recorders: proves that the app hands Electron exactly the settings built (and
 * tested) in window-policy.ts and ipc-policy.ts, on every session, web contents, window, protocol and IPC channel.
 */
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY, appSchemePrivileges, webPreferences } from './window-policy.js';
import { API_CALL_CHANNEL, API_EVENT_CHANNEL } from './ipc-policy.js';

type Fn = (...args: never[]) => unknown;

const fake = vi.hoisted(() => {
  const appListeners = new Map<string, ((...args: unknown[]) => unknown)[]>();
  const makeSession = () => ({
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
    webRequest: { onHeadersReceived: vi.fn() },
  });
  const windows: { options: Record<string, unknown>; url?: string; sent: unknown[][]; webContents: { getURL(): string; send(...a: unknown[]): void } }[] = [];
  class BrowserWindow {
    static getAllWindows = () => windows;
    options: Record<string, unknown>;
    url?: string;
    sent: unknown[][] = [];
    webContents = { getURL: () => this.url ?? '', send: (...a: unknown[]) => void this.sent.push(a) };
    constructor(options: Record<string, unknown>) {
      this.options = options;
      windows.push(this);
    }
    once() {}
    show() {}
    async loadURL(url: string) {
      this.url = url;
    }
  }
  const dispatch = vi.fn(async (method: unknown) => ({ dispatched: method }));
  const eventSubscribers: ((event: string, payload: unknown) => void)[] = [];
  return {
    appListeners,
    makeSession,
    defaultSession: makeSession(),
    windows,
    BrowserWindow,
    schemes: [] as unknown[],
    protocolHandlers: new Map<string, (request: { url: string; method?: string }) => Promise<Response>>(),
    ipcHandlers: new Map<string, Fn>(),
    netFetch: vi.fn(async (_url: string) => new Response('<!doctype html>', { headers: { 'Content-Type': 'text/html' } })),
    openExternal: vi.fn(async (_url: string) => undefined),
    dispatch,
    eventSubscribers,
    coreOptions: [] as Record<string, unknown>[],
  };
});

vi.mock('electron', () => ({
  app: {
    isPackaged: false,
    whenReady: async () => undefined,
    getPath: () => os.tmpdir(),
    getVersion: () => '0.0.0-test',
    quit: vi.fn(),
    on: (event: string, listener: (...args: unknown[]) => unknown) => {
      fake.appListeners.set(event, [...(fake.appListeners.get(event) ?? []), listener]);
    },
  },
  BrowserWindow: fake.BrowserWindow,
  ipcMain: { handle: (channel: string, handler: Fn) => fake.ipcHandlers.set(channel, handler) },
  net: { fetch: fake.netFetch },
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown) => fake.schemes.push(schemes),
    handle: (scheme: string, handler: (request: { url: string }) => Promise<Response>) => fake.protocolHandlers.set(scheme, handler),
  },
  safeStorage: { isEncryptionAvailable: () => false },
  session: { defaultSession: fake.defaultSession },
  shell: { openExternal: fake.openExternal },
}));

vi.mock('./core.js', () => ({
  createCore: (options: Record<string, unknown>) => {
    fake.coreOptions.push(options);
    return {
      router: { dispatch: fake.dispatch },
      events: { subscribe: (listener: (event: string, payload: unknown) => void) => fake.eventSubscribers.push(listener) },
      dispose: async () => undefined,
    };
  },
}));

function emitApp(event: string, ...args: unknown[]) {
  for (const listener of fake.appListeners.get(event) ?? []) listener(...args);
}

type Session = ReturnType<typeof fake.makeSession>;
function expectHardened(ses: Session) {
  const request = ses.setPermissionRequestHandler.mock.calls[0]![0] as (wc: unknown, permission: string, cb: (granted: boolean) => void) => void;
  for (const permission of ['media', 'notifications', 'clipboard-read', 'openExternal', 'geolocation']) {
    const callback = vi.fn();
    request({}, permission, callback);
    expect(callback.mock.calls).toEqual([[false]]);
  }
  expect((ses.setPermissionCheckHandler.mock.calls[0]![0] as () => boolean)()).toBe(false);
  expect((ses.setDevicePermissionHandler.mock.calls[0]![0] as () => boolean)()).toBe(false);
  const onHeaders = ses.webRequest.onHeadersReceived.mock.calls[0]![0] as (d: unknown, cb: (r: unknown) => void) => void;
  const callback = vi.fn();
  onHeaders({ responseHeaders: { 'content-security-policy': ['default-src *'] } }, callback);
  expect(callback.mock.calls).toEqual([[{ responseHeaders: { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } }]]);
}

describe('main.ts', () => {
  beforeAll(async () => {
    vi.stubEnv('ELECTRON_RENDERER_URL', '');
    await import('./main.js');
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
  });

  it('registers app:// with the tested privileges', () => {
    expect(fake.schemes).toEqual([appSchemePrivileges()]);
  });

  it('opens one window with exactly the tested webPreferences, on the app over app://', () => {
    const [win] = fake.windows;
    expect(win!.options.webPreferences).toEqual(webPreferences(path.join(import.meta.dirname, '../preload/preload.cjs')));
    expect(win!.url).toBe(`${APP_ORIGIN}/index.html`);
  });

  it('hardens the default session and every session created later', () => {
    expectHardened(fake.defaultSession);
    const later = fake.makeSession();
    emitApp('session-created', later);
    expectHardened(later);
  });

  it('guards every web contents: navigation, frame navigation, redirects, webviews and new windows', async () => {
    const handlers = new Map<string, (...args: unknown[]) => unknown>();
    let openHandler: ((details: { url: string }) => unknown) | undefined;
    const contents = {
      on: (event: string, handler: (...args: unknown[]) => unknown) => handlers.set(event, handler),
      setWindowOpenHandler: (handler: (details: { url: string }) => unknown) => (openHandler = handler),
    };
    emitApp('web-contents-created', {}, contents);
    // The guards, plus the two listeners that detach a reloaded or closed window's terminals (they allow and block nothing).
    expect([...handlers.keys()].sort()).toEqual(['destroyed', 'did-start-navigation', 'will-attach-webview', 'will-frame-navigate', 'will-navigate', 'will-redirect']);
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      const away = { url: 'https://evil.example/', preventDefault: vi.fn() };
      const home = { url: `${APP_ORIGIN}/index.html`, preventDefault: vi.fn() };
      handlers.get(event)!(away);
      handlers.get(event)!(home);
      expect([event, away.preventDefault.mock.calls.length, home.preventDefault.mock.calls.length]).toEqual([event, 1, 0]);
    }
    const attach = { preventDefault: vi.fn() };
    handlers.get('will-attach-webview')!(attach, { preload: '/x.js', nodeIntegration: true }, { allowpopups: 'true' });
    expect(attach.preventDefault).toHaveBeenCalledOnce();
    expect(openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(fake.openExternal.mock.calls).toEqual([['https://example.com/']]));
  });

  it('serves app:// through the tested handler: CSP on every answer, files only from the renderer directory', async () => {
    const handle = fake.protocolHandlers.get('app')!;
    const page = await handle({ url: `${APP_ORIGIN}/index.html`, method: 'GET' });
    expect(page.headers.get('Content-Security-Policy')).toBe(CONTENT_SECURITY_POLICY);
    const fetched = fake.netFetch.mock.calls.map(([url]) => url);
    expect(fetched).toEqual([expect.stringMatching(/^file:\/\/.*\/renderer-electron\/index\.html$/)]);
    const escape = await handle({ url: `${APP_ORIGIN}/a%2F..%2F..%2F..%2Fetc%2Fpasswd` });
    expect(escape.status).toBe(404);
    expect(escape.headers.get('Content-Security-Policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(fake.netFetch).toHaveBeenCalledTimes(1);
  });

  it('answers IPC calls only from the app page, and sends events only to windows showing it', async () => {
    expect([...fake.ipcHandlers.keys()]).toEqual([API_CALL_CHANNEL]);
    const handle = fake.ipcHandlers.get(API_CALL_CHANNEL)! as unknown as (event: unknown, method: unknown, input: unknown) => Promise<unknown>;
    expect(await handle({ senderFrame: { url: 'https://evil.example/', parent: null } }, 'system.info', {})).toMatchObject({ ok: false });
    expect(await handle({ senderFrame: null }, 'system.info', {})).toMatchObject({ ok: false });
    expect(fake.dispatch).not.toHaveBeenCalled();
    expect(await handle({ senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null } }, 'system.info', {})).toEqual({ ok: true, result: { dispatched: 'system.info' } });

    const stray = new fake.BrowserWindow({});
    stray.url = 'https://evil.example/';
    for (const subscriber of fake.eventSubscribers) subscriber('prompt.closed', { promptId: 'p' });
    expect(fake.windows[0]!.sent).toEqual([[API_EVENT_CHANNEL, 'prompt.closed', { promptId: 'p' }]]);
    expect(stray.sent).toEqual([]);
    fake.windows.pop();
  });

  it("gives the core an openExternal that opens only http(s) links", async () => {
    const openExternal = fake.coreOptions[0]!.openExternal as (url: string) => Promise<void>;
    fake.openExternal.mockClear();
    await expect(openExternal('file:///etc/passwd')).rejects.toThrow();
    await openExternal('https://example.com/docs');
    expect(fake.openExternal.mock.calls).toEqual([['https://example.com/docs']]);
  });
});
