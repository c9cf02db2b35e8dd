import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { fileText, focused, goToLine, mainNav, newApp, openApps, openLocalTerminal, typeInTerminal } from './ui';

const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/screenshots/${name}.png` });

/** Presses Tab (or Shift+Tab) `times` times and fails as soon as focus is outside `dialog`. */
async function expectTabTrapped(page: Page, dialog: Locator, times = 25) {
  for (const key of ['Tab', 'Shift+Tab']) {
    for (let i = 0; i < times; i++) {
      await page.keyboard.press(key);
      expect(await dialog.evaluate((d) => d.contains(document.activeElement)), `${key} ×${i + 1} left the dialog for ${await focused(page)}`).toBe(true);
    }
  }
}

/** The ARIA tabs contract of one tablist: roving tabindex, arrows with wrap-around, Home/End, panel wiring. */
async function expectArrowTabs(page: Page, tablist: Locator) {
  const tabs = tablist.getByRole('tab');
  const count = await tabs.count();
  expect(count).toBeGreaterThan(1);
  // A click may send focus on (a terminal tab's click focuses its shell); the keys start from the focused tab.
  await tabs.first().click();
  await tabs.first().focus();
  const selected = () => tablist.locator('[role="tab"][aria-selected="true"]');
  const check = async (index: number) => {
    await expect(tabs.nth(index)).toHaveAttribute('aria-selected', 'true');
    await expect(tabs.nth(index)).toBeFocused();
    // Exactly one tab is in the Tab order: the selected one.
    await expect(tablist.locator('[role="tab"][tabindex="0"]')).toHaveCount(1);
    await expect(selected()).toHaveAttribute('tabindex', '0');
    const panelId = await tabs.nth(index).getAttribute('aria-controls');
    expect(panelId).toBeTruthy();
    const panel = page.locator(`[id="${panelId}"]`);
    await expect(panel).toHaveAttribute('role', 'tabpanel');
    await expect(panel).toHaveAttribute('aria-labelledby', (await tabs.nth(index).getAttribute('id'))!);
  };
  await check(0);
  await page.keyboard.press('ArrowRight');
  await check(1);
  await page.keyboard.press('End');
  await check(count - 1);
  await page.keyboard.press('ArrowRight');
  await check(0);
  await page.keyboard.press('ArrowLeft');
  await check(count - 1);
  await page.keyboard.press('Home');
  await check(0);
}

test('every dialog takes focus, keeps Tab inside, closes on Escape and gives focus back', async ({ page, webHost }) => {
  await openApps(page, webHost.url);

  // Import: opened from the list's button.
  const importButton = page.getByRole('button', { name: 'Import compose file…' });
  await importButton.click();
  const importDialog = page.getByRole('dialog', { name: 'Import a docker-compose file' });
  await expect(importDialog).toBeVisible();
  expect(await importDialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  await expectTabTrapped(page, importDialog);
  await page.keyboard.press('Escape');
  await expect(importDialog).toBeHidden();
  await expect(importButton).toBeFocused();

  // New destination: opened from the destination list of an app.
  await newApp(page, 'dialogs');
  const destination = page.getByLabel('Destination', { exact: true });
  await destination.focus();
  await destination.selectOption({ label: 'New destination…' });
  const destinationDialog = page.getByRole('dialog', { name: 'New destination' });
  await expect(destinationDialog).toBeVisible();
  expect(await destinationDialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  await expectTabTrapped(page, destinationDialog);
  await page.keyboard.press('Escape');
  await expect(destinationDialog).toBeHidden();
  await expect(destination).toBeFocused();

  // The server dialog is the same component.
  await mainNav(page).getByRole('button', { name: 'Servers' }).click();
  const addServer = page.getByRole('button', { name: 'Add server' });
  await addServer.click();
  const serverDialog = page.getByRole('dialog', { name: 'Add a server' });
  await expectTabTrapped(page, serverDialog, 15);
  await page.keyboard.press('Escape');
  await expect(serverDialog).toBeHidden();
  await expect(addServer).toBeFocused();
});

test('tabs follow the ARIA pattern: preview files, app views and terminals', async ({ page, webHost }) => {
  await openApps(page, webHost.url);
  await newApp(page, 'tabs');
  await expectArrowTabs(page, page.getByRole('tablist', { name: 'Preview files' }));
  await expectArrowTabs(page, page.getByRole('tablist', { name: 'App views' }));
  await page.getByRole('tablist', { name: 'App views' }).getByRole('tab', { name: 'Definition' }).click();

  await openLocalTerminal(page);
  await openLocalTerminal(page);
  const terminals = page.getByRole('tablist', { name: 'Terminals' });
  await expect(terminals.getByRole('tab')).toHaveCount(2);
  await expectArrowTabs(page, terminals);
  // Delete on a tab closes it (and its shell).
  await page.keyboard.press('Delete');
  await expect(terminals.getByRole('tab')).toHaveCount(1);
});

test('at 1024×700 the Apps page keeps a usable preview, a resizable remembered split, panels apart and room above the terminals', async ({ page, webHost }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await openApps(page, webHost.url);
  await newApp(page, 'layout', { docker: true });
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Saved', exact: true })).toBeVisible();

  const preview = page.locator('.apps-preview');
  const form = page.locator('.apps-form-pane');
  const width = async (l: Locator) => (await l.boundingBox())!.width;
  expect(await width(preview)).toBeGreaterThanOrEqual(340);
  // Every file tab, Diff included, can be reached inside the preview's width.
  const diffTab = page.getByRole('tab', { name: 'Diff' });
  await diffTab.scrollIntoViewIfNeeded();
  const diffBox = (await diffTab.boundingBox())!;
  const previewBox = (await preview.boundingBox())!;
  expect(diffBox.x + diffBox.width).toBeLessThanOrEqual(previewBox.x + previewBox.width + 1);

  // The handle, by keyboard: narrower form, within the form's minimum.
  const handle = page.getByRole('separator', { name: 'Resize the form and the preview' });
  const before = await width(form);
  await handle.focus();
  await page.keyboard.press('Home');
  expect(await width(form)).toBeLessThan(before);
  expect(await width(form)).toBeGreaterThanOrEqual(279);
  expect(await width(preview)).toBeGreaterThanOrEqual(340);

  // And by dragging, at 1440×900 where there is room: wider form, preview kept at its minimum or more.
  await page.setViewportSize({ width: 1440, height: 900 });
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 200);
  await page.mouse.down();
  await page.mouse.move(box.x + 200, box.y + 200, { steps: 5 });
  await page.mouse.up();
  const dragged = await width(form);
  expect(dragged).toBeGreaterThan(before + 100);
  expect(await width(preview)).toBeGreaterThanOrEqual(360);

  // Remembered across a reload.
  await page.reload();
  await mainNav(page).getByRole('button', { name: 'Apps' }).click();
  await page.getByRole('navigation', { name: 'Apps' }).getByRole('button', { name: /^layout\b/ }).click();
  await expect(page.getByRole('tab', { name: 'compose.yaml' })).toBeVisible();
  expect(Math.abs((await width(form)) - dragged)).toBeLessThanOrEqual(2);

  // An override's Reset stays in its panel, clear of the Problems text, at the small size.
  await page.setViewportSize({ width: 1024, height: 700 });
  // A compose key the definition has no field for stays an override (once the reopened app has rendered).
  await expect.poll(() => fileText(page, 'compose.yaml')).toContain('image: nginx');
  await goToLine(page, 'compose.yaml', 'image: nginx');
  await page.keyboard.type('oom_score_adj: 100');
  await page.keyboard.press('Enter');
  const overrides = page.getByRole('region', { name: 'Overrides' });
  await expect(overrides.getByRole('listitem')).toHaveCount(1);
  const reset = (await overrides.getByRole('button', { name: 'Reset' }).boundingBox())!;
  const problems = (await page.getByRole('region', { name: 'Problems' }).boundingBox())!;
  const overlaps = reset.x < problems.x + problems.width && problems.x < reset.x + reset.width && reset.y < problems.y + problems.height && problems.y < reset.y + reset.height;
  expect(overlaps, `Reset ${JSON.stringify(reset)} overlaps Problems ${JSON.stringify(problems)}`).toBe(false);
  await shot(page, 'layout-apps-1024');

  // With the terminals open the page above keeps most of the height.
  await mainNav(page).getByRole('button', { name: 'Terminals' }).click();
  const panel = page.getByRole('region', { name: 'Terminals' });
  await expect(panel).toBeVisible();
  expect((await panel.boundingBox())!.height).toBeLessThanOrEqual(700 * 0.4);
  expect((await page.locator('.apps-split').boundingBox())!.height).toBeGreaterThanOrEqual(250);
  await shot(page, 'layout-apps-terminal-1024');
});

test('an import with many findings keeps its action in view, folds the findings, and names compose.yaml after its folder', async ({ page, webHost }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await openApps(page, webHost.url);
  await page.getByRole('button', { name: 'Import compose file…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import a docker-compose file' });
  const form = dialog.getByRole('form', { name: 'Import docker-compose' });

  const service = (i: number) => [`  s${i}:`, '    image: nginx:1.27', '    privileged: true', '    network_mode: host', '    pid: host', '    cap_add: [SYS_ADMIN]'].join('\n');
  await form.getByLabel('…or paste it').fill(['services:', ...Array.from({ length: 15 }, (_, i) => service(i)), ''].join('\n'));
  await form.getByLabel('App name').fill('many');
  await form.getByRole('button', { name: 'Import' }).click();
  const open = form.getByRole('button', { name: 'Open many' });
  await expect(open).toBeVisible();
  await expect(open).toBeInViewport({ ratio: 1 });

  // Many findings start folded under their counts and open on a click; the action stays in view either way.
  const findings = form.getByRole('region', { name: 'Import findings' });
  const summary = findings.locator('summary');
  await expect(summary).toHaveText(/^\d+ findings: /);
  await expect(findings.getByRole('listitem').first()).toBeHidden();
  await summary.click();
  await expect(findings.getByRole('listitem').first()).toBeVisible();
  expect(await findings.getByRole('listitem').count()).toBeGreaterThan(6);
  await expect(open).toBeInViewport({ ratio: 1 });
  await shot(page, 'import-many-findings-1024');
  await summary.click();
  await expect(findings.getByRole('listitem').first()).toBeHidden();
  await page.keyboard.press('Escape');

  // compose.yaml picked as a file: the browser does not say its folder, and the dialog says why no name is offered.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-e2e-import-'));
  try {
    await fs.mkdir(path.join(dir, 'folder-named-app'));
    await fs.writeFile(path.join(dir, 'folder-named-app', 'compose.yaml'), 'services:\n  web:\n    image: nginx:1.27\n');
    await page.getByRole('button', { name: 'Import compose file…' }).click();
    await form.getByLabel('Choose a file').setInputFiles(path.join(dir, 'folder-named-app', 'compose.yaml'));
    await expect(form.getByLabel('App name')).toHaveValue('');
    await expect(form.getByLabel('App name')).toHaveAccessibleDescription(/only the file name \(compose\.yaml\).*"app".*choose the folder/);

    // Its folder picked: the folder names the app.
    await form.getByLabel('…or choose its folder').setInputFiles(path.join(dir, 'folder-named-app'));
    await expect(form.getByLabel('App name')).toHaveValue('folder-named-app');
    await expect(form.getByLabel('…or paste it')).toHaveValue(/image: nginx:1\.27/);
    await form.getByRole('button', { name: 'Import' }).click();
    await expect(form.getByRole('button', { name: 'Open folder-named-app' })).toBeVisible();
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('the editor loads again without errors after leaving the Apps page with a JSON file open', async ({ page, webHost }) => {
  // The fixture fails this on any uncaught error or console error ("depends on UNKNOWN service ICodeLensCache" was one).
  await openApps(page, webHost.url);
  await newApp(page, 'monaco-twice', { docker: true });
  await page.getByRole('button', { name: 'Add route' }).click();
  const caddy = page.getByRole('tab', { name: 'caddy.json' });
  await caddy.click();
  await expect.poll(() => page.evaluate(() => window.__berthEditors?.text('caddy.json') ?? null)).toContain('app.example.com');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Saved', exact: true })).toBeVisible();
  for (let i = 0; i < 2; i++) {
    await mainNav(page).getByRole('button', { name: 'Servers' }).click();
    await mainNav(page).getByRole('button', { name: 'Apps' }).click();
    await page.getByRole('navigation', { name: 'Apps' }).getByRole('button', { name: /^monaco-twice\b/ }).click();
    await page.getByRole('tab', { name: 'caddy.json' }).click();
    await expect(page.getByTestId('code-editor')).toHaveAttribute('data-active-file', 'caddy.json');
    await page.getByRole('tab', { name: 'Diff' }).click();
    await expect(page.getByTestId('diff-editor').or(page.getByText(/Not deployed yet/))).toBeVisible();
  }
});

test('the app icon is served and linked, with no 404 for /favicon.ico', async ({ page, webHost }) => {
  await page.goto(webHost.url);
  const ico = await page.request.get(`http://127.0.0.1:${webHost.port}/favicon.ico`);
  expect(ico.status()).toBe(200);
  expect(ico.headers()['content-type']).toBe('image/svg+xml');
  const href = await page.locator('link[rel="icon"]').getAttribute('href');
  expect(href).toBeTruthy();
  const linked = await page.request.get(new URL(href!, page.url()).toString());
  expect(linked.status()).toBe(200);
  expect(await linked.text()).toContain('<svg');
});

test('labels show in full: the publish placeholder, long variable names, the import button', async ({ page, webHost }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await openApps(page, webHost.url);
  await newApp(page, 'labels', { docker: true });
  // A placeholder is not measured by scrollWidth: compare its drawn width with the room inside the input.
  const placeholderFits = (input: Locator) => input.evaluate((el: HTMLInputElement) => {
    const style = getComputedStyle(el);
    const ctx = document.createElement('canvas').getContext('2d')!;
    ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return ctx.measureText(el.placeholder).width <= room + 0.5;
  });
  expect(await placeholderFits(page.getByLabel('Publish on host'))).toBe(true);

  await page.getByRole('button', { name: 'Add variable' }).first().click();
  const variable = page.getByLabel('Variable name').last();
  await variable.fill('MYSQL_ROOT_PASSWORD_FILE');
  await variable.blur();
  const name = page.getByLabel('Variable name').last();
  await expect(name).toHaveValue('MYSQL_ROOT_PASSWORD_FILE');
  expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);

  const importButton = page.getByRole('button', { name: 'Import compose file…' });
  expect(await importButton.evaluate((el) => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight + 1)).toBe(true);
});

test('terminal search counts matches and steps to the next and previous one', async ({ page, webHost }) => {
  await page.goto(webHost.url);
  await openLocalTerminal(page);
  // The command line itself does not contain the word: only the three lines it prints match.
  await typeInTerminal(page, 'for i in 1 2 3; do echo ne""edle; done');
  await expect.poll(async () => ((await page.locator('.terminal-view:not([hidden]) .xterm-rows').innerText()).match(/needle/g) ?? []).length).toBe(3);

  const search = page.getByRole('search', { name: 'Find in terminal' });
  const count = search.getByRole('status');
  await search.getByLabel('Find in terminal').fill('needle');
  await expect(count).toHaveText(/^[123] of 3$/);
  const index = async () => Number(/^(\d) of 3$/.exec((await count.textContent()) ?? '')?.[1]);
  const first = await index();
  await search.getByRole('button', { name: 'Next match' }).click();
  await expect.poll(index).toBe((first % 3) + 1);
  await search.getByRole('button', { name: 'Previous match' }).click();
  await expect.poll(index).toBe(first);
  // Enter and Shift+Enter in the box do the same.
  await search.getByLabel('Find in terminal').press('Enter');
  await expect.poll(index).toBe((first % 3) + 1);
  await search.getByLabel('Find in terminal').press('Shift+Enter');
  await expect.poll(index).toBe(first);

  await search.getByLabel('Find in terminal').fill('no-such-text-here');
  await expect(count).toHaveText('No matches');
  await shot(page, 'terminal-search');
});
