import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './fixtures';
import { mainNav, openServers } from './ui';

/** A plain HTTP server on another 127.0.0.1 port that records the Cookie header of every request. */
async function startOtherLocalServer() {
  const cookies: Array<string | undefined> = [];
  const server = http.createServer((req, res) => {
    cookies.push(req.headers.cookie);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end('<!doctype html><title>Another local server</title><p>not Berth</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    cookies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test('the token stays in the tab: another local port gets no cookie, and reloads still work', async ({ page, webHost }) => {
  const other = await startOtherLocalServer();
  try {
    await openServers(page, webHost.url);
    expect(page.url()).not.toContain('token=');

    // Cookies are not scoped by port, so a cookie set by Berth would reach every other local server.
    await page.goto(other.url);
    await expect(page.getByText('not Berth')).toBeVisible();
    expect(other.cookies.length).toBeGreaterThan(0);
    expect(other.cookies.filter((c) => c !== undefined)).toEqual([]);
    expect(await page.context().cookies()).toEqual([]);
    const visible = await page.evaluate(() => `${document.cookie}|${JSON.stringify({ ...sessionStorage })}|${JSON.stringify({ ...localStorage })}`);
    expect(visible).not.toContain(webHost.token);

    // Back on Berth without the token in the address: the tab still has it, the static UI loads without it.
    await page.goto(`http://127.0.0.1:${webHost.port}/`);
    await mainNav(page).getByRole('button', { name: 'Servers' }).click();
    await expect(page.locator('.server').first()).toContainText('This computer');
    expect(await page.context().cookies()).toEqual([]);

    // A new tab that never saw the token gets the UI but not the API, and is told what to open.
    const fresh = await page.context().newPage();
    await fresh.goto(`http://127.0.0.1:${webHost.port}/`);
    await expect(fresh.getByText(/Open the address printed by `npm run web`/)).toBeVisible();
    await fresh.close();
  } finally {
    await other.close();
  }
});

test('a compose file over the limit is refused with its size and the limit, and the host keeps working', async ({ page, webHost }) => {
  await page.goto(webHost.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Apps' }).click();
  await page.getByRole('button', { name: 'Import compose file…' }).click();
  const dialog = page.getByRole('form', { name: 'Import docker-compose' });
  const big = `services:\n  web:\n    image: nginx\n    environment:\n      BLOB: "${'x'.repeat(9 * 1024 * 1024)}"\n`;
  await dialog.getByLabel('Choose a file').setInputFiles({ name: 'docker-compose.yml', mimeType: 'text/yaml', buffer: Buffer.from(big) });
  await expect(dialog.getByRole('alert')).toContainText(/docker-compose\.yml is 9\.0 MiB; Berth imports compose files of up to 4\.0 MiB/);

  // Nothing was sent: a normal import right after works.
  await dialog.getByLabel('…or paste it').fill(['services:', '  api:', '    image: ghcr.io/acme/api:2.1', ''].join('\n'));
  await dialog.getByLabel('App name').fill('acme');
  await dialog.getByRole('button', { name: 'Import' }).click();
  await expect(dialog.getByRole('button', { name: 'Open acme' })).toBeVisible();

  // The host answered after the refusal: a reload lists servers again.
  await page.reload();
  await mainNav(page).getByRole('button', { name: 'Servers' }).click();
  await expect(page.locator('.server').first()).toContainText('This computer');
});
