import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { openLocalTerminal, processAlive, typeInTerminal } from './ui';

const screenText = (page: Page) => page.locator('.terminal-view:not([hidden]) .xterm-rows').innerText();

test('a reload brings the terminal tabs back with their scrollback; closing a tab ends its shell', async ({ page, webHost }) => {
  await page.goto(webHost.url);
  await openLocalTerminal(page);
  await typeInTerminal(page, 'echo pid=$$= before-$((6*7))');
  await expect.poll(() => screenText(page)).toMatch(/pid=\d+= before-42/);
  const pid = Number(/pid=(\d+)=/.exec(await screenText(page))![1]);

  await page.reload();
  const tab = page.getByRole('tab', { name: /This computer/ });
  await expect(tab).toHaveCount(1);
  await expect.poll(() => screenText(page)).toContain('before-42');
  // Reattached, not replayed only: the same shell answers.
  await typeInTerminal(page, 'echo after-$((5*5)) pid=$$=');
  await expect.poll(() => screenText(page)).toContain(`after-25 pid=${pid}=`);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: 'e2e/screenshots/terminal-reattached-1440.png' });
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.screenshot({ path: 'e2e/screenshots/terminal-reattached-1024.png' });

  await page.getByRole('button', { name: /^Close This computer/ }).click();
  await expect(tab).toHaveCount(0);
  await expect.poll(() => processAlive(pid)).toBe(false);
  await page.reload();
  await expect(page.getByRole('tab', { name: /This computer/ })).toHaveCount(0);
});
