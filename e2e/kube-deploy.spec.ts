import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { startFakeKubeApiServer, type FakeKube } from '../test/support/fake-kube/index.js';
import { expect, test } from './fixtures';
import { call } from './ui';
import { startWebHostProcess, type WebHostProcess } from './web-host-process';

/**
 * A Kubernetes deploy from the app page, against the FAKE Kubernetes API
 * server of the test fixtures (no real one runs here; the fake is held to
 * kubectl in test/kube): the plan with the dry run's diff, the live rollout,
 * history, the pods and their logs, and a rollback.
 */
const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/screenshots/${name}.png` });
const rowsOf = (terminal: Locator) => terminal.locator('.xterm-rows').innerText();

const shop = (image: string) => ({
  apiVersion: 'berth.dev/v1', kind: 'App', name: 'kshop',
  services: { web: { image, ports: [{ port: 80 }], env: { GREETING: 'hello' } } },
});

test.describe('Kubernetes deploy from the app page', () => {
  let fake: FakeKube;
  let dir: string;
  let host: WebHostProcess;

  test.beforeAll(async () => {
    fake = await startFakeKubeApiServer();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-e2e-kube-deploy-'));
    const kubeconfig = path.join(dir, 'config');
    await fake.writeKubeconfig(kubeconfig, { context: 'fake', namespace: 'kshop' });
    host = await startWebHostProcess({ env: { KUBECONFIG: kubeconfig } });
  });

  test.afterAll(async () => {
    await host?.stop();
    await fake?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  test('plan with the dry run diff, rollout, pods and logs, rollback', async ({ page }) => {
    test.setTimeout(240_000);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(host.url);
    await call(page, 'destinations.save', { destination: { type: 'kubernetes', name: 'fake-cluster', context: 'fake', namespace: 'kshop' } });
    await call(page, 'apps.save', { app: shop('nginx:1.27') });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Apps' }).click();
    await page.getByRole('navigation', { name: 'Apps' }).getByRole('button', { name: /^kshop\b/ }).click();
    await page.getByLabel('Destination', { exact: true }).selectOption('fake-cluster');

    // ---- First deploy: everything is new.
    const dialog = page.getByRole('dialog', { name: 'Deploy kshop to fake-cluster' });
    await page.getByRole('button', { name: 'Deploy…' }).click();
    const changes = dialog.getByRole('region', { name: 'Object changes' });
    await expect(changes).toBeVisible({ timeout: 60_000 });
    await expect(changes.getByRole('option', { name: /Deployment kshop\/web/ })).toContainText('new');
    await expect(dialog.getByRole('region', { name: 'Steps' })).toContainText('Watch the rollout');
    await dialog.getByRole('button', { name: 'Confirm deploy' }).click();
    await expect(dialog).toBeHidden();
    const detail = page.getByRole('region', { name: 'Selected deploy' });
    await expect(detail.getByTestId('deploy-outcome')).toHaveText('succeeded', { timeout: 120_000 });
    await expect.poll(() => rowsOf(page.getByTestId('deploy-log'))).toMatch(/Deployment web: 1 of 1 replicas available/);
    await shot(page, 'kube-rollout');

    // ---- Second deploy: the plan shows the image change as a diff of the live object against the dry run.
    await call(page, 'apps.save', { app: shop('nginx:1.28') });
    await page.getByRole('button', { name: 'Deploy…' }).click();
    await expect(changes).toBeVisible({ timeout: 60_000 });
    const web = changes.getByRole('option', { name: /Deployment kshop\/web/ });
    await expect(web).toContainText('changed');
    await web.getByRole('button').click();
    const diff = changes.getByTestId('diff-editor');
    await expect(diff).toContainText('nginx:1.27');
    await expect(diff).toContainText('nginx:1.28');
    await shot(page, 'kube-plan-diff');
    await dialog.getByRole('button', { name: 'Confirm deploy' }).click();
    await expect(detail.getByTestId('deploy-outcome')).toHaveText('succeeded', { timeout: 120_000 });

    // ---- History and rollback to the first release.
    const items = page.getByRole('region', { name: 'History' }).locator('tbody tr');
    await expect(items).toHaveCount(2);
    await expect(items.nth(0)).toContainText('serving');
    await expect(items.nth(1)).toContainText('kept');
    await shot(page, 'kube-history');
    const rollback = page.getByRole('dialog', { name: 'Roll back kshop on fake-cluster' });
    await items.nth(1).getByRole('button', { name: 'Roll back to this' }).click();
    await expect(rollback.getByRole('region', { name: 'Object changes' })).toBeVisible({ timeout: 60_000 });
    await rollback.getByRole('button', { name: 'Confirm rollback' }).click();
    await expect(detail.getByTestId('deploy-outcome')).toHaveText('succeeded', { timeout: 120_000 });
    await expect(items).toHaveCount(3);
    await expect(items.nth(0)).toContainText('rollback');
    const image = async () => (fake.objects('Deployment', 'kshop')[0] as { spec: { template: { spec: { containers: Array<{ image: string }> } } } }).spec.template.spec.containers[0]!.image;
    await expect.poll(image).toBe('nginx:1.27');

    // ---- The pods, and their logs in a terminal tab, each line prefixed with pod/container.
    await page.getByRole('tablist', { name: 'App views' }).getByRole('tab', { name: 'Status' }).click();
    const table = page.locator('.status-table');
    await expect(table).toContainText('web');
    await expect(table).toContainText('ready');
    await shot(page, 'kube-status');
    await page.getByRole('button', { name: 'Follow logs (all services)' }).click();
    const pod = (fake.objects('Pod', 'kshop').find((p) => (p as { status?: { phase?: string } }).status?.phase === 'Running') as { metadata: { name: string } }).metadata.name;
    const terminal = page.locator('.terminal-view:not([hidden])');
    await expect.poll(() => rowsOf(terminal), { timeout: 30_000 }).toContain(`${pod}/web |`);
    fake.appendLog('kshop', pod, 'web', 'GET /checkout 200');
    await expect.poll(() => rowsOf(terminal), { timeout: 30_000 }).toContain(`${pod}/web | GET /checkout 200`);
  });
});
