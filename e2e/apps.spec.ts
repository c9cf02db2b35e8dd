import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { fileText, goToLine, openApps } from './ui';

const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/screenshots/${name}.png` });

const fileMarkers = (page: Page, path: string) => page.evaluate((p) => window.__berthEditors?.markers(p) ?? [], path);

test('edit an app in the form and the rendered YAML, keep overrides, switch to Kubernetes, diff', async ({ page, webHost }) => {
  await openApps(page, webHost.url);

  await page.getByLabel('New app name').fill('shop');
  await page.getByRole('button', { name: 'New app' }).click();
  await expect(page.getByRole('tab', { name: 'compose.yaml' })).toBeVisible();
  await expect.poll(() => fileText(page, 'compose.yaml')).toContain('nginx:1.27-alpine');
  await expect(page.getByLabel('Unsaved changes')).toBeVisible();

  // A form edit re-renders the preview.
  await page.getByLabel('Image').fill('nginx:1.28-alpine');
  await expect.poll(() => fileText(page, 'compose.yaml')).toContain('nginx:1.28-alpine');
  await shot(page, 'apps-compose');

  // An invalid form value is flagged where it was typed and the last valid app keeps rendering.
  await page.getByLabel('Replicas').fill('two');
  await expect(page.getByRole('form', { name: 'App definition' }).getByText('Replicas must be a number, not text.')).toBeVisible();
  await expect(page.getByLabel('Replicas')).toHaveValue('two');
  await expect.poll(() => fileText(page, 'compose.yaml')).toContain('nginx:1.28-alpine');
  await page.getByLabel('Replicas').fill('1');

  // An edit of the rendered compose.yaml becomes an override.
  await goToLine(page, 'compose.yaml', 'image: nginx:1.28-alpine');
  await page.keyboard.type('pids_limit: 100');
  await page.keyboard.press('Enter');
  const overrides = page.getByRole('region', { name: 'Overrides' });
  await expect(overrides.getByRole('listitem')).toHaveCount(1);
  await expect(overrides).toContainText('web');

  // It survives another form change.
  await page.getByLabel('Image').fill('nginx:1.29-alpine');
  await expect.poll(() => fileText(page, 'compose.yaml')).toContain('nginx:1.29-alpine');
  expect(await fileText(page, 'compose.yaml')).toContain('pids_limit: 100');
  await expect(overrides.getByRole('listitem')).toHaveCount(1);
  await shot(page, 'apps-overrides');

  // Renaming the service leaves the override without its object: it is flagged, not dropped.
  await page.getByLabel('Service name').fill('frontend');
  await page.getByLabel('Service name').blur();
  await expect(overrides.getByText('target missing')).toBeVisible();
  await page.getByLabel('Service name').fill('web');
  await page.getByLabel('Service name').blur();
  await expect(overrides.getByText('target missing')).toBeHidden();
  await expect.poll(() => fileText(page, 'compose.yaml')).toContain('pids_limit: 100');

  // Broken YAML: the error is shown at its line, the text is kept, the last good render stays.
  const line = await goToLine(page, 'compose.yaml', 'pids_limit: 100');
  await page.keyboard.press('End');
  await page.keyboard.type(': oops');
  const editError = page.getByTestId('edit-error');
  await expect(editError).toContainText('compose.yaml');
  await expect(editError).toContainText(`line ${line}`);
  await expect.poll(async () => (await fileMarkers(page, 'compose.yaml')).some((m) => m.line === line)).toBe(true);
  await expect(page.locator('.apps-editor-slot .squiggly-error').first()).toBeAttached();
  expect(await fileText(page, 'compose.yaml')).toContain('pids_limit: 100: oops');
  await expect(overrides.getByRole('listitem')).toHaveCount(1);
  await shot(page, 'apps-yaml-error');
  await editError.getByRole('button', { name: 'Discard my edit' }).click();
  await expect(editError).toBeHidden();
  await expect.poll(() => fileText(page, 'compose.yaml')).not.toContain('oops');
  expect(await fileText(page, 'compose.yaml')).toContain('pids_limit: 100');

  // Reset removes the override.
  await overrides.getByRole('button', { name: 'Reset' }).click();
  await expect(overrides.getByRole('listitem')).toHaveCount(0);
  await expect.poll(() => fileText(page, 'compose.yaml')).not.toContain('pids_limit');

  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Saved' })).toBeVisible();
  await expect(page.getByLabel('Unsaved changes')).toBeHidden();
  await expect(page.getByRole('navigation', { name: 'Apps' }).getByRole('button', { name: /shop/ })).toBeVisible();

  // A Kubernetes destination renders manifests.
  await page.getByLabel('Destination', { exact: true }).selectOption({ label: 'New destination…' });
  const dialog = page.getByRole('form', { name: 'New destination' });
  await dialog.getByText('Kubernetes (cluster)').click();
  await dialog.getByLabel('Name', { exact: true }).fill('k3s-test');
  await dialog.getByLabel('Context', { exact: true }).selectOption('test-cluster');
  await dialog.getByLabel('Namespace', { exact: true }).selectOption('shop');
  await dialog.getByLabel('Ingress class').fill('traefik');
  await dialog.getByRole('button', { name: 'Save destination' }).click();
  await expect(dialog).toBeHidden();
  const manifestsTab = page.getByRole('tab', { name: /^(manifests|kubernetes)\.yaml$/ });
  await expect(manifestsTab).toBeVisible();
  const manifests = ((await manifestsTab.textContent()) ?? '').trim();
  await expect.poll(() => fileText(page, manifests)).toContain('kind: Deployment');
  expect(await fileText(page, manifests)).toContain('nginx:1.29-alpine');
  await expect(page.getByRole('tab', { name: 'compose.yaml' })).toHaveCount(0);
  await shot(page, 'apps-kubernetes');

  // berth.yaml shows the definition itself.
  await page.getByRole('tab', { name: 'berth.yaml' }).click();
  await expect.poll(() => fileText(page, 'berth.yaml')).toContain('apiVersion: berth.dev/v1');
  // monaco-yaml checks it against Berth's schema in its worker; the form follows the text.
  const replicasLine = await goToLine(page, 'berth.yaml', 'replicas: 1');
  await page.keyboard.press('End');
  await page.keyboard.type('x');
  await expect(page.getByLabel('Replicas')).toHaveValue('1x');
  await expect
    .poll(async () => (await fileMarkers(page, 'berth.yaml')).filter((m) => m.line === replicasLine).map((m) => m.message).join(' '))
    .toMatch(/incorrect type|expected/i);
  await shot(page, 'apps-berth-yaml');
  await page.keyboard.press('Backspace');
  await expect(page.getByLabel('Replicas')).toHaveValue('1');
  await expect(page.getByRole('button', { name: 'Saved' })).toBeVisible();

  await page.getByRole('tab', { name: 'Diff' }).click();
  await expect(page.getByText('Not deployed yet to k3s-test.')).toBeVisible();

  // A deploy records what it applied; the diff compares that with the current render.
  const current = (await fileText(page, manifests)) ?? '';
  const deployedBefore = current.replace('nginx:1.29-alpine', 'nginx:1.27-alpine');
  const record = path.join(webHost.dataDir, 'deployments', 'shop', 'k3s-test');
  await fs.mkdir(record, { recursive: true });
  await fs.writeFile(
    path.join(record, 'last.json'),
    JSON.stringify({ deployedAt: '2026-11-20T10:00:00Z', files: [{ path: manifests, language: 'yaml', content: deployedBefore, editable: true }] }),
  );
  await page.getByRole('tab', { name: 'berth.yaml' }).click();
  await page.getByRole('tab', { name: 'Diff' }).click();
  const diff = page.getByTestId('diff-editor');
  await expect(diff).toBeVisible();
  await expect(diff.locator('.modified-in-monaco-diff-editor')).toContainText('nginx:1.29-alpine');
  await expect(diff.locator('.original-in-monaco-diff-editor')).toContainText('nginx:1.27-alpine');
  await shot(page, 'apps-diff');
});

test('import a docker-compose file and see its findings', async ({ page, webHost }) => {
  await openApps(page, webHost.url);
  await page.getByRole('button', { name: 'Import compose file…' }).click();
  const dialog = page.getByRole('form', { name: 'Import docker-compose' });
  await dialog.getByLabel('…or paste it').fill(
    ['services:', '  api:', '    image: ghcr.io/acme/api:2.1', '    ports: ["8080:8080"]', '    privileged: true', '    network_mode: host', '    pid: host', '    environment:', '      LOG_LEVEL: info', ''].join('\n'),
  );
  await dialog.getByLabel('App name').fill('acme');
  await dialog.getByRole('button', { name: 'Import' }).click();
  const findings = dialog.getByLabel('Import findings');
  await expect(findings).toBeVisible();
  await expect(findings.locator('code').first()).toHaveText(/^[A-Z][A-Z0-9_]*$/);
  await shot(page, 'apps-import');
  await dialog.getByRole('button', { name: 'Open acme' }).click();
  await expect(dialog).toBeHidden();
  await expect.poll(() => fileText(page, 'compose.yaml')).toContain('ghcr.io/acme/api:2.1');
  await expect(page.getByLabel('Image')).toHaveValue('ghcr.io/acme/api:2.1');
});
