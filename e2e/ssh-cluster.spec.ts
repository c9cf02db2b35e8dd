import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { skipUnlessAvailable } from '../test/support/infra.js';
import { kubeServerHostUnavailableReason, startKubeServerHost, type KubeServerHost } from '../test/support/kube-server-host.js';
import { fakeKubeUnavailableReason, startKubeInNetns, type KubeInNetns } from '../test/support/kube-in-netns.js';
import { expect, test } from './fixtures';
import { call, openServers } from './ui';
import { startWebHostProcess, type WebHostProcess } from './web-host-process';

/**
 * A k3s cluster on an SSH server, added from the server's page and deployed
 * to through the SSH tunnel: the (FAKE) API server listens only on the test
 * host's own loopback, so nothing but the tunnel reaches it.
 */
const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/screenshots/${name}.png` });
const skip = skipUnlessAvailable('a k3s stand-in host in a network namespace', kubeServerHostUnavailableReason() ?? fakeKubeUnavailableReason());

test.describe('a k3s cluster on an SSH server', () => {
  test.skip(skip, 'no k3s stand-in host here (see the notice above)');
  let server: KubeServerHost;
  let fake: KubeInNetns;
  let host: WebHostProcess;

  test.beforeAll(async () => {
    server = await startKubeServerHost();
    fake = await startKubeInNetns({ netns: server.netns, host: '127.0.0.1', port: 6443, kubeconfig: path.join(server.k3sDir, 'k3s.yaml'), server: 'https://127.0.0.1:6443', context: 'default', mode: '644' });
    host = await startWebHostProcess();
    await fs.appendFile(path.join(host.dataDir, 'known_hosts'), `${server.address} ${server.ssh.hostPublicKey}\n`);
  });

  test.afterAll(async () => {
    await host?.stop();
    await fake?.stop();
    await server?.stop();
  });

  test('Add this cluster on the server, then deploy to it through the tunnel', async ({ page }) => {
    test.setTimeout(180_000);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(host.url);
    await call(page, 'servers.add', { name: 'vps', host: server.address, port: 22, user: server.user, auth: { method: 'key', keyPath: server.ssh.clientKeyPath }, proxyJump: [] });
    await openServers(page, host.url);
    const row = page.getByRole('article', { name: 'vps' });
    await row.getByRole('button', { name: 'Test connection' }).click();
    await expect(row.getByTestId('probe')).toContainText('k3s', { timeout: 60_000 });
    const add = row.getByTestId('add-cluster');
    await add.getByRole('button', { name: 'Add this cluster' }).click();
    await expect(add.getByRole('status')).toContainText(/Added vps-k3s: Kubernetes v1\.32\.0-fake-kube, reached through an SSH tunnel/, { timeout: 60_000 });
    await shot(page, 'ssh-cluster-added');

    await add.getByRole('button', { name: 'Open Clusters' }).click();
    const cluster = page.getByRole('article', { name: 'vps-k3s' });
    await expect(cluster).toContainText(/reachable/i, { timeout: 30_000 });
    await expect(cluster).toContainText('added from vps (through its SSH connection)');
    await shot(page, 'ssh-cluster-listed');

    // A deploy through the tunnel: same plan, same steps as any cluster.
    await call(page, 'destinations.save', { destination: { type: 'kubernetes', name: 'vps-k3s', context: 'vps-k3s', namespace: 'web' } });
    await call(page, 'apps.save', { app: { apiVersion: 'berth.dev/v1', kind: 'App', name: 'hello', services: { web: { image: 'nginx:1.27', ports: [{ port: 80 }] } } } });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Apps' }).click();
    await page.getByRole('navigation', { name: 'Apps' }).getByRole('button', { name: /^hello\b/ }).click();
    await page.getByLabel('Destination', { exact: true }).selectOption('vps-k3s');
    await page.getByRole('button', { name: 'Deploy…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Deploy hello to vps-k3s' });
    await expect(dialog.getByRole('region', { name: 'Object changes' })).toBeVisible({ timeout: 60_000 });
    await dialog.getByRole('button', { name: 'Confirm deploy' }).click();
    await expect(page.getByRole('region', { name: 'Selected deploy' }).getByTestId('deploy-outcome')).toHaveText('succeeded', { timeout: 120_000 });
  });
});
