import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, isAppUrl, isExternalLinkAllowed, resolveAppAsset, secureWebPreferences } from './window-policy.js';

describe('window security policy', () => {
  it('isolates and sandboxes the renderer with no Node access', () => {
    const prefs = secureWebPreferences('/x/preload.cjs');
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
  });

  it('has a CSP that forbids inline and evaluated scripts', () => {
    const scriptSrc = CONTENT_SECURITY_POLICY.split('; ').find((d) => d.startsWith('script-src'));
    expect(scriptSrc).toBe("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });

  it('allows navigation only to the app origin or the dev server', () => {
    expect(isAppUrl('app://berth/index.html')).toBe(true);
    expect(isAppUrl('https://evil.example/')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('http://localhost:5173/x', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5174/x', 'http://localhost:5173')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('opens only http(s) links externally', () => {
    expect(isExternalLinkAllowed('https://example.com')).toBe(true);
    expect(isExternalLinkAllowed('http://example.com')).toBe(true);
    expect(isExternalLinkAllowed('file:///etc/passwd')).toBe(false);
    expect(isExternalLinkAllowed('javascript:alert(1)')).toBe(false);
    expect(isExternalLinkAllowed('smb://host/share')).toBe(false);
  });

  it('serves app assets only from inside the renderer directory', () => {
    const dir = '/opt/berth/renderer';
    expect(resolveAppAsset('app://berth/', dir, path.join, path.normalize)).toBe('/opt/berth/renderer/index.html');
    expect(resolveAppAsset('app://berth/assets/a.js', dir, path.join, path.normalize)).toBe('/opt/berth/renderer/assets/a.js');
    // The URL parser folds dot segments, so this stays inside the directory…
    expect(resolveAppAsset('app://berth/%2e%2e/%2e%2e/etc/passwd', dir, path.join, path.normalize)).toBe('/opt/berth/renderer/etc/passwd');
    // …but encoded slashes survive it and must still not escape.
    expect(resolveAppAsset('app://berth/a%2F..%2F..%2F..%2Fetc%2Fpasswd', dir, path.join, path.normalize)).toBeUndefined();
    expect(resolveAppAsset('app://other/x', dir, path.join, path.normalize)).toBeUndefined();
  });
});
