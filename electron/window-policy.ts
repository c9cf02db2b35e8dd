/**
 * The Electron window's security settings and navigation rules, kept free of
 * the electron import so they are unit-tested without Electron.
 */

export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://berth`;

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

export function secureWebPreferences(preloadPath: string) {
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
    spellcheck: false,
  } as const;
}

// WHATWG URLs give custom schemes an opaque "null" origin, so compare the parts.
function isAppOrigin(url: URL): boolean {
  return url.protocol === `${APP_SCHEME}:` && url.host === 'berth';
}

/** The renderer may only ever show the app itself (or the dev server in development). */
export function isAppUrl(url: string, devServerUrl?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (isAppOrigin(parsed)) return true;
  if (devServerUrl) {
    try {
      return parsed.origin === new URL(devServerUrl).origin;
    } catch {
      return false;
    }
  }
  return false;
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
