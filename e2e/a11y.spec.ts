import type { Page } from '@playwright/test';
import { expectAccessible } from './a11y';
import { expect, test } from './fixtures';
import { mainNav, newApp, openApps, openLocalTerminal } from './ui';

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
] as const;

/** axe on the screen as shown, and a screenshot of it at both sizes (e2e/screenshots/a11y-<name>-<width>.png). */
async function check(page: Page, name: string) {
  await expectAccessible(page, name);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.screenshot({ path: `e2e/screenshots/a11y-${name}-${size.width}.png` });
  }
  await page.setViewportSize(SIZES[0]);
}

test('every main screen has no serious or critical accessibility violation', async ({ page, webHost }) => {
  await page.setViewportSize(SIZES[0]);
  await page.goto(webHost.url);
  // Berth opens on the Overview; its counts arrive with the lists.
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await expect(page.getByTestId('overview-apps-count')).toHaveText(/^\d+$/);
  await check(page, 'overview');
  await mainNav(page).getByRole('button', { name: /^Activity/ }).click();
  await expect(page.getByRole('dialog', { name: 'Activity' })).toBeVisible();
  await check(page, 'activity');
  await page.keyboard.press('Escape');

  await mainNav(page).getByRole('button', { name: 'Servers' }).click();
  await expect(page.locator('.server').first()).toContainText('This computer');
  await check(page, 'servers');

  // The command palette and the shortcuts sheet, over the Servers page.
  await page.keyboard.press('Control+k');
  await expect(page.getByRole('dialog', { name: 'Command palette' })).toBeVisible();
  await check(page, 'palette');
  await page.keyboard.press('Escape');
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await check(page, 'shortcuts');
  await page.keyboard.press('Escape');

  await mainNav(page).getByRole('button', { name: 'Clusters' }).click();
  await expect(page.getByRole('heading', { name: 'Clusters', level: 1 })).toBeVisible();
  await expect(page.getByTestId('cluster-test-cluster')).toBeVisible();
  await check(page, 'clusters');

  await openApps(page, webHost.url);
  await check(page, 'apps-list');

  // The import dialog, with its findings.
  await page.getByRole('button', { name: 'Import compose file…' }).click();
  const importForm = page.getByRole('form', { name: 'Import docker-compose' });
  await importForm.getByLabel('…or paste it').fill(['services:', '  api:', '    image: ghcr.io/acme/api:2.1', '    network_mode: host', '    pid: host', ''].join('\n'));
  await importForm.getByLabel('App name').fill('axe-import');
  await importForm.getByRole('button', { name: 'Import' }).click();
  await expect(importForm.getByRole('button', { name: 'Open axe-import' })).toBeVisible();
  await check(page, 'import-dialog');
  await page.keyboard.press('Escape');

  // The app editor with each of its preview tabs, then its other views.
  await newApp(page, 'axe', { docker: true });
  const files = page.getByRole('tablist', { name: 'Preview files' }).getByRole('tab');
  const names = await files.allTextContents();
  for (const [i, file] of names.entries()) {
    await files.nth(i).click();
    if (file === 'Diff') await expect(page.getByText(/Not deployed yet|Deployed|deployed/).first()).toBeVisible();
    await check(page, `editor-${file.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}`);
  }
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Saved', exact: true })).toBeVisible();
  const views = page.getByRole('tablist', { name: 'App views' });
  await views.getByRole('tab', { name: 'Deploys' }).click();
  await expect(page.getByRole('region', { name: 'History' })).toBeVisible();
  await check(page, 'app-deploys');
  await views.getByRole('tab', { name: 'Status' }).click();
  await expect(views.getByRole('tab', { name: 'Status' })).toHaveAttribute('aria-selected', 'true');
  await check(page, 'app-status');
  await views.getByRole('tab', { name: 'Definition' }).click();

  // The plan dialog (this computer's Docker may be missing here: the dialog then says so, which is checked too).
  await page.getByRole('button', { name: 'Deploy…' }).click();
  const plan = page.getByRole('dialog').filter({ has: page.getByRole('heading', { level: 2 }) }).last();
  await expect(plan).toBeVisible();
  await expect(plan.getByText('Reading the server and making the plan.')).toHaveCount(0, { timeout: 60_000 });
  await check(page, 'plan-dialog');
  await page.keyboard.press('Escape');
  await expect(plan).toBeHidden();

  await openLocalTerminal(page);
  await check(page, 'terminal');
});
