/**
 * Every security setting of the Electron app, built here without the electron
 * import so that each item of Electron's security checklist
 * (https://www.electronjs.org/docs/latest/tutorial/security) is unit-tested:
 * electron/security-checklist.test.ts proves the values, and
 * electron/main.test.ts proves that main.ts hands exactly these to Electron.
 *
 * This module imports nothing: electron.vite.config.ts reads the CSP from it.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'berth';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * Checklist 16: the oldest Electron major Berth builds with. Electron supports
 * its three latest majors; raise this with every Electron upgrade.
 */
export const MIN_ELECTRON_MAJOR = 41;

/**
 * The page policy of the Electron window (checklist 7). Electron talks to the
 * core over IPC, so nothing may open a connection anywhere but the app itself:
 * no ws:, no http(s):. 'self' is app://berth, which matches no WebSocket URL.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // xterm.js and Monaco inject style elements.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Checklist 18: app:// is a standard, secure scheme, so the page never runs from file://. */
export function appSchemePrivileges() {
  return [{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }];
}

/** Checklist 2, 3, 4, 6, 8, 9, 10, 11: the BrowserWindow's webPreferences. enableBlinkFeatures is never set. */
export function webPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  } as const;
}

/**
 * Checklist 5: Berth needs no permission at all (camera, notifications,
 * clipboard reads, devices, …), so every request and every check is refused,
 * whatever the origin.
 */
export function permissionHandlers() {
  return {
    request: (_webContents: unknown, _permission: string, callback: (granted: boolean) => void): void => callback(false),
    check: (): boolean => false,
    device: (): boolean => false,
  };
}

/** ELECTRON_RENDERER_URL (electron-vite's dev server) counts only in an unpackaged run and only on loopback http. */
export function devServerUrl(env: Readonly<Record<string, string | undefined>>, isPackaged: boolean): string | undefined {
  const raw = env.ELECTRON_RENDERER_URL;
  if (isPackaged || !raw) return undefined;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) ? raw : undefined;
  } catch {
    return undefined;
  }
}

/** Checklist 1 and 18: the window shows the bundled app over app://, never file:// or a remote site. */
export function windowUrl(devServer?: string): string {
  return devServer ?? `${APP_ORIGIN}/index.html`;
}

// WHATWG URLs give custom schemes an opaque "null" origin, so compare the parts.
function isAppOrigin(url: URL): boolean {
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
}

/** The renderer may only ever show the app itself (or the dev server in development). */
export function isAppUrl(url: string, devServer?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (isAppOrigin(parsed)) return true;
  if (devServer) {
    try {
      return parsed.origin === new URL(devServer).origin;
    } catch {
      return false;
    }
  }
  return false;
}

export interface Preventable {
  preventDefault(): void;
}

/** Checklist 13: will-navigate, will-frame-navigate and will-redirect stay inside the app. */
export function navigationGuard(devServer?: string) {
  return (details: Preventable & { readonly url: string }): void => {
    if (!isAppUrl(details.url, devServer)) details.preventDefault();
  };
}

/** Links the user clicks leave the app only for the browser, and only as http(s). */
export function isExternalLinkAllowed(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** Checklist 15: the one way to shell.openExternal; anything but http(s) is refused before it gets there. */
export function guardedOpenExternal(open: (url: string) => Promise<void>) {
  return async (url: string): Promise<void> => {
    if (!isExternalLinkAllowed(url)) throw new Error(`Berth opens only http and https links, not ${url}.`);
    await open(url);
  };
}

/** Checklist 14: no window is ever created; an http(s) link goes to the browser instead. */
export function windowOpenHandler(openExternal: (url: string) => Promise<void>) {
  return ({ url }: { readonly url: string }): { action: 'deny' } => {
    if (isExternalLinkAllowed(url)) openExternal(url).catch(() => undefined);
    return { action: 'deny' };
  };
}

/**
 * Checklist 11 and 12: webviewTag is off, so this never fires; should one be
 * attached anyway, it gets no preload, no Node and no popups, and is refused.
 */
export function attachWebviewGuard(
  event: Preventable,
  prefs: { preload?: string; nodeIntegration?: boolean; contextIsolation?: boolean; sandbox?: boolean; webSecurity?: boolean },
  params: { allowpopups?: string },
): void {
  delete prefs.preload;
  prefs.nodeIntegration = false;
  prefs.contextIsolation = true;
  prefs.sandbox = true;
  prefs.webSecurity = true;
  delete params.allowpopups;
  event.preventDefault();
}

/** Maps app://berth/<path> to a file under the renderer directory; refuses anything that escapes it. */
export function resolveAppAsset(url: string, rendererDir: string, join: (...p: string[]) => string, normalize: (p: string) => string): string | undefined {
  const parsed = new URL(url);
  if (!isAppOrigin(parsed)) return undefined;
  const rel = decodeURIComponent(parsed.pathname === '/' ? '/index.html' : parsed.pathname);
  const file = normalize(join(rendererDir, rel));
  const root = normalize(rendererDir);
  if (file !== root && !file.startsWith(root.endsWith('/') || root.endsWith('\\') ? root : root + (root.includes('\\') ? '\\' : '/'))) return undefined;
  return file;
}

/**
 * Checklist 7: the headers of every app:// response. Electron does not run
 * webRequest.onHeadersReceived for custom protocols (electron/electron#6021,
 * #45865), so the protocol handler sets them itself.
 */
export function protocolResponseHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

/** The same response with Berth's headers, replacing any the file fetch carried. */
export function withProtocolHeaders(response: Response): Response {
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(protocolResponseHeaders())) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

export interface AppProtocolOptions {
  rendererDir: string;
  join: (...p: string[]) => string;
  normalize: (p: string) => string;
  /** Reads a file that resolveAppAsset accepted (net.fetch of its file URL, in main.ts). */
  fetchFile: (file: string) => Promise<Response>;
}

/** The app:// handler: files from the renderer directory only, every answer with the CSP. */
export function appProtocolHandler(options: AppProtocolOptions) {
  const refuse = (status: number, text: string) => withProtocolHeaders(new Response(text, { status, headers: { 'Content-Type': 'text/plain' } }));
  return async (request: { readonly url: string; readonly method?: string }): Promise<Response> => {
    if (request.method !== undefined && request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Method not allowed');
    let file: string | undefined;
    try {
      file = resolveAppAsset(request.url, options.rendererDir, options.join, options.normalize);
    } catch {
      file = undefined;
    }
    if (!file) return refuse(404, 'Not found');
    try {
      return withProtocolHeaders(await options.fetchFile(file));
    } catch {
      return refuse(404, 'Not found');
    }
  };
}

/** For responses that do pass through webRequest (the dev server): the CSP replaces whatever the server sent. */
export function withCspHeader(responseHeaders: Readonly<Record<string, string | string[]>> | undefined): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(responseHeaders ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') headers[name] = Array.isArray(value) ? value : [value];
  }
  // electronegativity cannot read the constant here and calls the CSP unparsable; it is the policy index.html declares.
  headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY]; // eng-disable CSP_GLOBAL_CHECK
  return headers;
}
