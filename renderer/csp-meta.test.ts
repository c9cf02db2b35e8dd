import { describe, expect, it } from 'vitest';
import { cspMetaOf, metaPolicy, setCspMeta } from './csp-meta.js';

const page = (meta: string) => `<!doctype html><html><head>${meta}<title>x</title></head><body></body></html>`;
const tag = (policy: string) => `<meta\n      http-equiv="Content-Security-Policy"\n      content="${policy}"\n    />`;

describe('CSP <meta> per build', () => {
  it('drops the directives a <meta> policy cannot carry', () => {
    expect(metaPolicy("default-src 'self'; frame-ancestors 'none'; report-uri /r; sandbox; connect-src 'self'")).toBe("default-src 'self'; connect-src 'self'");
  });

  it('replaces the one policy the page declares', () => {
    const html = setCspMeta(page(tag("default-src 'self'; connect-src 'self' ws://localhost:*")), "default-src 'self'; connect-src 'self'; frame-ancestors 'none'");
    expect(cspMetaOf(html)).toBe("default-src 'self'; connect-src 'self'");
    expect(html).not.toContain('ws:');
  });

  it('refuses a page without exactly one CSP tag, and a policy that would break out of the attribute', () => {
    expect(() => setCspMeta(page(''), "default-src 'self'")).toThrow(/exactly one/);
    expect(() => setCspMeta(page(tag('a') + tag('b')), "default-src 'self'")).toThrow(/found 2/);
    expect(() => setCspMeta(page(tag('a')), `default-src 'self'" onload="x`)).toThrow(/double quote/);
  });

  it('keeps $ sequences in a policy literal', () => {
    expect(cspMetaOf(setCspMeta(page(tag('a')), "script-src 'sha256-$&$1'"))).toBe("script-src 'sha256-$&$1'");
  });
});
