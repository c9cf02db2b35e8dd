import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { writeWebAppRepo } from '../test/support/docker-server.js';
import { getThroughProxy } from '../test/support/proxy-client.js';
import { expect, test } from './fixtures';
import { call, openServers } from './ui';

const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/screenshots/${name}.png` });

async function openApp(page: Page, name: string) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Apps' }).click();
  await page.getByRole('navigation', { name: 'Apps' }).getByRole('button', { name: new RegExp(`^${name}\\b`) }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

const view = (page: Page, name: 'Definition' | 'Deploys' | 'Status') => page.getByRole('tablist', { name: 'App views' }).getByRole('tab', { name }).click();
/** Rows xterm's DOM renderer draws for a terminal (the visible part of its buffer). */
const rowsOf = (terminal: Locator) => terminal.locator('.xterm-rows').innerText();
const deployLog = (page: Page) => page.getByTestId('deploy-log');
const history = (page: Page) => page.getByRole('region', { name: 'History' });
const selectedDeploy = (page: Page) => page.getByRole('region', { name: 'Selected deploy' });

// ---------------------------------------------------------------------------
// Records written by the core's own format (electron/deploy/engine/records.ts): History, the step list and past logs
// render from them even when the destination's server cannot be reached.

const STEPS = [
  ['connect', 'Connect'],
  ['docker', 'Check Docker'],
  ['lock', 'Acquire the app lock'],
  ['source', 'Get the images'],
  ['upload', 'Upload the release'],
  ['start', 'Start the new release'],
  ['health', 'Wait for health'],
  ['switch', 'Switch traffic'],
  ['record', 'Record the release'],
  ['unlock', 'Release the app lock'],
] as const;

function seededRecord(id: string, startedAt: string, statuses: string[], extra: Record<string, unknown> = {}) {
  let t = Date.parse(startedAt);
  const steps = STEPS.map(([stepId, title], i) => {
    const status = statuses[i] ?? 'pending';
    if (status === 'pending' || status === 'skipped') return { id: stepId, title, status };
    const start = new Date(t).toISOString();
    t += 900 + i * 700;
    return { id: stepId, title, status, startedAt: start, finishedAt: new Date(t).toISOString() };
  });
  return { id, kind: 'deploy', app: 'ledger', destination: 'ledger-vps', server: 'local', by: 'ann@laptop', startedAt, finishedAt: new Date(t).toISOString(), steps, ...extra };
}

const logLines = (lines: string[]) => lines.map((l) => `${l}\r\n`).join('');

async function seedRecords(dataDir: string) {
  const dir = path.join(dataDir, 'deployments', 'ledger', 'ledger-vps');
  await fs.mkdir(dir, { recursive: true });
  const write = async (record: { id: string }, log: string) => {
    await fs.writeFile(path.join(dir, `${record.id}.json`), `${JSON.stringify(record, null, 2)}\n`);
    await fs.writeFile(path.join(dir, `${record.id}.log`), log);
  };
  await write(
    seededRecord('r20261201-093000-ab12', '2026-12-01T09:30:00.000Z', Array(10).fill('done'), { outcome: 'succeeded' }),
    logLines([
      '\u001b[1mBerth deploy ledger → ledger-vps as r20261201-093000-ab12\u001b[0m',
      '  web: created',
      '\u001b[1m▸ Get the images\u001b[0m',
      '$ docker pull ghcr.io/acme/ledger:1.4',
      '1.4: Pulling from acme/ledger',
      'Status: Downloaded newer image for ghcr.io/acme/ledger:1.4',
      '\u001b[32m✓ r20261201-093000-ab12 is serving.\u001b[0m',
    ]),
  );
  await write(
    seededRecord('r20261202-101500-cd34', '2026-12-02T10:15:00.000Z', ['done', 'done', 'done', 'done', 'done', 'done', 'failed', 'skipped', 'skipped', 'done'], {
      outcome: 'failed',
      failedStep: 'health',
      error: 'web did not become healthy within 60 s: GET /health answered 500 five times. Open its logs (Status → Logs) to see why.',
    }),
    logLines([
      '\u001b[1mBerth deploy ledger → ledger-vps as r20261202-101500-cd34\u001b[0m',
      '  web: new containers start beside r20261201-093000-ab12, traffic moves once they are healthy',
      '\u001b[1m▸ Wait for health\u001b[0m',
      'web-1: GET /health → 500 (1/5)',
      'web-1: GET /health → 500 (5/5)',
      '\u001b[31mFailed: r20261201-093000-ab12 keeps serving.\u001b[0m',
    ]),
  );
}

test('history, a past deploy\'s steps and log, and errors that say what to do when the server is out of reach', async ({ page, webHost }) => {
  await openServers(page, webHost.url);
  // Docker "on this computer" through a socket that does not exist: the server side can never be read here.
  await call(page, 'destinations.save', { destination: { type: 'docker', name: 'ledger-vps', server: 'local', dockerSocket: '/nonexistent/berth-e2e/docker.sock' } });
  await call(page, 'apps.save', { app: { apiVersion: 'berth.dev/v1', kind: 'App', name: 'ledger', services: { web: { image: 'ghcr.io/acme/ledger:1.4', ports: [{ port: 8080 }], routes: [{ domain: 'ledger.test', port: 8080 }] } } } });
  await seedRecords(webHost.dataDir);

  await openApp(page, 'ledger');
  await page.getByLabel('Destination', { exact: true }).selectOption('ledger-vps');
  // A JSON file in the preview loads Monaco's JSON mode (see the end of this test).
  await expect(page.getByRole('tab', { name: 'caddy.json' })).toBeVisible();
  await view(page, 'Deploys');

  const items = history(page).locator('tbody tr');
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toHaveAccessibleName('r20261202-101500-cd34');
  await expect(items.nth(0)).toContainText('failed');
  await expect(items.nth(1)).toContainText('succeeded');
  await expect(items.nth(1)).toContainText('ann@laptop');
  // The server's side could not be read: said as a sentence, with what the daemon problem is and how to fix it.
  const note = page.getByRole('alert').filter({ hasText: 'release history on ledger-vps could not be read' });
  await expect(note).toContainText('/nonexistent/berth-e2e/docker.sock');
  await expect(note).toContainText(/Start it|set the destination's Docker socket/);

  // The newest is selected: its steps with status and timings, why it failed, and its log.
  const detail = selectedDeploy(page);
  await expect(detail.getByRole('heading', { name: /Deploy r20261202-101500-cd34/ })).toBeVisible();
  const steps = detail.getByRole('list', { name: 'Steps' }).getByRole('listitem');
  await expect(steps).toHaveCount(10);
  await expect(steps.nth(6)).toHaveAttribute('data-status', 'failed');
  await expect(steps.nth(7)).toHaveAttribute('data-status', 'skipped');
  await expect(steps.nth(0)).toContainText(/\d\.\d s/);
  await expect(detail.getByRole('alert').filter({ hasText: 'Failed in “Wait for health”.' })).toContainText('Open its logs');
  await expect.poll(() => rowsOf(deployLog(page))).toContain('GET /health → 500 (5/5)');
  await shot(page, 'deploy-history-failed');

  // Any past deploy's log.
  await items.nth(1).getByRole('button').first().click();
  await expect(detail.getByRole('heading', { name: /Deploy r20261201-093000-ab12/ })).toBeVisible();
  await expect.poll(() => rowsOf(deployLog(page))).toContain('r20261201-093000-ab12 is serving.');
  expect(await rowsOf(deployLog(page))).not.toContain('GET /health');
  await expect(detail.getByTestId('deploy-outcome')).toHaveText('succeeded');

  // Deploy: the plan cannot be made, and the dialog says why and what to do.
  await page.getByRole('button', { name: 'Deploy…' }).click();
  const plan = page.getByRole('dialog', { name: 'Deploy ledger to ledger-vps' });
  await expect(plan.getByRole('alert')).toContainText('No plan could be made.');
  await expect(plan.getByRole('alert')).toContainText('/nonexistent/berth-e2e/docker.sock');
  await expect(plan.getByRole('button', { name: 'Confirm deploy' })).toBeDisabled();
  await plan.getByRole('button', { name: 'Cancel' }).click();
  await expect(plan).toBeHidden();

  await view(page, 'Status');
  await expect(page.getByRole('alert').filter({ hasText: 'The containers could not be listed.' })).toContainText('/nonexistent/berth-e2e/docker.sock');

  // Leaving the Apps page and coming back makes a new editor (as "Show" on a deploy does); Monaco's JSON mode must
  // not have registered contributions its services do not know ("depends on UNKNOWN service", on idle).
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Servers' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Apps' }).click();
  await expect(page.locator('.apps-editor-slot .monaco-editor')).toBeAttached();
  await page.evaluate(() => new Promise<void>((resolve) => requestIdleCallback(() => requestIdleCallback(() => resolve(), { timeout: 6000 }), { timeout: 6000 })));
});

// ---------------------------------------------------------------------------
// A real deploy over SSH to a Docker server in its own network namespace (test/support/docker-server.ts).

interface PlanStep {
  title: string;
  actions: { kind: string; display?: string; path?: string; mode?: string }[];
}

/** The plans the page received from the core, as sent: the dialog must show each of them whole. */
function capturePlans(page: Page): { steps: PlanStep[]; services: { summary: string }[]; warnings: string[] }[] {
  const plans: { steps: PlanStep[]; services: { summary: string }[]; warnings: string[] }[] = [];
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      if (typeof payload !== 'string' || !payload.includes('"planId"')) return;
      const msg = JSON.parse(payload) as { type: string; ok?: boolean; result?: { planId?: string; plan?: (typeof plans)[number] } };
      if (msg.type === 'result' && msg.ok && msg.result?.planId && msg.result.plan) plans.push(msg.result.plan);
    }),
  );
  return plans;
}

/** Every step of the plan with its exact commands and uploads is in the dialog. */
async function expectDialogShowsPlan(dialog: Locator, plan: (ReturnType<typeof capturePlans>)[number]) {
  const steps = dialog.getByRole('region', { name: 'Steps' }).locator('.plan-step');
  await expect(steps).toHaveCount(plan.steps.length);
  for (const [i, step] of plan.steps.entries()) {
    const shown = steps.nth(i);
    await expect(shown.locator('h4')).toHaveText(step.title);
    const commands = await shown.locator(':scope > .plan-actions .plan-command').allTextContents();
    expect(commands).toEqual(step.actions.filter((a) => a.kind === 'exec' || a.kind === 'pipe').map((a) => a.display));
    for (const upload of step.actions.filter((a) => a.kind === 'upload')) {
      await expect(shown.locator('.plan-upload summary').filter({ hasText: upload.path! }).first()).toContainText(`mode ${upload.mode}`);
    }
  }
  for (const s of plan.services) await expect(dialog.getByRole('region', { name: 'Services' })).toContainText(s.summary);
  for (const w of plan.warnings) await expect(dialog.getByRole('region', { name: 'Warnings' })).toContainText(w);
}

/** Opens the plan dialog, checks it against the plan the core sent, confirms; resolves once the deploy runs. */
async function deployFromDialog(page: Page, plans: ReturnType<typeof capturePlans>, open: Locator, dialog: Locator, confirm: string, screenshot?: string) {
  plans.length = 0;
  await open.click();
  await expect(dialog.locator('.plan-step').first()).toBeVisible({ timeout: 60_000 });
  expect(plans).toHaveLength(1);
  const plan = plans[0]!;
  await expectDialogShowsPlan(dialog, plan);
  if (screenshot) {
    await dialog.locator('.plan-upload summary').first().click();
    await expect(dialog.locator('.plan-preview').first()).toBeVisible();
    await shot(page, screenshot);
  }
  await dialog.getByRole('button', { name: confirm }).click();
  await expect(dialog).toBeHidden();
  return plan;
}

const waitForOutcome = (page: Page, outcome: string) => expect(selectedDeploy(page).getByTestId('deploy-outcome')).toHaveText(outcome, { timeout: 180_000 });

test('deploy to a Docker server over SSH: plan, live steps and log, history, rollback, status, logs, shell, restart, stale lock', async ({ page, webHost, dockerServer }) => {
  test.skip(!dockerServer, 'no Docker server harness here (see the notice above)');
  test.setTimeout(900_000);
  const server = dockerServer!;
  const ssh = server.ssh!;
  const plans = capturePlans(page);

  // The server's host key is trusted the way a user who checked it would have: a line in Berth's known_hosts.
  await fs.appendFile(path.join(webHost.dataDir, 'known_hosts'), `${ssh.host} ${ssh.hostPublicKey}\n`);
  const repo = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'berth-e2e-repo-')), 'webshop');
  const v1 = await writeWebAppRepo(repo, 'v1');

  await openServers(page, webHost.url);
  const added = await call<{ id: string }>(page, 'servers.add', { name: 'Docker VPS', host: ssh.host, port: ssh.port, user: ssh.user, auth: { method: 'key', keyPath: ssh.clientKeyPath }, proxyJump: [] });
  await call(page, 'destinations.save', {
    destination: { type: 'docker', name: 'vps', server: added.id, proxy: 'caddy', proxyImage: 'berth-test/caddy:2', drainSeconds: 2, readinessSeconds: 2 },
  });
  await call(page, 'apps.save', {
    app: {
      apiVersion: 'berth.dev/v1', kind: 'App', name: 'webshop',
      services: {
        web: {
          build: { git: repo, ref: 'main' },
          ports: [{ port: 8080 }],
          routes: [{ domain: 'shop.test', port: 8080, https: false }],
          healthcheck: { http: { path: '/health', port: 8080 }, intervalSeconds: 1, timeoutSeconds: 2, retries: 3 },
          // A migration-like hook that takes a few seconds, so the running deploy can be watched mid-step.
          hooks: { preDeploy: ['echo "migrating the database"; sleep 6; echo "migrations done"'] },
        },
        // A service that writes a log line every second (busybox httpd writes none), for Follow logs.
        worker: { image: 'berth-test/busybox:1', command: ['sh', '-c', 'while true; do echo tick; sleep 1; done'], stopGracePeriodSeconds: 1 },
      },
    },
  });

  await openApp(page, 'webshop');
  await page.getByLabel('Destination', { exact: true }).selectOption('vps');

  // ---- Deploy v1: the plan dialog, then the live steps and log.
  const deployButton = page.getByRole('button', { name: 'Deploy…' });
  const dialog = page.getByRole('dialog', { name: 'Deploy webshop to vps' });
  const plan1 = await deployFromDialog(page, plans, deployButton, dialog, 'Confirm deploy', 'deploy-plan');
  expect(plan1.services.map((s) => s.summary).join(' ')).toMatch(/web/);

  const detail = selectedDeploy(page);
  await expect(detail.getByTestId('deploy-outcome')).toHaveText('running');
  await expect(detail.getByRole('list', { name: 'Steps' }).getByRole('listitem')).toHaveText(plan1.steps.map((s) => new RegExp(escapeRegExp(s.title))));
  await expect(page.getByRole('region', { name: 'Running deploys' })).toContainText('webshop → vps');
  // Mid-deploy: the hook's step runs beside a log that grows as the core pushes it (never polled).
  await expect(detail.locator('.run-step-running')).toHaveText(/Run pre-deploy hooks/, { timeout: 120_000 });
  await expect.poll(() => rowsOf(deployLog(page))).toContain('migrating the database');
  await expect(detail.locator('.run-step-done').first()).toBeVisible();
  await shot(page, 'deploy-running');
  // The hook's own output (the command line shown before it also names these words, so match whole lines).
  await expect.poll(() => rowsOf(deployLog(page)), { timeout: 30_000 }).toMatch(/^\s*migrations done\s*$/m);
  await waitForOutcome(page, 'succeeded');
  await expect.poll(() => rowsOf(deployLog(page))).toMatch(/r\d{8}-\d{6}-[a-z0-9]{4} is serving\./);
  await expect(page.getByRole('region', { name: 'Running deploys' })).toBeHidden();
  // Finished: the browser says so with a toast.
  const toast = page.getByRole('region', { name: 'Notifications' }).getByRole('status').filter({ hasText: 'webshop deployed to vps' });
  await expect(toast).toBeVisible();
  await toast.getByRole('button', { name: 'Dismiss' }).click();
  expect(await getThroughProxy(server.address, 'shop.test')).toEqual({ status: 200, body: 'v1\n' });
  await expect(detail.locator('.run-step-done')).toHaveCount(plan1.steps.length);

  // ---- Deploy v2: the new release starts beside the old one.
  await writeWebAppRepo(repo, 'v2');
  const plan2 = await deployFromDialog(page, plans, deployButton, dialog, 'Confirm deploy');
  expect(plan2.services.find((s) => s.summary.startsWith('web'))?.summary).toMatch(/beside/);
  // The running deploy in the sidebar leads back to it from anywhere.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Servers' }).click();
  await page.getByRole('region', { name: 'Running deploys' }).getByRole('button', { name: /webshop → vps/ }).click();
  await expect(page.getByRole('tablist', { name: 'App views' }).getByRole('tab', { name: 'Deploys' })).toHaveAttribute('aria-selected', 'true');
  await expect(detail.getByTestId('deploy-outcome')).toHaveText('running');
  await waitForOutcome(page, 'succeeded');
  expect((await getThroughProxy(server.address, 'shop.test')).body).toBe('v2\n');

  // ---- History: newest first with state, source, who and duration; v1 is kept and can be rolled back to.
  const items = history(page).locator('tbody tr');
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toContainText('serving');
  await expect(items.nth(1)).toContainText('kept');
  await expect(items.nth(1)).toContainText(v1.sha.slice(0, 7));
  await expect(items.nth(1)).toContainText(/\d+(\.\d)? s|\d+ min/);
  await items.nth(1).getByRole('button').first().click();
  await expect.poll(() => rowsOf(deployLog(page))).toContain('is serving.');
  await dismissToasts(page);
  await shot(page, 'deploy-history');

  const rollback = page.getByRole('dialog', { name: 'Roll back webshop on vps' });
  await deployFromDialog(page, plans, items.nth(1).getByRole('button', { name: 'Roll back to this' }), rollback, 'Confirm rollback');
  await expect(detail.getByRole('heading', { name: /Rollback r/ })).toBeVisible();
  await waitForOutcome(page, 'succeeded');
  expect((await getThroughProxy(server.address, 'shop.test')).body).toBe('v1\n');
  await expect(items).toHaveCount(3);
  await expect(items.nth(0)).toContainText('serving');
  await expect(items.nth(0)).toContainText('rollback');

  // ---- Status: the containers, then logs and a shell in terminal tabs, and a restart.
  await view(page, 'Status');
  const row = page.getByRole('row', { name: /_web_1$|-web-1$/ }).filter({ hasText: 'running' }).first();
  await expect(row).toBeVisible();
  await expect(row).toContainText('healthy');
  await expect(row).toContainText('webshop');
  await expect(page.getByRole('row', { name: /_worker_1$|-worker-1$/ }).first()).toContainText('no check');
  await dismissToasts(page);
  await shot(page, 'deploy-status');

  await page.getByRole('button', { name: 'Follow logs (all services)' }).click();
  const logsTab = page.getByRole('tab', { name: 'webshop logs' });
  await expect(logsTab).toHaveAttribute('aria-selected', 'true');
  const terminal = page.locator('.terminal-view:not([hidden])');
  // Every running container of the app, each line prefixed with its service.
  await expect.poll(() => rowsOf(terminal), { timeout: 30_000 }).toMatch(/^worker \| tick/m);
  await shot(page, 'deploy-container-logs');

  const container = (await row.getAttribute('aria-label'))!;
  await row.getByRole('button', { name: `Shell in ${container}` }).click();
  await expect(page.getByRole('tab', { name: 'web shell' })).toHaveAttribute('aria-selected', 'true');
  // Typing before the prompt would show the input twice (echoed early, then by the shell).
  await expect.poll(async () => /[#$]$/.test((await rowsOf(terminal)).trimEnd()), { timeout: 30_000 }).toBe(true);
  await terminal.locator('.terminal-screen').click();
  await page.keyboard.type('echo in-$((6*7)) $(cat /www/index.html); stty size');
  await page.keyboard.press('Enter');
  await expect.poll(() => rowsOf(terminal)).toContain('in-42 v1');
  // The PTY has the terminal's size, not a default 24x80.
  const [, rows, cols] = /^(\d+) (\d+)$/m.exec(await rowsOf(terminal)) ?? [];
  expect(Number(cols)).toBeGreaterThan(80);
  expect(Number(rows)).toBeGreaterThan(3);
  await shot(page, 'deploy-container-shell');
  await page.getByRole('button', { name: 'Hide terminals' }).click();

  await row.getByRole('button', { name: `Restart ${container}` }).click();
  const restart = page.getByRole('dialog', { name: `Restart ${container}?` });
  await restart.getByRole('button', { name: 'Restart' }).click();
  await expect(restart).toBeHidden({ timeout: 60_000 });
  const started = (await server.docker(['inspect', '-f', '{{.State.StartedAt}}', container])).stdout.trim();
  expect(Date.now() - Date.parse(started)).toBeLessThan(60_000);

  // ---- A lock left by a Berth that died: Break lock, after a confirmation.
  const lockDir = path.join(server.home, '.berth', 'apps', 'webshop', 'lock');
  await fs.mkdir(lockDir);
  await fs.writeFile(path.join(lockDir, 'info.json'), JSON.stringify({ by: 'bob@old-laptop', berthVersion: '0.1.0', releaseId: 'r20261130-235959-zz99', startedAt: '2026-11-30T23:59:59Z' }));
  await fs.writeFile(path.join(lockDir, 'heartbeat'), '');
  const old = new Date(Date.now() - 10 * 60_000);
  await fs.utimes(path.join(lockDir, 'heartbeat'), old, old);
  await fs.utimes(lockDir, old, old);
  for (const p of [lockDir, path.join(lockDir, 'info.json'), path.join(lockDir, 'heartbeat')]) await fs.chown(p, server.uid, server.gid);
  await view(page, 'Deploys');
  const lock = page.getByRole('status', { name: 'Deploy lock' });
  await expect(lock).toContainText('A stale lock blocks deploys of webshop on vps.');
  await expect(lock).toContainText('bob@old-laptop');
  await shot(page, 'deploy-stale-lock');
  await lock.getByRole('button', { name: 'Break lock' }).click();
  const confirmBreak = page.getByRole('dialog', { name: 'Break the lock?' });
  await confirmBreak.getByRole('button', { name: 'Break lock' }).click();
  await expect(lock).toBeHidden();
  await expect(fs.stat(lockDir)).rejects.toThrow();
  await fs.rm(path.dirname(repo), { recursive: true, force: true });
});

async function dismissToasts(page: Page) {
  const buttons = page.getByRole('region', { name: 'Notifications' }).getByRole('button', { name: 'Dismiss' });
  while ((await buttons.count()) > 0) await buttons.first().click();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
