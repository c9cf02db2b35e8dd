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

test('a tab in the background that keeps printing costs the page no layout per glyph, and shows again whole', async ({ page, webHost }) => {
  await page.goto(webHost.url);
  await openLocalTerminal(page);
  // It starts printing once it is in the background, in capitals: glyphs this terminal has not drawn before.
  await typeInTerminal(page, `perl -e 'select undef, undef, undef, 3; $|=1; for (1..300) { print chr(65 + $_ % 26) x 70, "\\n"; select undef, undef, undef, 0.01 } print "bg", "-done\\n"'`);
  const measuring = page.evaluate(async () => {
    const width = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetWidth')!;
    let count = 0;
    Object.defineProperty(HTMLElement.prototype, 'offsetWidth', {
      configurable: true,
      get(this: HTMLElement) {
        if (this.closest('.terminal-view[hidden]')) count++;
        return width.get!.call(this) as number;
      },
    });
    await new Promise((r) => setTimeout(r, 8_000));
    Object.defineProperty(HTMLElement.prototype, 'offsetWidth', width);
    return count;
  });
  await openLocalTerminal(page);
  const views = page.locator('.terminal-view');
  await expect(views).toHaveCount(2);
  const background = views.first();
  await expect(background).toBeHidden();
  // xterm 6.0 redraws a terminal's rows on every scroll even in the background, measuring by layout each glyph it
  // has no width for. Laid out out of sight, a glyph is measured once (26 capitals here); under display: none it
  // measured 0, which is never kept, so every glyph of every redraw forced a layout of the whole page.
  expect(await measuring).toBeLessThan(60);

  // Shown again, it has everything it printed meanwhile, at the panel's width.
  await page.getByRole('tab', { name: /This computer/ }).first().click();
  await expect(background).toBeVisible();
  await expect.poll(() => background.locator('.xterm-rows').innerText()).toContain('bg-done');
  const [drawn, screen] = await Promise.all([background.locator('.xterm-screen').boundingBox(), background.locator('.terminal-screen').boundingBox()]);
  expect(drawn!.width).toBeGreaterThan(screen!.width * 0.9);
  while ((await views.count()) > 0) await page.getByRole('button', { name: /^Close This computer/ }).click();
});
