import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { startSshd } from '../test/support/sshd.js';
import { expect, test } from './fixtures';
import { call, mainNav, openLocalTerminal, openServers, processAlive, typeInTerminal } from './ui';
import { startWebHostProcess } from './web-host-process';

/** Text of the visible terminal, row by row, as xterm's DOM renderer draws it. */
const screenText = (page: Page) => page.locator('.terminal-view:not([hidden]) .xterm-rows').innerText();
const terminalTabs = (page: Page) => page.getByRole('tablist', { name: 'Terminals' }).getByRole('tab');
/** A terminal tab by its name; its accessible name starts with its state ("open restore-ssh"). */
const terminalTab = (page: Page, name: string) => terminalTabs(page).filter({ hasText: new RegExp(`^${name.replace(/[()]/g, '\\$&')}$`) });
const waitForPrompt = (page: Page) => expect.poll(async () => /[$#%>] ?$/m.test((await screenText(page)).trimEnd())).toBe(true);

/**
 * Prints the shell's pid after `marker`, computed by the shell so the echoed command line cannot match; returns the pid.
 * `n` makes the marker's value unique to the tab, so one tab's output showing in another would be seen.
 */
async function pidWithMarker(page: Page, marker: string, n: number): Promise<number> {
  await typeInTerminal(page, `echo ${marker}-$((${n}+0)) pid=$$=`);
  const pattern = new RegExp(`${marker}-${n} pid=(\\d+)=`);
  await expect.poll(() => screenText(page)).toMatch(pattern);
  return Number(pattern.exec(await screenText(page))![1]);
}

const shots = async (page: Page, name: string) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: `e2e/screenshots/${name}-1440.png` });
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.screenshot({ path: `e2e/screenshots/${name}-1024.png` });
};

test('a reload brings back two SSH shells and a local one, in order, each with its own scrollback and its same shell', async ({ page, webHost }) => {
  // An sshd of this test's own: the worker's is restarted with a new host key by another spec.
  const sshd = await startSshd();
  let added: { id: string } | undefined;
  try {
    // Trusted as a user who checked the key would have it: a line in Berth's known_hosts.
    await fs.appendFile(path.join(webHost.dataDir, 'known_hosts'), `[${sshd.host}]:${sshd.port} ${sshd.hostPublicKey}\n`);
    await page.goto(webHost.url);
    added = await call<{ id: string }>(page, 'servers.add', { name: 'restore-ssh', host: sshd.host, port: sshd.port, user: sshd.user, auth: { method: 'key', keyPath: sshd.clientKeyPath }, proxyJump: [] });
    await openServers(page, `http://127.0.0.1:${webHost.port}/`);
    const sshRow = page.getByRole('article', { name: 'restore-ssh' });

    const shells = [
      { tab: 'restore-ssh', marker: 'first', n: 101 },
      { tab: 'restore-ssh (2)', marker: 'second', n: 202 },
      { tab: 'This computer', marker: 'local', n: 303 },
    ];
    const pids: number[] = [];
    for (const shell of shells) {
      const row = shell.tab === 'This computer' ? page.getByRole('article', { name: 'This computer' }) : sshRow;
      await row.getByRole('button', { name: 'Terminal' }).click();
      await expect(terminalTab(page, shell.tab)).toHaveAttribute('aria-selected', 'true', { timeout: 60_000 });
      await waitForPrompt(page);
      pids.push(await pidWithMarker(page, shell.marker, shell.n));
    }
    expect(new Set(pids).size).toBe(3);
    // Neither the first tab (what a fresh list would select) nor the last (restore's fallback).
    await terminalTab(page, 'restore-ssh (2)').click();

    await page.reload();
    await expect(terminalTabs(page)).toHaveText(shells.map((s) => s.tab));
    await expect(terminalTab(page, 'restore-ssh (2)')).toHaveAttribute('aria-selected', 'true');
    await expect.poll(() => screenText(page)).toMatch(/second-202 pid=\d+=/);
    await shots(page, 'terminal-restore');

    for (const [i, shell] of shells.entries()) {
      await terminalTab(page, shell.tab).click();
      await expect.poll(() => screenText(page)).toContain(`${shell.marker}-${shell.n} pid=${pids[i]}=`);
      // Its own scrollback only: no other tab's output replayed into it.
      for (const other of shells.filter((s) => s !== shell)) expect(await screenText(page)).not.toContain(`${other.marker}-${other.n}`);
      // Reattached, not replayed only: the same shell answers.
      expect(await pidWithMarker(page, `again-${shell.marker}`, shell.n + 1)).toBe(pids[i]);
    }
    // From the last: closing the selected tab selects the last one left, whose close button the bar then shows.
    for (const [i, shell] of [...shells.entries()].reverse()) {
      await page.getByRole('button', { name: `Close ${shell.tab}`, exact: true }).click();
      // The local shell is a process here; the SSH ones end on the server, which runs here too.
      await expect.poll(() => processAlive(pids[i]!)).toBe(false);
    }
  } finally {
    // The worker's web host is shared: later specs should not find a server whose sshd is gone.
    if (added) await call(page, 'servers.remove', { id: added.id }).catch(() => undefined);
    await sshd.stop();
  }
});

test('a terminal no page shows ends after BERTH_TERMINAL_DETACHED_TIMEOUT; a reload within it keeps the shell', async ({ page }) => {
  const timeoutSeconds = 3;
  const host = await startWebHostProcess({ env: { BERTH_TERMINAL_DETACHED_TIMEOUT: String(timeoutSeconds) } });
  try {
    await page.goto(host.url);
    await openLocalTerminal(page);
    const pid = await pidWithMarker(page, 'before', 42);

    // A reload detaches and attaches again at once; the countdown it started is cancelled, so the shell outlives it.
    await page.reload();
    await expect(terminalTab(page, 'This computer')).toHaveAttribute('aria-selected', 'true');
    await expect.poll(() => screenText(page)).toContain(`before-42 pid=${pid}=`);
    await page.waitForTimeout(timeoutSeconds * 1000 + 2000);
    expect(processAlive(pid)).toBe(true);
    expect(await pidWithMarker(page, 'kept', 7)).toBe(pid);

    // Leaving the page closes its socket as closing the window does, and keeps the window's sessionStorage: coming
    // back shows whether its remembered tab would still be restored.
    const left = Date.now();
    await page.goto('about:blank');
    await expect.poll(() => processAlive(pid), { timeout: (timeoutSeconds + 15) * 1000 }).toBe(false);
    // Ended by the countdown, not by the page going away.
    expect(Date.now() - left).toBeGreaterThanOrEqual(timeoutSeconds * 1000 - 250);

    await page.goto(`http://127.0.0.1:${host.port}/`);
    await expect(mainNav(page)).toBeVisible();
    // The restore ran and found nothing to bring back: it forgets the remembered tab.
    await expect.poll(() => page.evaluate(() => JSON.parse(sessionStorage.getItem('berth.terminalTabs') ?? '{}').tabs?.length)).toBe(0);
    await expect(terminalTabs(page)).toHaveCount(0);
    expect(await call(page, 'terminals.list', {})).toEqual([]);
  } finally {
    await host.stop();
  }
});
