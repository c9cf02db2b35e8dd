import type { Page } from '@playwright/test';
import { expectAccessible } from './a11y';
import { expect, test } from './fixtures';
import { call, fileText, mainNav, openApps } from './ui';
import { startWebHostProcess } from './web-host-process';

const NAME = 'customer-billing-api';

/** Every control of the open app's toolbar with its box, in document order. */
const toolbarControls = (page: Page) =>
  page.locator('.apps-toolbar').evaluate((toolbar) => {
    const bar = toolbar.getBoundingClientRect();
    return {
      bar: { left: bar.left, right: bar.right, height: bar.height },
      overflows: toolbar.scrollWidth > toolbar.clientWidth,
      controls: [...toolbar.querySelectorAll<HTMLElement>('button, select')]
        .filter((el) => el.getClientRects().length > 0)
        .map((el) => {
          const r = el.getBoundingClientRect();
          const name = el instanceof HTMLSelectElement ? `${el.labels?.[0]?.textContent} (select)` : el.getAttribute('aria-label') ?? el.textContent?.trim() ?? '';
          return { name, top: r.top, middle: r.top + r.height / 2, left: r.left, right: r.right };
        }),
    };
  });

test('the toolbar of an open app keeps to one row at 1024×700, its long name cut with an ellipsis; its actions are in one menu', async ({ page }) => {
  // A host of its own: the destinations saved here would otherwise become other specs' defaults.
  const host = await startWebHostProcess();
  try {
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.goto(host.url);
    await expect(mainNav(page)).toBeVisible();
    // Besides the host's own local-docker, so the picker shows both Edit and Remove: the widest toolbar an app has.
    await call(page, 'destinations.save', { destination: { type: 'docker', name: 'production-docker', server: 'local' } });
    await call(page, 'apps.save', { app: { apiVersion: 'berth.dev/v1', kind: 'App', name: NAME, services: { web: { image: 'nginx:1.27-alpine', ports: [{ port: 80 }] } } } });
    await openApps(page, `http://127.0.0.1:${host.port}/`);
    await page.getByRole('navigation', { name: 'Apps' }).getByRole('button', { name: new RegExp(`^${NAME}`) }).click();
    await expect(page.getByRole('button', { name: 'Saved', exact: true })).toBeVisible();
    await page.getByLabel('Destination', { exact: true }).selectOption('production-docker');
    await expect(page.getByRole('button', { name: 'Remove destination production-docker' })).toBeVisible();
    await expect(page.getByRole('tab', { name: 'compose.yaml' })).toBeVisible();
    await expect.poll(() => fileText(page, 'compose.yaml')).toContain(`berth.app: ${NAME}`);

    const title = page.getByRole('heading', { level: 1, name: NAME });
    await expect(title.getByTitle(NAME)).toBeVisible();
    for (const viewport of [{ width: 1024, height: 700 }, { width: 1440, height: 900 }]) {
      await page.setViewportSize(viewport);
      const { bar, overflows, controls } = await toolbarControls(page);
      expect(controls.map((c) => c.name)).toEqual(['Destination (select)', 'Edit destination production-docker', 'Remove destination production-docker', 'More app actions', 'Saved', 'Deploy…']);
      // One row: every control centred on the same line, none cut off at either end.
      for (const c of controls) expect(Math.abs(c.middle - controls[0]!.middle), `${c.name} at ${viewport.width}`).toBeLessThanOrEqual(1);
      for (const c of controls) expect(c.left >= bar.left && c.right <= bar.right, `${c.name} inside the toolbar at ${viewport.width}`).toBe(true);
      expect(overflows).toBe(false);
      expect(bar.height).toBeLessThan(56);
      await page.screenshot({ path: `e2e/screenshots/apps-toolbar-${viewport.width}.png` });
    }
    // The name is shown whole where there is room, and cut (with its full text on hover) where there is not.
    const nameCut = () => title.getByTitle(NAME).evaluate((el) => el.scrollWidth > el.clientWidth);
    expect(await nameCut()).toBe(false);
    await page.setViewportSize({ width: 1024, height: 700 });
    expect(await nameCut()).toBe(true);

    // The app's actions: a menu button, by keyboard as well as by mouse.
    const more = page.getByRole('button', { name: 'More app actions' });
    await more.focus();
    await page.keyboard.press('ArrowDown');
    const menu = page.getByRole('menu', { name: 'More app actions' });
    await expect(menu.getByRole('menuitem')).toHaveText(['Rename…', 'Duplicate…', 'Delete…']);
    await expect(menu.getByRole('menuitem', { name: 'Rename…' })).toBeFocused();
    await page.keyboard.press('ArrowUp');
    await expect(menu.getByRole('menuitem', { name: 'Delete…' })).toBeFocused();
    await expectAccessible(page, 'the app actions menu');
    await page.screenshot({ path: 'e2e/screenshots/apps-toolbar-menu-1024.png' });
    await page.keyboard.press('Escape');
    await expect(menu).toBeHidden();
    await expect(more).toBeFocused();
    await expect(more).toHaveAttribute('aria-expanded', 'false');

    await more.click();
    await menu.getByRole('menuitem', { name: 'Duplicate…' }).click();
    const dialog = page.getByRole('dialog', { name: `Duplicate ${NAME}` });
    await expect(dialog).toBeVisible();
    await expect(menu).toBeHidden();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(more).toBeFocused();

    // A click elsewhere closes the menu without doing anything.
    await more.click();
    await expect(menu).toBeVisible();
    await page.getByRole('tab', { name: 'Definition' }).click();
    await expect(menu).toBeHidden();
    await expect(page.getByRole('dialog')).toHaveCount(0);
  } finally {
    await host.stop();
  }
});

test('at 1024×700 the Servers page keeps its actions on one row, and the sidebar foot keeps inside the sidebar', async ({ page, webHost }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto(webHost.url);
  await mainNav(page).getByRole('button', { name: 'Servers' }).click();
  const actions = page.locator('.page-header .page-actions > button');
  await expect(actions).toHaveCount(2);
  const [importBox, addBox] = await Promise.all([actions.nth(0).boundingBox(), actions.nth(1).boundingBox()]);
  expect(Math.abs(importBox!.y - addBox!.y)).toBeLessThanOrEqual(1);

  const sidebar = (await mainNav(page).boundingBox())!;
  const terminals = (await mainNav(page).getByRole('button', { name: /^Terminals/ }).boundingBox())!;
  expect(terminals.x + terminals.width).toBeLessThanOrEqual(sidebar.x + sidebar.width);
});
