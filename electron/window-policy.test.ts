import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppUrl, isExternalLinkAllowed, resolveAppAsset } from './window-policy.js';

// The URL helpers behind the policy; electron/security-checklist.test.ts proves each checklist item.
describe('window security policy', () => {
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
