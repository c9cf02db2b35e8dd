import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { WEB_TOKEN_PROTOCOL_PREFIX } from '../../shared/api/wire.js';

/** A fresh secret for this run; whoever has it can use the API, so it is printed only to the owner's terminal. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison; hashing first makes the inputs equal length without leaking the token's. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/** The only origins (and Host headers) the web host answers: anything else is another site or DNS rebinding. */
export function allowedOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

export function securityHeaders(port: number): Record<string, string> {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    // xterm.js positions its rows with inline styles.
    "style-src 'self' 'unsafe-inline'",
    "worker-src 'self' blob:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}

/** The token the page offered as a `berth.token.<token>` subprotocol, if any. */
export function offeredToken(header: string | string[] | undefined): string | undefined {
  const list = Array.isArray(header) ? header.join(',') : (header ?? '');
  for (const part of list.split(',')) {
    const protocol = part.trim();
    if (protocol.startsWith(WEB_TOKEN_PROTOCOL_PREFIX)) return protocol.slice(WEB_TOKEN_PROTOCOL_PREFIX.length);
  }
  return undefined;
}
