import type { Locator, Page } from '@playwright/test';
import { expectAccessible } from './a11y';
import { expect, test } from './fixtures';
import { call, mainNav, SCREEN_SIZES, shotsAtBothSizes } from './ui';
import { startWebHostProcess, type WebHostProcess } from './web-host-process';

/**
 * Issue #8: the Apps and Servers lists stay usable with hundreds of entries. Only the rows in view are drawn, yet
 * every row is reachable by scrolling, by the keyboard and by the filter (name; servers also host and user, any case),
 * which says how many it shows, says how to clear it when nothing matches, and clears on Escape.
 *
 * 300 apps and 200 servers are more than any other spec wants to see, so this spec runs a web host of its own
 * instead of the worker's shared one; the names are its own too (lf-…).
 */

const APPS = 300;
const SERVERS = 200;
const appName = (i: number) => `lf-app-${String(i).padStart(3, '0')}`;
const serverName = (i: number) => `lf-srv-${String(i).padStart(3, '0')}`;

/**
 * Runs `each` over 0…count-1, one after the other: saves of apps and servers take the store's locks, and calls in
 * parallel wait on each other's retries (25 at once took longer than 25 in a row).
 */
async function inTurn(count: number, each: (i: number) => Promise<unknown>) {
  for (let i = 0; i < count; i++) await each(i);
}

/** Scrolls `box` with the mouse wheel, as a person would, until `row` shows; fails after `maxTurns` turns. */
async function wheelUntilVisible(page: Page, box: Locator, row: Locator, maxTurns = 80) {
  await box.hover();
  for (let turn = 0; turn < maxTurns; turn++) {
    if (await row.isVisible()) return;
    await page.mouse.wheel(0, 400);
    await page.waitForTimeout(30);
  }
  await expect(row).toBeVisible();
}

let host: WebHostProcess;
test.beforeAll(async () => {
  host = await startWebHostProcess();
});
test.afterAll(async () => {
  await host?.stop();
});

test.describe.configure({ mode: 'serial' });

test('the apps list: 300 apps drawn in part, reached by scrolling, keys and filter, and opened', async ({ page }) => {
  await page.goto(host.url);
  await inTurn(APPS, (i) => call(page, 'apps.save', { app: { apiVersion: 'berth.dev/v1', kind: 'App', name: appName(i), services: { web: { image: `nginx:1.${i}` } } } }));

  await mainNav(page).getByRole('button', { name: 'Apps' }).click();
  const pane = page.getByRole('navigation', { name: 'Apps' });
  const filter = pane.getByRole('searchbox', { name: 'Filter apps' });
  const list = pane.getByRole('list');
  const rows = list.getByRole('listitem');
  const named = (name: string) => page.getByRole('button', { name: new RegExp(`^${name}\\b`) });
  const app = (name: string) => list.locator(named(name));
  await expect(pane.getByRole('status')).toHaveText(`${APPS} apps`);
  await expect(app(appName(0))).toBeVisible();

  // Drawn in part, but each drawn row says where it sits in the whole list.
  expect(await rows.count()).toBeLessThan(APPS / 2);
  await expect(rows.first()).toHaveAttribute('aria-setsize', String(APPS));
  await expect(rows.first()).toHaveAttribute('aria-posinset', '1');
  const far = appName(287);
  await expect(app(far)).toHaveCount(0);

  // Far down, by scrolling; then opened: its form and its rendered preview.
  await wheelUntilVisible(page, pane.locator('.apps-list-scroll'), app(far));
  await expect(rows.filter({ has: named(far) })).toHaveAttribute('aria-posinset', '288');
  await app(far).click();
  await expect(page.locator('.apps-toolbar h1')).toHaveText(far);
  await expect(page.getByRole('tab', { name: 'compose.yaml' })).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.__berthEditors?.text('compose.yaml') ?? '')).toContain(`name: ${far}`);
  await expect(app(far)).toHaveAttribute('aria-current', 'true');
  await expectAccessible(page, 'apps list scrolled, an app open');

  // Back from another page: the list shows at once from the store, with the open app scrolled into view.
  await mainNav(page).getByRole('button', { name: 'Servers' }).click();
  await mainNav(page).getByRole('button', { name: 'Apps' }).click();
  await expect(app(far)).toBeInViewport();

  // The keyboard goes through the whole list, drawn or not: End, Home and the arrows.
  await app(far).focus();
  await page.keyboard.press('End');
  await expect(app(appName(APPS - 1))).toBeFocused();
  await expect(app(appName(APPS - 1))).toBeInViewport();
  await page.keyboard.press('ArrowUp');
  await expect(app(appName(APPS - 2))).toBeFocused();
  await page.keyboard.press('Home');
  await expect(app(appName(0))).toBeFocused();
  await expect(app(appName(0))).toBeInViewport();
  await page.keyboard.press('ArrowDown');
  await expect(app(appName(1))).toBeFocused();

  // The filter: part of the name, any case, with the count; Escape clears it.
  await filter.fill('PP-15');
  await expect(pane.getByRole('status')).toHaveText(`10 of ${APPS}`);
  await expect(rows).toHaveCount(10); // lf-app-150…159
  await expect(rows.first()).toHaveAttribute('aria-setsize', '10');
  for (const text of await rows.allTextContents()) expect(text).toMatch(/^lf-app-15\d/);
  await shotsAtBothSizes(page, 'lists-filter-apps');
  await filter.press('Escape');
  await expect(filter).toHaveValue('');
  await expect(pane.getByRole('status')).toHaveText(`${APPS} apps`);

  // Found by the filter, then opened.
  await filter.fill('app-042');
  await expect(rows).toHaveCount(1);
  await app(appName(42)).click();
  await expect(page.locator('.apps-toolbar h1')).toHaveText(appName(42));
  await expect.poll(() => page.evaluate(() => window.__berthEditors?.text('compose.yaml') ?? '')).toContain('image: nginx:1.42');

  // Nothing matches: the list says so and how to get everything back.
  await filter.fill('no-such-app');
  await expect(pane.getByRole('status')).toHaveText(`0 of ${APPS}`);
  await expect(pane).toContainText('No apps match “no-such-app”.');
  await expect(pane).toContainText(`Press Escape in the filter, or clear the filter, to see all ${APPS} apps.`);
  await expectAccessible(page, 'apps list, nothing matches');
  await pane.getByRole('button', { name: 'clear the filter' }).click();
  await expect(filter).toHaveValue('');
  await expect(filter).toBeFocused();
  await expect(app(appName(0))).toBeVisible();
});

test('the servers list: 201 servers drawn in part, filtered by name, host and user, reached and edited', async ({ page }) => {
  await page.goto(host.url);
  await inTurn(SERVERS, (i) =>
    call(page, 'servers.add', { name: serverName(i), host: `host${i}.lf.example`, port: 22, user: i % 2 ? 'ops' : 'deploy', auth: { method: 'agent' }, proxyJump: [] }),
  );
  const total = SERVERS + 1; // and This computer

  await mainNav(page).getByRole('button', { name: 'Servers' }).click();
  const filter = page.getByRole('searchbox', { name: 'Filter servers' });
  const status = page.locator('.server-filter').getByRole('status');
  const rows = page.locator('.server-list').getByRole('article');
  const row = (name: string) => page.getByRole('article', { name, exact: true });
  await expect(status).toHaveText(`${total} servers`);
  await expect(row('This computer')).toBeVisible();
  expect(await rows.count()).toBeLessThan(total / 4);
  await expect(rows.first()).toHaveAttribute('aria-setsize', String(total));

  // Far down, by scrolling, and opened for editing.
  const far = serverName(190);
  await expect(row(far)).toHaveCount(0);
  await wheelUntilVisible(page, page.locator('.server-list-scroll'), row(far), 200);
  await expect(row(far)).toHaveAttribute('aria-posinset', '192');
  await expectAccessible(page, 'servers list scrolled');
  await row(far).getByRole('button', { name: 'Edit' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByLabel('Host', { exact: true })).toHaveValue('host190.lf.example');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();

  // By host, by user (any case), and both words together; each with its count.
  await filter.fill('host17.');
  await expect(status).toHaveText(`1 of ${total}`);
  await expect(rows).toHaveCount(1);
  await expect(row(serverName(17))).toBeVisible();
  await filter.fill('OPS');
  await expect(status).toHaveText(`${SERVERS / 2} of ${total}`);
  await filter.fill('ops lf-srv-01');
  await expect(status).toHaveText(`5 of ${total}`); // 011, 013, 015, 017, 019
  await expect(rows).toHaveCount(5);
  for (const text of await rows.locator('h3').allTextContents()) expect(text).toMatch(/^lf-srv-01[13579]$/);
  await filter.fill('deploy@host18');
  await expect(status).toHaveText(`6 of ${total}`); // 18, 180, 182, 184, 186, 188
  await shotsAtBothSizes(page, 'lists-filter-servers');
  // At any window width a row's address stays clear of its connection state: with no room, the state and actions
  // wrap below (the address used to run under the state at widths where they still fitted beside it).
  const before = page.viewportSize()!;
  for (let width = SCREEN_SIZES[1].width; width <= SCREEN_SIZES[0].width; width += 16) {
    await page.setViewportSize({ width, height: SCREEN_SIZES[1].height });
    const clashes = await rows.evaluateAll((drawn) =>
      drawn.flatMap((r) => {
        const text = document.createRange();
        text.selectNodeContents(r.querySelector('.server-title p')!);
        const a = text.getBoundingClientRect();
        const b = r.querySelector('[data-testid="server-state"]')!.getBoundingClientRect();
        return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom ? [r.getAttribute('aria-label')] : [];
      }),
    );
    expect(clashes, `at ${width} px`).toEqual([]);
  }
  await page.setViewportSize(before);

  // Found by the filter far down the list, then opened.
  await filter.fill('lf-srv-199');
  await expect(rows).toHaveCount(1);
  await row(serverName(199)).getByRole('button', { name: 'Edit' }).click();
  await expect(dialog.getByLabel('Host', { exact: true })).toHaveValue('host199.lf.example');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // Escape clears; nothing matching says how to get everything back.
  await filter.press('Escape');
  await expect(filter).toHaveValue('');
  await expect(status).toHaveText(`${total} servers`);
  await filter.fill('nowhere.invalid');
  await expect(rows).toHaveCount(0);
  await expect(page.getByText('No servers match “nowhere.invalid”.')).toBeVisible();
  await expect(page.getByText(`to see all ${total} servers.`)).toBeVisible();
  await expectAccessible(page, 'servers list, nothing matches');
  await page.getByRole('button', { name: 'clear the filter' }).click();
  await expect(filter).toBeFocused();
  await expect(row('This computer')).toBeVisible();
});
