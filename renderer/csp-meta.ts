import type { Plugin } from 'vite';

/**
 * index.html carries the Electron policy (electron/window-policy.ts, which has
 * no WebSocket source). The web build swaps in this one, because there the page
 * reaches the core over its WebSocket; the web host also sends its own header
 * naming its exact port (electron/web/security.ts), and both must allow a call.
 */
export const WEB_PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; worker-src 'self' blob:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'";

// Browsers ignore these in a <meta> policy (and say so in the console); they belong in a header.
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'report-to', 'sandbox']);

/** The policy without the directives a <meta> tag cannot carry. */
export function metaPolicy(policy: string): string {
  return policy
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d && !HEADER_ONLY.has(d.split(/\s+/)[0]!.toLowerCase()))
    .join('; ');
}

const CSP_META = /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")/gi;

/** The CSP the page's <meta> tag declares; the page must have exactly one. */
export function cspMetaOf(html: string): string {
  const found = [...html.matchAll(CSP_META)];
  if (found.length !== 1) throw new Error(`index.html must have exactly one Content-Security-Policy <meta> tag, found ${found.length}.`);
  return found[0]![2]!;
}

/** index.html with its CSP <meta> tag set to `policy`. */
export function setCspMeta(html: string, policy: string): string {
  cspMetaOf(html);
  if (policy.includes('"')) throw new Error('A CSP cannot contain a double quote.');
  return html.replace(CSP_META, (_m, open: string, _old: string, close: string) => `${open}${metaPolicy(policy)}${close}`);
}

/** Vite plugin: the built (and served) index.html declares exactly `policy`. */
export function cspMetaPlugin(policy: string): Plugin {
  return {
    name: 'berth-csp-meta',
    transformIndexHtml: { order: 'pre', handler: (html: string) => setCspMeta(html, policy) },
  };
}
