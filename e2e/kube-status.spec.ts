import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { startFakeKubeApiServer, type FakeKube } from '../test/support/fake-kube/index.js';
import { expect, test } from './fixtures';
import { call, openServers } from './ui';
import { startWebHostProcess, type WebHostProcess } from './web-host-process';

/**
 * The Status view of an app on a Kubernetes destination, against the FAKE
 * Kubernetes API server of the test fixtures (its exec runs the command as a
 * local process on plain pipes, so there is no prompt and no echo; its
 * port-forward reaches a local port the test exposes for each pod): a shell
 * in a pod's container, a restart that deletes the pod, and port forwards
 * started, opened and stopped from the UI.
 */
const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/screenshots/${name}.png` });
const rowsOf = (terminal: Locator) => terminal.locator('.xterm-rows').innerText();

/** One API call as the page makes it (a WebSocket of its own, with the tab's token); for setup only. */
function get(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

test.describe('Kubernetes status: shell, restart, port forwards', () => {
  let fake: FakeKube;
  let dir: string;
  let host: WebHostProcess;
  let web: http.Server;
  let webPort: number;

  test.beforeAll(async () => {
    fake = await startFakeKubeApiServer();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-e2e-kube-status-'));
    const kubeconfig = path.join(dir, 'config');
    await fake.writeKubeconfig(kubeconfig, { context: 'fake', namespace: 'shop' });
    host = await startWebHostProcess({ env: { KUBECONFIG: kubeconfig } });
    // What the pods' port 80 answers, once exposed: every path (the browser asks for a favicon too).
    web = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>shop web</title><h1>hello from the web pod</h1>\n');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    webPort = (web.address() as AddressInfo).port;
  });

  test.afterAll(async () => {
    await host?.stop();
    await fake?.stop();
    await new Promise<void>((resolve) => (web ? web.close(() => resolve()) : resolve()));
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  test('pods, a shell in a container, restart by deleting the pod, and a port forward opened and stopped', async ({ page, context }) => {
    test.setTimeout(120_000);
    await openServers(page, host.url);
    await call(page, 'destinations.save', { destination: { type: 'kubernetes', name: 'fake-cluster', context: 'fake', namespace: 'shop' } });
    await call(page, 'apps.save', {
      app: {
        apiVersion: 'berth.dev/v1', kind: 'App', name: 'shop',
        services: {
          web: { image: 'nginx:1.27', ports: [{ port: 80 }] },
          worker: { image: 'busybox:1.36', command: ['sh', '-c', 'sleep 3600'] },
        },
      },
    });
    // The deploy itself is tested elsewhere; here it only makes the pods.
    const { planId } = await call<{ planId: string }>(page, 'deploys.plan', { kind: 'deploy', app: 'shop', destination: 'fake-cluster' });
    const started = await call<{ id: string }>(page, 'deploys.start', { planId });
    await expect.poll(async () => (await call<Array<{ id: string; outcome: string }>>(page, 'deploys.list', { app: 'shop' })).find((r) => r.id === started.id)?.outcome, { timeout: 60_000 }).toBe('succeeded');
    for (const pod of fake.objects('Pod', 'shop')) fake.exposePodPort('shop', String((pod.metadata as { name: string }).name), 80, webPort);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Apps' }).click();
    await page.getByRole('navigation', { name: 'Apps' }).getByRole('button', { name: /^shop\b/ }).click();
    await page.getByLabel('Destination', { exact: true }).selectOption('fake-cluster');
    await page.getByRole('tablist', { name: 'App views' }).getByRole('tab', { name: 'Status' }).click();

    await expect(page.getByRole('heading', { name: 'Pods on fake-cluster' })).toBeVisible();
    const toast = page.getByRole('region', { name: 'Notifications' }).getByRole('status').filter({ hasText: 'shop deployed to fake-cluster' });
    // The deploy's toast would cover the screenshots.
    if (await toast.isVisible()) await toast.getByRole('button', { name: 'Dismiss' }).click();
    await expect(toast).toBeHidden();
    const webRow = page.getByRole('row', { name: /^web-[a-z0-9]+-[a-z0-9]+\/web$/ });
    const workerRow = page.getByRole('row', { name: /^worker-[a-z0-9]+-[a-z0-9]+\/worker$/ });
    await expect(webRow).toContainText('running');
    await expect(workerRow).toContainText('running');
    const forwards = page.getByRole('region', { name: 'Port forwards' });
    await expect(forwards.getByRole('listitem', { name: 'Service web' })).toContainText('80');
    await shot(page, 'kube-status');

    // ---- A shell in the web container: an exec over the API's WebSocket, in a terminal tab of this computer.
    const webName = (await webRow.getAttribute('aria-label'))!;
    await webRow.getByRole('button', { name: `Shell in ${webName}` }).click();
    await expect(page.getByRole('tab', { name: 'web shell' })).toHaveAttribute('aria-selected', 'true');
    const terminal = page.locator('.terminal-view:not([hidden])');
    await terminal.locator('.terminal-screen').click();
    // The fake's exec has no TTY to turn Enter (CR) into a newline, so the line ends with Ctrl+J (LF).
    await page.keyboard.type('echo "in the pod: $((6*7)) $TERM"');
    await page.keyboard.press('Control+J');
    await expect.poll(() => rowsOf(terminal), { timeout: 20_000 }).toContain('in the pod: 42 xterm-256color');
    await shot(page, 'kube-shell');
    await page.keyboard.type('exit 3');
    await page.keyboard.press('Control+J');
    await expect(page.getByTestId('terminal-banner').filter({ hasText: 'Shell ended.' })).toContainText('exited with code 3', { timeout: 20_000 });
    await page.getByRole('button', { name: 'Hide terminals' }).click();

    // ---- Restart: delete the pod, after a confirmation that says so.
    const workerName = (await workerRow.getAttribute('aria-label'))!;
    const workerPod = workerName.split('/')[0]!;
    await workerRow.getByRole('button', { name: `Restart ${workerName}` }).click();
    const restart = page.getByRole('dialog', { name: `Restart worker: delete the pod ${workerPod}?` });
    await expect(restart).toContainText('its controller starts a new one');
    await shot(page, 'kube-restart');
    await restart.getByRole('button', { name: 'Delete pod' }).click();
    await expect(restart).toBeHidden();
    await expect.poll(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      const names = await page.getByRole('row', { name: /^worker-/ }).evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label')));
      return names.length === 1 && !names[0]!.startsWith(`${workerPod}/`);
    }, { timeout: 30_000 }).toBe(true);
    await expect(page.getByRole('row', { name: /^worker-/ })).toContainText('running');

    // ---- Port forward: web's port 80 to a free local port, opened through the link, then stopped.
    await forwards.getByRole('button', { name: 'Forward web' }).click();
    const dialog = page.getByRole('dialog', { name: 'Forward web' });
    await expect(dialog.getByLabel('Service port')).toHaveValue('80');
    await dialog.getByLabel('Local port').fill('70000');
    await expect(dialog.getByText('A port is a number from 1 to 65535.')).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Start forward' })).toBeDisabled();
    await dialog.getByLabel('Local port').fill('');
    await shot(page, 'kube-forward-dialog');
    await dialog.getByRole('button', { name: 'Start forward' }).click();
    await expect(dialog).toBeHidden();
    const active = forwards.getByRole('table', { name: 'Active port forwards' });
    const link = active.getByRole('link', { name: /^http:\/\/127\.0\.0\.1:\d+$/ });
    await expect(link).toBeVisible();
    const url = (await link.textContent())!;
    const localPort = Number(new URL(url).port);
    expect(await get(localPort)).toEqual({ status: 200, body: expect.stringContaining('hello from the web pod') });
    await expect(active.getByRole('row', { name: `Forward ${url}` })).toContainText(/web:80/);

    // The web host cannot open links itself, so the browser opens a tab of its own.
    const opened = context.waitForEvent('page');
    await link.click();
    const tab = await opened;
    await expect(tab.getByRole('heading', { name: 'hello from the web pod' })).toBeVisible();
    expect(tab.url()).toBe(`${url}/`);
    await tab.close();
    await shot(page, 'kube-port-forwards');

    await active.getByRole('button', { name: `Stop forward ${url}` }).click();
    await expect(active).toBeHidden();
    await expect(get(localPort)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
