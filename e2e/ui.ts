import type { Page } from '@playwright/test';
import { expect } from './fixtures';

/** Steps through the UI that several specs share. */
export const mainNav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

/** Loads Berth (which starts on the Overview) and goes to the Servers page, with This computer listed. */
export async function openServers(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await mainNav(page).getByRole('button', { name: 'Servers' }).click();
  await expect(page.getByRole('article', { name: 'This computer' })).toBeVisible();
}

export async function openApps(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await mainNav(page).getByRole('button', { name: 'Apps' }).click();
  await expect(page.getByRole('navigation', { name: 'Apps' })).toBeVisible();
}

/**
 * A new app from the list's "New app", open in the editor with its preview rendered, on whatever destination is
 * picked (specs before may have saved others: `docker` makes and picks a Docker one on this computer first).
 */
export async function newApp(page: Page, name: string, options: { docker?: boolean } = {}): Promise<void> {
  await page.getByLabel('New app name').fill(name);
  await page.getByRole('button', { name: 'New app' }).click();
  await expect(page.getByRole('tab', { name: 'berth.yaml' })).toBeVisible();
  if (options.docker) {
    await page.getByLabel('Destination', { exact: true }).selectOption({ label: 'New destination…' });
    const dialog = page.getByRole('dialog', { name: 'New destination' });
    await dialog.getByLabel('Name', { exact: true }).fill(`${name}-docker`);
    await dialog.getByRole('button', { name: 'Save destination' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('tab', { name: 'compose.yaml' })).toBeVisible();
    await expect.poll(() => fileText(page, 'compose.yaml')).toContain('services:');
  }
  await expect.poll(() => fileText(page, 'berth.yaml')).toContain(`name: ${name}`);
}

/** The full text of a preview file, read from its Monaco model (the DOM shows only the visible lines). */
export const fileText = (page: Page, path: string) => page.evaluate((p) => window.__berthEditors?.text(p) ?? null, path);

/** Which element has focus, described by its role and accessible name as far as the DOM tells. */
export const focused = (page: Page) => page.evaluate(() => {
  const el = document.activeElement as HTMLElement | null;
  return el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} ${el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? ''}` : '';
});

/** Opens a shell on this computer from the Servers page and waits for its prompt. */
export async function openLocalTerminal(page: Page): Promise<void> {
  await mainNav(page).getByRole('button', { name: 'Servers' }).click();
  await page.getByRole('article', { name: 'This computer' }).getByRole('button', { name: 'Terminal' }).click();
  await expect.poll(async () => /[$#%>] ?$/m.test((await page.locator('.terminal-view:not([hidden]) .xterm-rows').innerText()).trimEnd())).toBe(true);
}

export async function typeInTerminal(page: Page, line: string): Promise<void> {
  await page.locator('.terminal-view:not([hidden]) .terminal-screen').click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/** Puts the cursor at the start of the first line containing `needle`, counting lines from the model. */
export async function goToLine(page: Page, path: string, needle: string): Promise<number> {
  const text = (await fileText(page, path)) ?? '';
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  expect(index, `${needle} in ${path}`).toBeGreaterThanOrEqual(0);
  await page.locator('.apps-editor-slot .monaco-editor .view-lines').click();
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Home');
  return index + 1;
}

/**
 * One API call as the page makes it: a WebSocket of its own to the web host,
 * with the tab's token. Used to set up servers, destinations and apps the
 * way the UI would save them; everything under test is driven through the UI.
 */
export async function call<T = unknown>(page: Page, method: string, input: unknown): Promise<T> {
  return page.evaluate(
    ({ method, input }) =>
      new Promise<T>((resolve, reject) => {
        const token = sessionStorage.getItem('berth.token') ?? '';
        const ws = new WebSocket(`ws://${location.host}/api`, ['berth.v1', `berth.token.${token}`]);
        ws.onopen = () => ws.send(JSON.stringify({ type: 'call', id: 1, method, input }));
        ws.onmessage = (ev: MessageEvent) => {
          if (typeof ev.data !== 'string') return;
          const msg = JSON.parse(ev.data) as { type: string; id?: number; ok?: boolean; result?: T; error?: { message: string } };
          if (msg.type !== 'result' || msg.id !== 1) return;
          ws.close();
          if (msg.ok) resolve(msg.result as T);
          else reject(new Error(msg.error?.message));
        };
        ws.onerror = () => reject(new Error(`${method}: the WebSocket failed`));
      }),
    { method, input },
  );
}

/** The two sizes every main screen is looked at in: a laptop and a small window. */
export const SCREEN_SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
] as const;

/** Saves e2e/screenshots/<name>-1440.png and -1024.png, then gives the page back the size it had. */
export async function shotsAtBothSizes(page: Page, name: string): Promise<void> {
  const before = page.viewportSize();
  for (const size of SCREEN_SIZES) {
    await page.setViewportSize(size);
    await page.screenshot({ path: `e2e/screenshots/${name}-${size.width}.png` });
  }
  if (before) await page.setViewportSize(before);
}

/** Whether a process of this machine still runs (a shell behind a terminal tab, say). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
