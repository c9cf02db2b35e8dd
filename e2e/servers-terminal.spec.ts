import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { openServers } from './ui';

const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/screenshots/${name}.png` });

/** Text of the visible terminal, row by row, as xterm's DOM renderer draws it. */
const screenText = (page: Page) => page.locator('.terminal-view:not([hidden]) .xterm-rows').innerText();

async function typeInTerminal(page: Page, line: string) {
  await page.locator('.terminal-view:not([hidden]) .terminal-screen').click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/** Typing before the login shell is ready would show the input twice (echoed early, then by the shell). */
const waitForPrompt = (page: Page) => expect.poll(async () => /[$#%>] ?$/m.test((await screenText(page)).trimEnd())).toBe(true);

/** Rows and columns the shell reports, found through a marker the typed command line itself cannot match. */
async function sttySize(page: Page, marker: string): Promise<{ rows: number; cols: number }> {
  await typeInTerminal(page, `echo ${marker}$(stty size)${marker}`);
  const pattern = new RegExp(`${marker}(\\d+) (\\d+)${marker}`);
  await expect.poll(async () => pattern.test(await screenText(page))).toBe(true);
  const [, rows, cols] = pattern.exec(await screenText(page))!;
  return { rows: Number(rows), cols: Number(cols) };
}

const serverRow = (page: Page, name: string): Locator => page.getByRole('article', { name });

test('add a server, trust its host key, probe it and use terminals', async ({ page, webHost, sshd }) => {
  await openServers(page, webHost.url);
  await expect(page.getByRole('heading', { name: 'Servers' })).toBeVisible();
  await expect(page.locator('.server').first()).toContainText('This computer');
  // The token leaves the address bar once the page has it.
  expect(page.url()).not.toContain('token=');
  await shot(page, 'servers-list');

  // Inline validation keeps what was typed.
  await page.getByRole('button', { name: 'Add server' }).click();
  const form = page.getByRole('dialog', { name: 'Add a server' });
  await form.getByLabel('Host', { exact: true }).fill('bad host');
  await form.getByRole('button', { name: 'Add server' }).click();
  await expect(form.getByLabel('Name', { exact: true })).toHaveAccessibleDescription('Enter the name; it cannot be empty.');
  await expect(form.getByLabel('Host', { exact: true })).toHaveAccessibleDescription(/host name or address/);
  await expect(form.getByLabel('Host', { exact: true })).toHaveValue('bad host');

  await form.getByLabel('Name', { exact: true }).fill('Test sshd');
  await form.getByLabel('Host', { exact: true }).fill(sshd.host);
  await form.getByLabel('Port', { exact: true }).fill(String(sshd.port));
  await form.getByLabel('User', { exact: true }).fill(sshd.user);
  await form.getByLabel('Private key file', { exact: true }).fill(sshd.clientKeyPath);
  await shot(page, 'add-server-form');
  await form.getByRole('button', { name: 'Add server' }).click();
  await expect(form).toBeHidden();

  const row = serverRow(page, 'Test sshd');
  await expect(row).toContainText(`${sshd.user}@${sshd.host}:${sshd.port}`);
  // A new server is tested at once: the host key question comes without another click.

  const hostKey = page.getByRole('dialog', { name: 'Unknown host key' });
  await expect(hostKey).toBeVisible();
  await expect(hostKey.getByTestId('hostkey-fingerprint')).toHaveText(sshd.hostKeyFingerprint);
  await expect(hostKey.getByTestId('hostkey-type')).toHaveText(sshd.hostKeyType);
  await expect(hostKey.getByTestId('hostkey-address')).toHaveText(`${sshd.host}:${sshd.port}`);
  await expect(hostKey.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await shot(page, 'host-key-dialog');
  await hostKey.getByRole('button', { name: 'Trust and connect' }).click();

  await expect(row.getByTestId('server-state')).toHaveText('Connected', { timeout: 60_000 });
  await expect(row.getByTestId('probe')).toContainText('Linux');
  await expect(row.getByTestId('probe')).toContainText('Free disk');

  await row.getByRole('button', { name: 'Terminal' }).click();
  await expect(page.getByRole('tab', { name: /Test sshd/ })).toHaveAttribute('aria-selected', 'true');
  await waitForPrompt(page);
  await typeInTerminal(page, 'echo berth-$((6*7))');
  await expect.poll(() => screenText(page)).toContain('berth-42');
  // Output is carried as raw bytes: a € whose bytes arrive in separate frames still shows as one character.
  await typeInTerminal(page, "printf '\\342\\202'; sleep 0.3; printf '\\254euro-%d\\n' $((3+4))");
  await expect.poll(() => screenText(page)).toContain('€euro-7');

  const before = await sttySize(page, 'A');
  const handle = page.getByRole('separator', { name: 'Resize terminals' });
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y - 200, { steps: 8 });
  await page.mouse.up();
  await expect.poll(async () => (await sttySize(page, `R${Date.now() % 1000}X`)).rows).toBeGreaterThan(before.rows + 5);
  await shot(page, 'terminal');

  await serverRow(page, 'This computer').getByRole('button', { name: 'Terminal' }).click();
  await expect(page.getByRole('tab', { name: /This computer/ })).toHaveAttribute('aria-selected', 'true');
  await waitForPrompt(page);
  await typeInTerminal(page, 'echo local-$((40+2))');
  await expect.poll(() => screenText(page)).toContain('local-42');

  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'terminal-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // The server comes back with another host key: the open terminal drops and offers Reconnect,
  // and connecting again is refused with OpenSSH's warning and no way to accept the new key.
  await sshd.restartWithNewHostKey();
  await page.getByRole('tab', { name: /Test sshd/ }).click();
  const banner = page.locator('.terminal-view:not([hidden])').getByTestId('terminal-banner');
  await expect(banner).toContainText('Disconnected.');
  await expect(banner.getByRole('button', { name: 'Reconnect' })).toBeVisible();
  await row.getByRole('button', { name: 'Test connection' }).click();
  const alarm = row.getByTestId('hostkey-alarm');
  await expect(alarm).toContainText('host key of this server has changed');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /trust|accept/i })).toHaveCount(0);
  await page.getByRole('button', { name: 'Hide terminals' }).click();
  await shot(page, 'host-key-changed');
});
