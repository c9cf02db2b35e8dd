import type { Locator, Page } from '@playwright/test';
import { SHORTCUTS } from '../renderer/src/features/palette/shortcuts';
import type { SshdHandle } from '../test/support/sshd.js';
import { expectAccessible } from './a11y';
import { expect, test } from './fixtures';
import { call, mainNav, newApp, openApps, openLocalTerminal, SCREEN_SIZES, shotsAtBothSizes, typeInTerminal } from './ui';

// Names no other spec uses: the web host (and its saved servers, apps, destinations) is shared by the worker's specs.
const SERVER = 'pal-box';
const APP = 'pal-shop';
const DESTINATION = 'pal-dest';

/** A server, an app and a Docker destination to find; the destination's socket does not exist, so plans fail fast. */
async function seed(page: Page, sshd: SshdHandle) {
  const servers = await call<{ name: string }[]>(page, 'servers.list', {});
  if (!servers.some((s) => s.name === SERVER)) {
    await call(page, 'servers.add', { name: SERVER, host: sshd.host, port: sshd.port, user: sshd.user, auth: { method: 'key', keyPath: sshd.clientKeyPath }, proxyJump: [] });
  }
  const destinations = await call<{ name: string }[]>(page, 'destinations.list', {});
  if (!destinations.some((d) => d.name === DESTINATION)) {
    await call(page, 'destinations.save', { destination: { type: 'docker', name: DESTINATION, server: 'local', dockerSocket: '/nonexistent/berth-e2e-palette/docker.sock' } });
  }
  const apps = await call<{ name: string }[]>(page, 'apps.list', {});
  if (!apps.some((a) => a.name === APP)) {
    await call(page, 'apps.save', { app: { apiVersion: 'berth.dev/v1', kind: 'App', name: APP, services: { web: { image: 'nginx:1.27', ports: [{ port: 80 }] } } } });
  }
}

const palette = (page: Page) => page.getByRole('dialog', { name: 'Command palette' });
const searchField = (page: Page) => palette(page).getByRole('combobox', { name: 'Search commands' });
const sheet = (page: Page) => page.getByRole('dialog', { name: 'Keyboard shortcuts' });
const viewTab = (page: Page, name: string) => page.getByRole('tablist', { name: 'App views' }).getByRole('tab', { name });

/** Ctrl-K, the query typed, and the highlighted option checked before Enter runs it. */
async function runFromPalette(page: Page, query: string, expected: RegExp) {
  await page.keyboard.press('Control+k');
  await expect(searchField(page)).toBeFocused();
  await searchField(page).fill(query);
  await expect(palette(page).locator('[role="option"][aria-selected="true"]')).toHaveText(expected);
  await page.keyboard.press('Enter');
  await expect(palette(page)).toBeHidden();
}

/** The option aria-activedescendant points at, which must be the one marked selected. */
async function activeOption(field: Locator): Promise<string> {
  const id = await field.getAttribute('aria-activedescendant');
  expect(id).toBeTruthy();
  const option = field.page().locator(`[id="${id}"]`);
  await expect(option).toHaveAttribute('aria-selected', 'true');
  return (await option.textContent()) ?? '';
}

const appInList = (page: Page) => page.getByRole('navigation', { name: 'Apps' }).getByRole('button', { name: new RegExp(`^${APP}\\b`) });

async function openSavedApp(page: Page, url: string) {
  await openApps(page, url);
  await appInList(page).click();
  await expect(page.getByRole('heading', { level: 1, name: APP })).toBeVisible();
  await page.getByLabel('Destination', { exact: true }).selectOption(DESTINATION);
  await expect(page.getByRole('tab', { name: 'compose.yaml' })).toBeVisible();
}

test('Ctrl-K opens the palette; typing filters and ranks; the arrows and Enter go to a server, an app and a destination', async ({ page, webHost, sshd }) => {
  await page.setViewportSize(SCREEN_SIZES[0]);
  await page.goto(webHost.url);
  await seed(page, sshd);

  await page.keyboard.press('Control+k');
  await expect(palette(page)).toBeVisible();
  await expect(searchField(page)).toBeFocused();
  await expect(searchField(page)).toHaveAttribute('aria-expanded', 'true');
  const listbox = palette(page).getByRole('listbox', { name: 'Commands' });
  await expect(searchField(page)).toHaveAttribute('aria-controls', (await listbox.getAttribute('id'))!);
  for (const group of ['Go to', 'Servers', 'Apps', 'Destinations', 'Actions']) await expect(listbox.getByRole('group', { name: group })).toBeVisible();

  // Typing filters: only what holds "pal-", each group's prefix matches in order.
  await searchField(page).fill('pal-');
  const options = listbox.getByRole('option');
  await expect(options).toHaveText([new RegExp(`^${SERVER}`), new RegExp(`^Open terminal on ${SERVER}`), new RegExp(`^${APP}`), new RegExp(`^${DESTINATION}`)]);
  expect(await activeOption(searchField(page))).toMatch(new RegExp(`^${SERVER}`));
  await page.keyboard.press('ArrowDown');
  expect(await activeOption(searchField(page))).toMatch(/^Open terminal on/);
  // Up from the second goes back to the first, and once more wraps round to the last.
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  expect(await activeOption(searchField(page))).toMatch(new RegExp(`^${DESTINATION}`));
  // A word of the label starting with the query ranks above anything found only in details or keywords.
  await searchField(page).fill('term');
  expect(await activeOption(searchField(page))).toMatch(/^Open terminal on This computer/);
  await searchField(page).fill('zzzz-nothing');
  await expect(palette(page).getByText('Nothing matches “zzzz-nothing”')).toBeVisible();
  await expect(options).toHaveCount(0);

  // Escape closes; Ctrl-K again toggles it open and shut.
  await page.keyboard.press('Escape');
  await expect(palette(page)).toBeHidden();
  await page.keyboard.press('Control+k');
  await expect(palette(page)).toBeVisible();
  await page.keyboard.press('Control+k');
  await expect(palette(page)).toBeHidden();

  // A server: the Servers page, its row in view with focus on its first action.
  await runFromPalette(page, SERVER, new RegExp(`^${SERVER}`));
  await expect(page.getByRole('heading', { level: 1, name: 'Servers' })).toBeVisible();
  const row = page.getByRole('article', { name: SERVER });
  await expect(row).toBeInViewport();
  await expect.poll(() => row.evaluate((el) => el.contains(document.activeElement))).toBe(true);

  // An app: opened in the editor.
  await runFromPalette(page, APP, new RegExp(`^${APP}`));
  await expect(page.getByRole('heading', { level: 1, name: APP })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'berth.yaml' })).toBeVisible();

  // A destination: picked for the open app, focus on the picker.
  await runFromPalette(page, DESTINATION, new RegExp(`^${DESTINATION}`));
  const picker = page.getByLabel('Destination', { exact: true });
  await expect(picker).toHaveValue(DESTINATION);
  await expect(picker).toBeFocused();

  // Going to the same page by name.
  await runFromPalette(page, 'clusters', /^Clusters/);
  await expect(page.getByRole('heading', { level: 1, name: 'Clusters' })).toBeVisible();

  await page.keyboard.press('Control+k');
  await expect(palette(page).getByRole('option', { name: new RegExp(`^Render ${APP}`) })).toBeVisible();
  await shotsAtBothSizes(page, 'palette');
  await page.keyboard.press('Escape');
});

test('the palette opens a terminal on This computer, the add-server dialog and the import dialog', async ({ page, webHost, sshd }) => {
  await page.goto(webHost.url);
  await seed(page, sshd);
  // A destination picked while no app is open: the Apps page says so, and the app opened next previews there.
  await runFromPalette(page, DESTINATION, new RegExp(`^${DESTINATION}`));
  await expect(page.getByText(`Destination ${DESTINATION} is picked`)).toBeVisible();
  await appInList(page).click();
  await expect(page.getByLabel('Destination', { exact: true })).toHaveValue(DESTINATION);

  await runFromPalette(page, 'terminal this', /^Open terminal on This computer/);
  const tab = page.getByRole('tablist', { name: 'Terminals' }).getByRole('tab', { name: /This computer/ });
  await expect(tab).toHaveCount(1);
  await expect.poll(async () => /[$#%>] ?$/m.test((await page.locator('.terminal-view:not([hidden]) .xterm-rows').innerText()).trimEnd())).toBe(true);

  await runFromPalette(page, 'add server', /^Add server/);
  const addDialog = page.getByRole('dialog', { name: 'Add a server' });
  await expect(addDialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(addDialog).toBeHidden();

  await runFromPalette(page, 'import compose', /^Import a docker-compose file/);
  const importDialog = page.getByRole('dialog', { name: 'Import a docker-compose file' });
  await expect(importDialog).toBeVisible();
  await expect(importDialog.getByRole('form', { name: 'Import docker-compose' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(importDialog).toBeHidden();
});

test('Render and Deploy act on the open app; Ctrl-K works from inside the editor', async ({ page, webHost, sshd }) => {
  await page.goto(webHost.url);
  await seed(page, sshd);
  await openSavedApp(page, webHost.url);

  // Render from another view: the Definition view again, focus on the rendered file's tab.
  await viewTab(page, 'Deploys').click();
  await expect(viewTab(page, 'Deploys')).toHaveAttribute('aria-selected', 'true');
  await runFromPalette(page, 'render', new RegExp(`^Render ${APP}`));
  await expect(viewTab(page, 'Definition')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tablist', { name: 'Preview files' }).getByRole('tab', { selected: true })).toBeFocused();

  // Ctrl-K from inside Monaco (whose own Ctrl-K starts a chord); Escape gives focus back to the editor.
  await page.getByRole('tab', { name: 'compose.yaml' }).click();
  await page.locator('.apps-editor-slot .monaco-editor .view-lines').click();
  await expect.poll(() => page.evaluate(() => Boolean(document.activeElement?.closest('.monaco-editor')))).toBe(true);
  await page.keyboard.press('Control+k');
  await expect(palette(page)).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(palette(page)).toBeHidden();
  await expect.poll(() => page.evaluate(() => Boolean(document.activeElement?.closest('.monaco-editor')))).toBe(true);

  // Deploy: the plan dialog for the open app and its destination (this plan fails: the socket does not exist).
  await runFromPalette(page, 'deploy', new RegExp(`^Deploy ${APP}… to ${DESTINATION}`));
  const plan = page.getByRole('dialog', { name: `Deploy ${APP} to ${DESTINATION}` });
  await expect(plan).toBeVisible();
  await expect(plan.getByText('Reading the server and making the plan.')).toHaveCount(0, { timeout: 60_000 });
  await page.keyboard.press('Escape');
  await expect(plan).toBeHidden();

  // An app never saved cannot be deployed: the option says why and Enter does nothing.
  await newApp(page, 'pal-unsaved');
  await page.keyboard.press('Control+k');
  await searchField(page).fill('deploy');
  const deploy = palette(page).getByRole('option', { name: /^Deploy pal-unsaved…/ });
  await expect(deploy).toHaveAttribute('aria-disabled', 'true');
  await expect(deploy).toContainText('Save the app first');
  await page.keyboard.press('Enter');
  await expect(palette(page)).toBeVisible();
  await expect(page.getByRole('dialog', { name: /^Deploy pal-unsaved/ })).toHaveCount(0);
  await page.keyboard.press('Escape');
});

test('Ctrl-K works while focus is in a terminal, and the shell never gets the key', async ({ page, webHost }) => {
  await page.goto(webHost.url);
  await openLocalTerminal(page);
  const screen = () => page.locator('.terminal-view:not([hidden]) .xterm-rows').innerText();
  await page.locator('.terminal-view:not([hidden]) .terminal-screen').click();
  await page.keyboard.type('echo kept-$((40+2))');
  // Cursor to the start of the line: a ^K reaching the shell now would kill the whole line.
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Control+k');
  await expect(palette(page)).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(palette(page)).toBeHidden();
  await expect.poll(() => page.evaluate(() => Boolean(document.activeElement?.closest('.xterm')))).toBe(true);
  await page.keyboard.press('Control+e');
  await page.keyboard.press('Enter');
  await expect.poll(screen).toMatch(/^kept-42$/m);

  // ? is typed into the shell, not taken for the shortcuts sheet.
  await typeInTerminal(page, "echo 'q?mark'");
  await expect.poll(screen).toMatch(/^q\?mark$/m);
  await expect(sheet(page)).toHaveCount(0);
});

test('? opens the shortcuts sheet (not while typing in a field), and so does the palette', async ({ page, webHost }) => {
  await page.setViewportSize(SCREEN_SIZES[0]);
  await page.goto(webHost.url);
  await page.keyboard.press('?');
  await expect(sheet(page)).toBeVisible();
  // The sheet is the table the keyboard hook uses, row for row.
  const rows = sheet(page).locator('[data-shortcut]');
  await expect(rows).toHaveCount(SHORTCUTS.length);
  const shown = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-shortcut')));
  expect(shown.sort()).toEqual(SHORTCUTS.map((s) => s.id).sort());
  for (const s of SHORTCUTS) await expect(sheet(page).locator(`[data-shortcut="${s.id}"]`)).toContainText(s.does);
  await shotsAtBothSizes(page, 'shortcuts');
  // ? again, or Escape, closes it.
  await page.keyboard.press('?');
  await expect(sheet(page)).toBeHidden();

  await openApps(page, webHost.url);
  const name = page.getByLabel('New app name');
  await name.click();
  await page.keyboard.type('a?b');
  await expect(name).toHaveValue('a?b');
  await expect(sheet(page)).toHaveCount(0);

  await runFromPalette(page, 'shortcuts', /^Keyboard shortcuts/);
  await expect(sheet(page)).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(sheet(page)).toBeHidden();
});

test('every shortcut the sheet lists does what it says', async ({ page, webHost }) => {
  await page.goto(webHost.url);
  await openApps(page, webHost.url);
  await newApp(page, 'pal-keys');
  await openLocalTerminal(page);
  await typeInTerminal(page, 'echo find-me find-me');
  await mainNav(page).getByRole('button', { name: 'Apps' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'pal-keys' })).toBeVisible();

  const checks: Record<string, () => Promise<void>> = {
    palette: async () => {
      for (const key of ['Control+k', 'Meta+k']) {
        await page.keyboard.press(key);
        await expect(palette(page)).toBeVisible();
        await page.keyboard.press(key);
        await expect(palette(page)).toBeHidden();
      }
    },
    shortcuts: async () => {
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.keyboard.press('?');
      await expect(sheet(page)).toBeVisible();
      await page.keyboard.press('?');
      await expect(sheet(page)).toBeHidden();
    },
    escape: async () => {
      await page.keyboard.press('Control+k');
      await page.keyboard.press('Escape');
      await expect(palette(page)).toBeHidden();
      await page.getByRole('button', { name: 'Import compose file…' }).click();
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog', { name: 'Import a docker-compose file' })).toBeHidden();
    },
    'palette-move': async () => {
      await page.keyboard.press('Control+k');
      const first = await activeOption(searchField(page));
      await page.keyboard.press('ArrowDown');
      expect(await activeOption(searchField(page))).not.toBe(first);
      await page.keyboard.press('ArrowUp');
      expect(await activeOption(searchField(page))).toBe(first);
      await page.keyboard.press('Escape');
    },
    'palette-run': async () => {
      await page.keyboard.press('Control+k');
      await searchField(page).fill('go to servers');
      await page.keyboard.press('Enter');
      await expect(page.getByRole('heading', { level: 1, name: 'Servers' })).toBeVisible();
      await mainNav(page).getByRole('button', { name: 'Apps' }).click();
    },
    'tabs-move': async () => {
      await viewTab(page, 'Definition').click();
      await page.keyboard.press('ArrowRight');
      await expect(viewTab(page, 'Deploys')).toBeFocused();
      await expect(viewTab(page, 'Deploys')).toHaveAttribute('aria-selected', 'true');
      await page.keyboard.press('ArrowLeft');
      await expect(viewTab(page, 'Definition')).toHaveAttribute('aria-selected', 'true');
    },
    'tabs-ends': async () => {
      await viewTab(page, 'Definition').focus();
      await page.keyboard.press('End');
      await expect(viewTab(page, 'Status')).toHaveAttribute('aria-selected', 'true');
      await page.keyboard.press('Home');
      await expect(viewTab(page, 'Definition')).toHaveAttribute('aria-selected', 'true');
    },
    'terminal-find-next': async () => {
      const find = page.getByRole('search', { name: 'Find in terminal' }).getByRole('textbox');
      const count = page.getByRole('search', { name: 'Find in terminal' }).getByRole('status');
      await find.fill('find-me');
      await expect(count).toHaveText(/^\d of [3-9]$/);
      const at = async () => Number((await count.textContent())!.split(' of ')[0]);
      const before = await at();
      await find.press('Enter');
      await expect.poll(at).not.toBe(before);
      await find.press('Shift+Enter');
      await expect.poll(at).toBe(before);
    },
    'terminal-find-clear': async () => {
      const find = page.getByRole('search', { name: 'Find in terminal' }).getByRole('textbox');
      await find.fill('find-me');
      await find.press('Escape');
      await expect(find).toHaveValue('');
    },
    'terminal-close': async () => {
      const tabs = page.getByRole('tablist', { name: 'Terminals' }).getByRole('tab');
      const before = await tabs.count();
      await tabs.last().focus();
      await page.keyboard.press('Delete');
      await expect(tabs).toHaveCount(before - 1);
    },
    'editor-find': async () => {
      await page.locator('.apps-editor-slot .monaco-editor .view-lines').click();
      await page.keyboard.press('Control+f');
      await expect(page.locator('.apps-editor-slot .monaco-editor .find-widget.visible')).toBeVisible();
      await page.keyboard.press('Escape');
    },
    'resize-split': async () => {
      const handle = page.getByRole('separator', { name: 'Resize the form and the preview' });
      await handle.focus();
      const now = async () => Number(await handle.getAttribute('aria-valuenow'));
      const start = await now();
      await page.keyboard.press('ArrowLeft');
      await expect.poll(now).toBeLessThan(start);
      await page.keyboard.press('End');
      await expect.poll(now).toBeGreaterThan(start);
      const end = await now();
      await page.keyboard.press('Home');
      await expect.poll(now).toBeLessThan(end);
    },
    'resize-terminals': async () => {
      await openLocalTerminal(page);
      const handle = page.getByRole('separator', { name: 'Resize terminals' });
      await handle.focus();
      const now = async () => Number(await handle.getAttribute('aria-valuenow'));
      const start = await now();
      await page.keyboard.press('ArrowDown');
      await expect.poll(now).toBeLessThan(start);
      await page.keyboard.press('ArrowUp');
      await expect.poll(now).toBe(start);
      await mainNav(page).getByRole('button', { name: 'Apps' }).click();
    },
  };
  // A shortcut added to the table without a check here fails this test.
  expect(Object.keys(checks).sort()).toEqual(SHORTCUTS.map((s) => s.id).sort());
  // In this order: the terminal is closed last of the terminal checks.
  for (const [id, check] of Object.entries(checks)) await test.step(id, check);
});

test('the theme switch sets the scheme, is remembered over a reload, and follows the system when asked', async ({ page, webHost, sshd }) => {
  await page.setViewportSize(SCREEN_SIZES[0]);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(webHost.url);
  await seed(page, sshd);
  const html = page.locator('html');
  const theme = mainNav(page).getByRole('radiogroup', { name: 'Theme' });
  await expect(theme.getByRole('radio', { name: 'System' })).toBeChecked();
  await expect(html).toHaveAttribute('data-theme', 'light');

  // By keyboard: the radios take the arrows.
  await theme.getByRole('radio', { name: 'System' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(theme.getByRole('radio', { name: 'Light' })).toBeChecked();
  await expect(html).toHaveAttribute('data-theme', 'light');
  await theme.getByText('Dark', { exact: true }).click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(theme.getByRole('radio', { name: 'Dark' })).toBeChecked();

  // Dark on every main screen, readable (axe checks contrast) and as screenshots.
  await mainNav(page).getByRole('button', { name: 'Servers' }).click();
  await expect(page.locator('.server').first()).toContainText('This computer');
  await expectAccessible(page, 'servers (dark)');
  await shotsAtBothSizes(page, 'dark-servers');
  await mainNav(page).getByRole('button', { name: 'Clusters' }).click();
  await expect(page.getByRole('heading', { name: 'Clusters', level: 1 })).toBeVisible();
  await expectAccessible(page, 'clusters (dark)');
  await openSavedApp(page, webHost.url);
  await expect(page.locator('.apps-editor-slot .monaco-editor').first()).toHaveClass(/vs-dark/);
  await expectAccessible(page, 'apps (dark)');
  await openLocalTerminal(page);
  await mainNav(page).getByRole('button', { name: 'Apps' }).click();
  await expect(page.getByRole('heading', { level: 1, name: APP })).toBeVisible();
  // The terminal's own theme (its text colour) and the space around its rows follow too.
  await expect(page.locator('.terminal-view:not([hidden]) .xterm-rows')).toHaveCSS('color', 'rgb(216, 220, 227)');
  await expect(page.locator('.terminal-view:not([hidden]) .xterm-viewport')).toHaveCSS('background-color', 'rgb(17, 19, 24)');
  await shotsAtBothSizes(page, 'dark-apps');
  await page.keyboard.press('Control+k');
  await shotsAtBothSizes(page, 'dark-palette');
  await page.keyboard.press('Escape');

  // The palette's theme commands; System follows what the OS says, now and when it changes.
  await runFromPalette(page, 'theme light', /^Theme: Light/);
  await expect(html).toHaveAttribute('data-theme', 'light');
  expect(await page.evaluate(() => localStorage.getItem('berth.theme'))).toBe('light');
  await runFromPalette(page, 'theme system', /^Theme: System/);
  expect(await page.evaluate(() => localStorage.getItem('berth.theme'))).toBeNull();
  await expect(html).toHaveAttribute('data-theme', 'light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(theme.getByRole('radio', { name: 'System' })).toBeChecked();
});
