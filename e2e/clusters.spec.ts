import fs from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { startFakeKubeApiServer, type FakeKube } from '../test/support/fake-kube/index.js';
import { billionLaughs } from '../test/support/yaml-bomb.js';
import { expect, test } from './fixtures';
import { startWebHostProcess, type WebHostProcess } from './web-host-process';

const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/screenshots/${name}.png` });

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** Creates a namespace on the fake the way any client does: a POST with its token, trusting its CA. */
function createNamespace(fake: FakeKube, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = https.request(`${fake.url}/api/v1/namespaces`, {
      method: 'POST', ca: fake.caPem, headers: { authorization: `Bearer ${fake.token}`, 'content-type': 'application/json' },
    }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`creating namespace ${name}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  });
}

test.describe('clusters from the kubeconfig', () => {
  let fake: FakeKube;
  let dir: string;
  let host: WebHostProcess;
  let later: string;

  test.beforeAll(async () => {
    fake = await startFakeKubeApiServer();
    await createNamespace(fake, 'shop');
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-e2e-clusters-'));
    const main = path.join(dir, 'fake.yaml');
    await fake.writeKubeconfig(main, { context: 'fake', namespace: 'shop' });
    const wrong = path.join(dir, 'wrong.yaml');
    await fake.writeKubeconfig(wrong, { context: 'wrong-token', token: 'not-the-token' });
    const offline = path.join(dir, 'offline.yaml');
    await fake.writeKubeconfig(offline, { context: 'offline', server: `https://127.0.0.1:${await closedPort()}` });
    // A file that is an alias bomb is named with the limit; the other files' contexts are listed all the same.
    const bomb = path.join(dir, 'bomb.yaml');
    await fs.writeFile(bomb, `contexts: []\n${billionLaughs()}`);
    // Listed but absent, as kubectl allows: it appears while the page is open.
    later = path.join(dir, 'later.yaml');
    host = await startWebHostProcess({ env: { KUBECONFIG: [main, wrong, offline, bomb, later].join(path.delimiter), HOME: dir } });
  });

  test.afterAll(async () => {
    await host?.stop();
    await fake?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('the Clusters page lists each context with its status, re-checks, and follows kubeconfig edits', async ({ page }) => {
    await page.goto(host.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Clusters' }).click();
    await expect(page.getByRole('heading', { name: 'Clusters', level: 1 })).toBeVisible();

    await expect(page.getByRole('alert').filter({ hasText: 'bomb.yaml was not read' })).toContainText('The aliases (*name) in this YAML expand it to more than 100,000 values');
    const fakeRow = page.getByTestId('cluster-fake');
    await expect(fakeRow.getByTestId('cluster-state')).toHaveText(/^Reachable v1\.\d+/);
    await expect(fakeRow).toContainText('current context');
    await expect(fakeRow).toContainText(fake.url);
    await expect(fakeRow).toContainText('shop');
    await expect(fakeRow).toContainText('fake-user · token');

    const wrongRow = page.getByTestId('cluster-wrong-token');
    await expect(wrongRow.getByTestId('cluster-state')).toHaveText('Unauthorised');
    await expect(wrongRow.getByRole('alert')).toContainText('401 Unauthorized');

    const offlineRow = page.getByTestId('cluster-offline');
    await expect(offlineRow.getByTestId('cluster-state')).toHaveText('Offline · refused');
    await expect(offlineRow.getByRole('alert')).toContainText('Connection refused by 127.0.0.1:');
    await shot(page, 'clusters-list');

    // Check again asks the server again.
    const before = fake.requests.filter((r) => r.path === '/version').length;
    await fakeRow.getByRole('button', { name: /Check again/ }).click();
    await expect(fakeRow.getByTestId('cluster-state')).toHaveText(/^Reachable v1\.\d+/);
    await expect.poll(() => fake.requests.filter((r) => r.path === '/version').length).toBeGreaterThan(before);

    // A kubeconfig file that appears (or changes) is picked up without a reload.
    await fake.writeKubeconfig(later, { context: 'added-later', namespace: 'shop' });
    await expect(page.getByTestId('cluster-added-later').getByTestId('cluster-state')).toHaveText(/^Reachable v1\.\d+/);
  });

  test('a Kubernetes destination is made by picking a context and a namespace from lists', async ({ page }) => {
    await page.goto(host.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Apps' }).click();
    await page.getByLabel('New app name').fill('shop');
    await page.getByRole('button', { name: 'New app' }).click();
    await expect(page.getByRole('tab', { name: 'compose.yaml' })).toBeVisible();

    await page.getByLabel('Destination', { exact: true }).selectOption({ label: 'New destination…' });
    const dialog = page.getByRole('form', { name: 'New destination' });
    await dialog.getByText('Kubernetes (cluster)').click();
    await dialog.getByLabel('Name', { exact: true }).fill('shop-k8s');

    // The current context and its namespace are preselected; both are lists, not free text.
    const context = dialog.getByLabel('Context', { exact: true });
    const namespace = dialog.getByLabel('Namespace', { exact: true });
    await expect(context).toHaveJSProperty('tagName', 'SELECT');
    await expect(namespace).toHaveJSProperty('tagName', 'SELECT');
    await expect(context).toHaveValue('fake');
    await expect(namespace).toHaveValue('shop');
    await expect.poll(async () => (await namespace.locator('option').allTextContents()).sort()).toEqual(expect.arrayContaining(['default', 'kube-system', 'shop']));
    expect(await context.locator('option').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^fake · fake/), expect.stringMatching(/^offline/), expect.stringMatching(/^wrong-token/)]));

    // A context the cluster cannot be asked about offers only its own namespace, and says why.
    await context.selectOption('offline');
    await expect(dialog.getByText(/Only the context's namespace is offered: Connection refused/)).toBeVisible();
    await expect(namespace.locator('option')).toHaveText(['default']);
    await shot(page, 'clusters-destination-offline');

    await context.selectOption('fake');
    await expect(namespace).toHaveValue('shop');
    await namespace.selectOption('kube-system');
    await namespace.selectOption('shop');
    await shot(page, 'clusters-destination-form');
    await dialog.getByRole('button', { name: 'Save destination' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByLabel('Destination', { exact: true }).locator('option:checked')).toHaveText('shop-k8s · Kubernetes fake/shop');
    await expect(page.getByRole('tab', { name: /^(manifests|kubernetes)\.yaml$/ })).toBeVisible();
  });
});

test('with no kubeconfig the Clusters page says how to add one', async ({ page }) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-e2e-nokube-'));
  const host = await startWebHostProcess({ env: { KUBECONFIG: '', HOME: dir } });
  try {
    await page.goto(host.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Clusters' }).click();
    await expect(page.getByText('No Kubernetes contexts yet.')).toBeVisible();
    await expect(page.getByText(/~\/\.kube\/config.*\$KUBECONFIG/)).toBeVisible();
    await expect(page.getByText(/from its server page/)).toBeVisible();
    await shot(page, 'clusters-empty');
  } finally {
    await host.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
});
