import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expectAccessible } from './a11y';
import { expect, test } from './fixtures';
import { call, mainNav, SCREEN_SIZES, shotsAtBothSizes } from './ui';
import { startWebHostProcess, type WebHostProcess } from './web-host-process';

/**
 * A docker CLI for "this computer" that the test controls: its daemon answers only while the file daemon-up lies
 * beside it, so both of the Overview's answers to "Deploy to this computer" can be seen on any machine.
 */
const FAKE_DOCKER = `#!/bin/sh
if [ "$1" = "--version" ]; then echo "Docker version 27.1.1, build 6312585"; exit 0; fi
if [ -f "$(dirname "$0")/daemon-up" ]; then
  case "$1" in
    version) echo "27.1.1" ;;
    compose) echo "2.29.1" ;;
  esac
  exit 0
fi
echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2
exit 1
`;

/** A port on 127.0.0.1 where nothing listens: connecting there is refused. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Deploy records as the core writes them (electron/deploy/engine/records.ts), for the Overview's recent deploys. */
async function seedDeploys(dataDir: string, app: string, destination: string) {
  const dir = path.join(dataDir, 'deployments', app, destination);
  await fs.mkdir(dir, { recursive: true });
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const steps = (last: 'done' | 'failed') => [
    { id: 'connect', title: 'Connect', status: 'done', startedAt: at(50), finishedAt: at(50) },
    { id: 'start', title: 'Start the new release', status: 'done', startedAt: at(50), finishedAt: at(49) },
    { id: 'health', title: 'Wait for health', status: last, startedAt: at(49), finishedAt: at(48) },
  ];
  const records = [
    { id: 'r20261201-093000-ab12', outcome: 'succeeded', startedAt: at(120), finishedAt: at(118), steps: steps('done') },
    { id: 'r20261202-101500-cd34', outcome: 'failed', startedAt: at(50), finishedAt: at(48), steps: steps('failed'), failedStep: 'health', error: 'web did not become healthy within 60 s.' },
  ];
  for (const r of records) {
    await fs.writeFile(path.join(dir, `${r.id}.json`), JSON.stringify({ kind: 'deploy', app, destination, server: 'local', by: 'ann@laptop', ...r }));
    await fs.writeFile(path.join(dir, `${r.id}.log`), 'seeded\r\n');
  }
}

const startSteps = (page: Page) => page.getByRole('region', { name: 'Get started' });
const step = (page: Page, name: string) => startSteps(page).getByRole('listitem', { name });
const activityButton = (page: Page) => mainNav(page).getByRole('button', { name: /^Activity/ });
const activityPanel = (page: Page) => page.getByRole('dialog', { name: 'Activity' });
const entry = (where: Locator, label: string) => where.getByTestId('activity-entry').filter({ has: where.page().getByText(label, { exact: true }) });

async function openActivity(page: Page): Promise<Locator> {
  if (!(await activityPanel(page).isVisible())) await activityButton(page).click();
  await expect(activityPanel(page)).toBeVisible();
  return activityPanel(page);
}

async function openOverview(page: Page) {
  await mainNav(page).getByRole('button', { name: 'Overview' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
}

test.describe.configure({ mode: 'serial' });

// A web host of its own on an empty data dir and an empty home (no kubeconfig, no ~/.ssh), with the docker CLI above.
let host: WebHostProcess;
let dir: string;
let bin: string;

test.beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-e2e-overview-'));
  bin = path.join(dir, 'bin');
  await fs.mkdir(path.join(dir, 'home'), { recursive: true });
  await fs.mkdir(bin);
  await fs.writeFile(path.join(bin, 'docker'), FAKE_DOCKER, { mode: 0o755 });
  host = await startWebHostProcess({ env: { PATH: `${bin}:${process.env.PATH}`, HOME: path.join(dir, 'home'), KUBECONFIG: '' } });
});

test.afterAll(async () => {
  await host?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

test('a first start opens on the Overview with three next steps, each leading to its dialog, and imports show in Activity', async ({ page }) => {
  await page.setViewportSize(SCREEN_SIZES[0]);
  await page.goto(host.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await expect(mainNav(page).getByRole('button', { name: 'Overview' })).toHaveAttribute('aria-current', 'page');
  await expect(startSteps(page).getByRole('listitem')).toHaveCount(3);
  for (const name of ['Add a server', 'Import a compose file', 'Deploy to this computer']) {
    await expect(step(page, name).getByRole('button', { name })).toBeVisible();
  }
  await expect(startSteps(page).getByText('Done', { exact: true })).toHaveCount(0);
  await expect(page.getByTestId('overview-servers-count')).toHaveText('0');
  await expect(page.getByTestId('overview-apps-count')).toHaveText('0');
  await expect(page.getByTestId('overview-clusters-count')).toHaveText('0');
  await expect(page.getByText(/^No deploys yet\./)).toBeVisible();
  await expect(page.getByText(/^Nothing has run in this window yet\./)).toBeVisible();
  await expectAccessible(page, 'overview (first start)');
  await shotsAtBothSizes(page, 'overview-empty');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: 'e2e/screenshots/overview-empty-dark-1440.png' });
  await page.emulateMedia({ colorScheme: 'light' });

  // "Add a server": the Servers page with its add dialog open.
  await step(page, 'Add a server').getByRole('button', { name: 'Add a server' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Servers' })).toBeVisible();
  const addDialog = page.getByRole('dialog', { name: 'Add a server' });
  await expect(addDialog).toBeVisible();
  await expect(addDialog.getByLabel('Name', { exact: true })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(addDialog).toBeHidden();
  // The Servers page's own empty state offers the same step.
  await expect(page.getByText(/^No servers yet\./)).toBeVisible();

  // "Import a compose file": the Apps page with the import dialog open; the import is an entry in Activity.
  await openOverview(page);
  await step(page, 'Import a compose file').getByRole('button', { name: 'Import a compose file' }).click();
  const importDialog = page.getByRole('dialog', { name: 'Import a docker-compose file' });
  await expect(importDialog).toBeVisible();
  await importDialog.getByLabel('…or paste it').fill(['services:', '  web:', '    image: nginx:1.27', '    ports: ["8080:80"]', '  db:', '    image: postgres:16', ''].join('\n'));
  await importDialog.getByLabel('App name').fill('ov-import');
  await importDialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(importDialog.getByRole('button', { name: 'Open ov-import' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(importDialog).toBeHidden();
  await expect(page.getByText(/^No apps yet\. Import/)).toBeVisible();

  let panel = await openActivity(page);
  const imported = entry(panel, 'Importing ov-import');
  await expect(imported).toHaveAttribute('data-state', 'succeeded');
  await expect(imported).toContainText('ov-import: 2 services. Open it from the import dialog and save it.');
  await expect(imported).toContainText(/Started \d{1,2}:\d{2}:\d{2}.* · took /);
  // Escape closes the panel and gives focus back to the button that opened it.
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await expect(activityButton(page)).toBeFocused();

  // "Deploy to this computer" while Docker's daemon is down here: the Overview says so instead of going on.
  await openOverview(page);
  await step(page, 'Deploy to this computer').getByRole('button', { name: 'Deploy to this computer' }).click();
  const problem = page.getByTestId('local-docker-problem');
  await expect(problem).toHaveText('Docker is installed on this computer, but its daemon did not answer: start Docker (Docker Desktop, or the docker service), then check again. Docker said: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  // The check itself was long work: it is in Activity, as reached but needing the user.
  const recent = page.getByRole('list', { name: 'Recent activity' });
  await expect(entry(recent, 'Testing This computer')).toHaveAttribute('data-state', 'succeeded');
  await expect(entry(recent, 'Testing This computer')).toContainText('Needs you');
  await expect(entry(recent, 'Testing This computer')).toContainText("Docker's daemon on this computer did not answer: start Docker, then test again.");

  // Docker started: "Check again" goes on to a new app on Docker on this computer.
  await fs.writeFile(path.join(bin, 'daemon-up'), '');
  await step(page, 'Deploy to this computer').getByRole('button', { name: 'Check again' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'hello-berth' })).toBeVisible();
  await expect(page.getByLabel('Destination', { exact: true }).locator('option:checked')).toHaveText(/Docker on this computer/);
  await expect(page.getByRole('button', { name: 'Deploy…' })).toBeVisible();

  panel = await openActivity(page);
  await expect(entry(panel, 'Testing This computer')).toContainText('Reached. Docker 27.1.1, Compose 2.29.1.');
  await expect(panel.getByTestId('activity-entry').filter({ hasText: 'Testing This computer' })).toHaveCount(1);
});

test('adding a server shows connecting and testing in Activity with their outcome, and the Overview marks the steps done', async ({ page, sshd }) => {
  await page.setViewportSize(SCREEN_SIZES[0]);
  await page.goto(host.url);
  await step(page, 'Add a server').getByRole('button', { name: 'Add a server' }).click();
  const form = page.getByRole('dialog', { name: 'Add a server' });
  await form.getByLabel('Name', { exact: true }).fill('Test sshd');
  await form.getByLabel('Host', { exact: true }).fill(sshd.host);
  await form.getByLabel('Port', { exact: true }).fill(String(sshd.port));
  await form.getByLabel('User', { exact: true }).fill(sshd.user);
  await form.getByLabel('Private key file', { exact: true }).fill(sshd.clientKeyPath);
  await form.getByRole('button', { name: 'Add server' }).click();
  await expect(form).toBeHidden();

  // Tested at once: while the host key question waits, the test (connecting first) is running work.
  const hostKey = page.getByRole('dialog', { name: 'Unknown host key' });
  await expect(hostKey).toBeVisible();
  await expect(page.getByTestId('activity-running')).toHaveText('1 running');
  await expect(page.getByRole('status').filter({ hasText: /^Testing Test sshd/ })).toHaveCount(0);
  await hostKey.getByRole('button', { name: 'Trust and connect' }).click();
  await expect(page.getByRole('article', { name: 'Test sshd' }).getByTestId('server-state')).toHaveText('Connected', { timeout: 60_000 });

  let panel = await openActivity(page);
  // One entry for the test, its connection included: not a second one for the same work.
  await expect(panel.getByTestId('activity-entry')).toHaveCount(1);
  const testing = entry(panel, 'Testing Test sshd');
  await expect(testing).toHaveAttribute('data-state', 'succeeded');
  await expect(testing.locator('.activity-outcome')).toHaveText(/^Reached[.,] /);
  // Said once to screen readers as it ended.
  await expect(page.getByRole('status').filter({ hasText: /^Testing Test sshd: (succeeded|needs you)\. Reached/ })).toHaveCount(1);
  await expect(page.getByTestId('activity-running')).toHaveCount(0);
  await page.keyboard.press('Escape');

  // A server nobody answers for: the test fails, and Activity says why in the core's words.
  const port = await closedPort();
  await call(page, 'servers.add', { name: 'Closed port', host: '127.0.0.1', port, user: sshd.user, auth: { method: 'key', keyPath: sshd.clientKeyPath }, proxyJump: [] });
  await openOverview(page);
  await mainNav(page).getByRole('button', { name: 'Servers' }).click();
  const closed = page.getByRole('article', { name: 'Closed port' });
  await closed.getByRole('button', { name: 'Test connection' }).click();
  const why = closed.getByRole('alert').first();
  await expect(why).toBeVisible({ timeout: 30_000 });
  panel = await openActivity(page);
  const failed = entry(panel, 'Testing Closed port');
  await expect(failed).toHaveAttribute('data-state', 'failed');
  await expect(failed.locator('.activity-outcome')).toHaveText(await why.innerText());
  await page.keyboard.press('Escape');
  // A terminal connects on its own: that connection is an entry of its own, failed for the same reason.
  await closed.getByRole('button', { name: 'Terminal' }).click();
  panel = await openActivity(page);
  const connecting = entry(panel, 'Connecting to Closed port');
  await expect(connecting).toHaveAttribute('data-state', 'failed');
  await expect(connecting.locator('.activity-outcome')).toHaveText(await why.innerText());
  await expectAccessible(page, 'activity panel');
  await shotsAtBothSizes(page, 'activity');
  // The failed terminal's tab is not what the next screens are about.
  await page.keyboard.press('Escape');
  await mainNav(page).getByRole('button', { name: 'Terminals' }).click();
  await expect(mainNav(page).getByRole('button', { name: 'Terminals' })).toHaveAttribute('aria-pressed', 'false');

  // "Show" opens what the entry was about.
  await openOverview(page);
  panel = await openActivity(page);
  await entry(panel, 'Testing Test sshd').getByRole('button', { name: 'Show the server: Testing Test sshd' }).click();
  await expect(panel).toBeHidden();
  await expect(page.getByRole('heading', { level: 1, name: 'Servers' })).toBeVisible();

  // The Overview counts what is there and marks each step done as it becomes so.
  await openOverview(page);
  await expect(step(page, 'Add a server')).toContainText('Done');
  await expect(step(page, 'Import a compose file')).not.toContainText('Done');
  await expect(page.getByTestId('overview-servers-count')).toHaveText('2');
  await expect(page.getByText(/^[01] connected · 1 cannot connect$/)).toBeVisible();

  await call(page, 'destinations.save', { destination: { type: 'docker', name: 'ov-local', server: 'local', dockerSocket: '/nonexistent/berth-e2e/docker.sock' } });
  await call(page, 'apps.save', { app: { apiVersion: 'berth.dev/v1', kind: 'App', name: 'ov-shop', services: { web: { image: 'ghcr.io/acme/shop:1.0', ports: [{ port: 8080 }] } } } });
  await mainNav(page).getByRole('button', { name: 'Apps' }).click();
  await openOverview(page);
  await expect(step(page, 'Import a compose file')).toContainText('Done');
  await expect(step(page, 'Deploy to this computer')).not.toContainText('Done');
  await expect(page.getByTestId('overview-apps-count')).toHaveText('1');

  // Once a deploy has succeeded every step is done: the Overview is then the summary alone.
  await seedDeploys(host.dataDir, 'ov-shop', 'ov-local');
  await mainNav(page).getByRole('button', { name: 'Servers' }).click();
  await openOverview(page);
  await expect(startSteps(page)).toHaveCount(0);
  const deploys = page.getByRole('region', { name: 'Recent deploys' }).getByRole('listitem');
  await expect(deploys).toHaveCount(2);
  await expect(deploys.nth(0)).toContainText('ov-shop → ov-local');
  await expect(deploys.nth(0)).toContainText('failed');
  await expect(deploys.nth(1)).toContainText('succeeded');
  await expect(page.getByRole('list', { name: 'Recent activity' }).getByTestId('activity-entry')).not.toHaveCount(0);
  await expectAccessible(page, 'overview (filled)');
  await shotsAtBothSizes(page, 'overview-filled');

  // A recent deploy opens in its app's Deploys view.
  await deploys.nth(0).getByRole('button').click();
  await expect(page.getByRole('heading', { level: 1, name: 'ov-shop' })).toBeVisible();
  await expect(page.getByRole('tablist', { name: 'App views' }).getByRole('tab', { name: 'Deploys' })).toHaveAttribute('aria-selected', 'true');
});

test('a deploy is one Activity entry: its steps as progress while it runs, then its outcome', async ({ page, dockerServer }) => {
  test.skip(!dockerServer, 'no Docker server harness here (see the notice above)');
  test.setTimeout(300_000);
  const ssh = dockerServer!.ssh!;
  // Trusted as a user who checked the key would have it: a line in Berth's known_hosts.
  await fs.appendFile(path.join(host.dataDir, 'known_hosts'), `${ssh.host} ${ssh.hostPublicKey}\n`);
  await page.setViewportSize(SCREEN_SIZES[0]);
  await page.goto(host.url);
  const added = await call<{ id: string }>(page, 'servers.add', { name: 'Docker VPS', host: ssh.host, port: ssh.port, user: ssh.user, auth: { method: 'key', keyPath: ssh.clientKeyPath }, proxyJump: [] });
  await call(page, 'destinations.save', { destination: { type: 'docker', name: 'ov-vps', server: added.id, proxy: 'caddy', proxyImage: 'berth-test/caddy:2', drainSeconds: 1, readinessSeconds: 1 } });
  await call(page, 'apps.save', {
    app: {
      apiVersion: 'berth.dev/v1', kind: 'App', name: 'ov-worker',
      services: {
        // A hook that takes a few seconds, so the deploy can be seen running.
        worker: { image: 'berth-test/busybox:1', command: ['sh', '-c', 'while true; do sleep 1; done'], stopGracePeriodSeconds: 1, hooks: { preDeploy: ['sleep 6'] } },
      },
    },
  });

  await mainNav(page).getByRole('button', { name: 'Apps' }).click();
  await page.getByRole('navigation', { name: 'Apps' }).getByRole('button', { name: /^ov-worker\b/ }).click();
  await page.getByLabel('Destination', { exact: true }).selectOption('ov-vps');
  await page.getByRole('button', { name: 'Deploy…' }).click();
  const plan = page.getByRole('dialog', { name: 'Deploy ov-worker to ov-vps' });
  await expect(plan.locator('.plan-step').first()).toBeVisible({ timeout: 60_000 });
  const steps = await plan.locator('.plan-step').count();
  await plan.getByRole('button', { name: 'Confirm deploy' }).click();
  await expect(plan).toBeHidden();

  const panel = await openActivity(page);
  const deploying = entry(panel, 'Deploying ov-worker to ov-vps');
  await expect(deploying).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  await expect(page.getByTestId('activity-running')).toHaveText('1 running');
  await expect(deploying.locator('.activity-phase')).toHaveText(/…$/);
  await expect(deploying.getByText(new RegExp(`^\\d+ of ${steps} steps$`))).toBeVisible();
  await expect(deploying.getByRole('progressbar')).toHaveAttribute('max', String(steps));

  await expect(deploying).toHaveAttribute('data-state', 'succeeded', { timeout: 180_000 });
  await expect(deploying.getByText(`${steps} of ${steps} steps`)).toBeVisible();
  await expect(deploying.locator('.activity-outcome')).toHaveText(/^r\d{8}-\d{6}-[a-z0-9]{4} is serving\.$/);
  await expect(page.getByTestId('activity-running')).toHaveCount(0);

  // Show leads to the deploy in its app.
  await deploying.getByRole('button', { name: 'Show the deploy: Deploying ov-worker to ov-vps' }).click();
  await expect(page.getByRole('tablist', { name: 'App views' }).getByRole('tab', { name: 'Deploys' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('region', { name: 'Selected deploy' }).getByTestId('deploy-outcome')).toHaveText('succeeded');
});
