import { api } from '../../api/api';

/**
 * Links in terminal output open in the user's browser through the core (which
 * allows only http and https). Where the core cannot open links, as in the web
 * host, the browser opens a new tab with no access back to this page.
 */
export function openLink(uri: string): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return;
  api.call('shell.openExternal', { url: url.href }).catch(() => {
    window.open(url.href, '_blank', 'noopener,noreferrer');
  });
}
