import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { call, fileText, goToLine, newApp, openApps, shotsAtBothSizes } from './ui';

/**
 * Issue #11, items 3 and 4: the form and the rendered YAML never disagree silently (an edit of what the definition
 * models changes the definition; the rest is an override the form marks, with Reset), and secrets: Reveal on every
 * env tab, "stored" after a reload.
 */

/** Replaces the line of `path` that contains `needle` (from its first non-blank character) with `text`. */
async function replaceLine(page: Page, path: string, needle: string, text: string) {
  await goToLine(page, path, needle);
  // Home in Monaco goes to the first non-blank character, so the indentation stays.
  await page.keyboard.press('Shift+End');
  await page.keyboard.type(text);
}

const overridesPanel = (page: Page) => page.getByRole('region', { name: 'Overrides' });
const problemsPanel = (page: Page) => page.getByRole('region', { name: 'Problems' });
const imageField = (page: Page) => page.getByRole('form', { name: 'App definition' }).locator('.apps-field').filter({ has: page.getByLabel('Image') });

test('an edit of the rendered YAML changes the definition; the form and both targets follow', async ({ page, webHost }) => {
  await page.setViewportSize({ width: 1280, height: 820 });
  await openApps(page, webHost.url);
  await newApp(page, 'formyaml', { docker: true });
  await page.getByLabel('Image').fill('nginx:1.27');
  await expect.poll(() => fileText(page, 'compose.yaml')).toContain('image: nginx:1.27');

  // compose.yaml: 1.27 → 1.28. The form shows 1.28, and it is the definition's, not an override.
  await page.getByRole('tab', { name: 'compose.yaml' }).click();
  await replaceLine(page, 'compose.yaml', 'image: nginx:1.27', 'image: nginx:1.28');
  await expect(page.getByLabel('Image')).toHaveValue('nginx:1.28');
  await expect.poll(() => fileText(page, 'berth.yaml')).toContain('image: nginx:1.28');
  await expect(overridesPanel(page).getByRole('listitem')).toHaveCount(0);
  await expect(imageField(page).getByText(/overridden in/)).toHaveCount(0);

  // The form's 1.30 then reaches compose.yaml…
  await page.getByLabel('Image').fill('nginx:1.30');
  await expect.poll(() => fileText(page, 'compose.yaml')).toContain('image: nginx:1.30');

  // …and the Kubernetes render.
  await page.getByLabel('Destination', { exact: true }).selectOption({ label: 'New destination…' });
  const dialog = page.getByRole('form', { name: 'New destination' });
  await dialog.getByText('Kubernetes (cluster)').click();
  await dialog.getByLabel('Name', { exact: true }).fill('formyaml-k8s');
  await dialog.getByLabel('Context', { exact: true }).selectOption('test-cluster');
  await dialog.getByLabel('Namespace', { exact: true }).selectOption('shop');
  await dialog.getByRole('button', { name: 'Save destination' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('tab', { name: 'kubernetes.yaml' })).toBeVisible();
  await expect.poll(() => fileText(page, 'kubernetes.yaml')).toContain('image: nginx:1.30');

  // An edit in kubernetes.yaml of what the definition models goes into the definition too: compose follows.
  await replaceLine(page, 'kubernetes.yaml', 'image: nginx:1.30', 'image: nginx:1.31');
  await expect(page.getByLabel('Image')).toHaveValue('nginx:1.31');
  await expect(overridesPanel(page).getByRole('listitem')).toHaveCount(0);

  // Something the definition cannot express (imagePullPolicy) becomes an override of the Deployment; Kubernetes
  // replaces the container list whole, so the Image field is marked as overridden there, with a Reset.
  await goToLine(page, 'kubernetes.yaml', 'image: nginx:1.31');
  await page.keyboard.type('imagePullPolicy: Always');
  await page.keyboard.press('Enter');
  await expect(overridesPanel(page).getByRole('listitem')).toHaveCount(1);
  await expect(overridesPanel(page)).toContainText('Deployment');
  const mark = imageField(page).getByTestId('overridden');
  await expect(mark).toContainText('overridden in kubernetes.yaml');
  await expect(mark.getByRole('button', { name: /^Reset/ })).toBeVisible();
  await expect(page.getByLabel('Image')).toHaveValue('nginx:1.31');

  // A form change the override hides on this target is reported in Problems, at the field.
  await page.getByLabel('Image').fill('nginx:1.32');
  await expect(problemsPanel(page)).toContainText('OVERRIDE_HIDES_FIELD');
  await expect(problemsPanel(page)).toContainText('services.web.image');
  expect(await fileText(page, 'kubernetes.yaml')).toContain('image: nginx:1.31');
  await shotsAtBothSizes(page, 'form-yaml-overridden');

  // Reset beside the field drops the override: the form's value renders again and the problem is gone.
  await mark.getByRole('button', { name: /^Reset/ }).click();
  await expect(overridesPanel(page).getByRole('listitem')).toHaveCount(0);
  await expect.poll(() => fileText(page, 'kubernetes.yaml')).toContain('image: nginx:1.32');
  expect(await fileText(page, 'kubernetes.yaml')).not.toContain('imagePullPolicy');
  await expect(problemsPanel(page)).not.toContainText('OVERRIDE_HIDES_FIELD');
  await expect(imageField(page).getByTestId('overridden')).toHaveCount(0);
});

test('secrets: Reveal on the .env.<service> tab, and "stored" after a reload', async ({ page, webHost }) => {
  await page.setViewportSize({ width: 1280, height: 820 });
  await openApps(page, webHost.url);
  await newApp(page, 'secretapp', { docker: true });

  await page.getByRole('button', { name: 'Add variable' }).click();
  await page.getByLabel('VAR_1 kind').selectOption('secret');
  const secret = page.getByLabel('VAR_1 secret value');
  await expect(secret).toHaveAttribute('placeholder', /no value yet/);
  await secret.fill('s3cret-value');
  await secret.blur();
  const row = page.locator('.apps-row').filter({ has: secret });
  await expect(row.getByText('stored', { exact: true })).toBeVisible();

  // The rendered env file is .env.web: Reveal is there, and shows the value only when asked.
  const envTab = page.getByRole('tab', { name: '.env.web' });
  await expect(envTab).toBeVisible();
  await envTab.click();
  await expect.poll(() => fileText(page, '.env.web')).toContain("VAR_1='********'");
  await page.getByRole('button', { name: 'Reveal secrets' }).click();
  await expect.poll(() => fileText(page, '.env.web')).toContain("VAR_1='s3cret-value'");
  await page.getByRole('button', { name: 'Hide secrets' }).click();
  await expect.poll(() => fileText(page, '.env.web')).toContain("VAR_1='********'");

  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Saved' })).toBeVisible();

  // After a reload the field is empty (the value never comes back to the page) but says it is stored.
  await page.reload();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Apps' }).click();
  await page.getByRole('navigation', { name: 'Apps' }).getByRole('button', { name: /^secretapp\b/ }).click();
  await page.getByLabel('Destination', { exact: true }).selectOption('secretapp-docker');
  const again = page.getByLabel('VAR_1 secret value');
  await expect(again).toHaveValue('');
  await expect(again).toHaveAttribute('placeholder', /stored/);
  await expect(page.locator('.apps-row').filter({ has: again }).getByText('stored', { exact: true })).toBeVisible();
  expect(await page.content()).not.toContain('s3cret-value');
  await page.getByRole('tab', { name: '.env.web' }).click();
  await expect(page.getByRole('button', { name: 'Reveal secrets' })).toBeVisible();
  await again.scrollIntoViewIfNeeded();
  await shotsAtBothSizes(page, 'form-yaml-secret-stored');
});

test('one editor serves every app opened: an edit still pending and the undo history stay with their app', async ({ page, webHost }) => {
  const app = (name: string, image: string) => ({ apiVersion: 'berth.dev/v1', kind: 'App', name, services: { web: { image, ports: [{ port: 80 }] } } });
  await page.goto(webHost.url);
  await call(page, 'apps.save', { app: app('fy-first', 'nginx:1.25') });
  await call(page, 'apps.save', { app: app('fy-second', 'caddy:2.8') });
  await openApps(page, webHost.url);
  const list = page.getByRole('navigation', { name: 'Apps' });
  await list.getByRole('button', { name: /^fy-first\b/ }).click();
  await expect.poll(() => fileText(page, 'compose.yaml')).toContain('image: nginx:1.25');

  // Typed, then another app opened before the edit is applied (it waits for a pause in typing).
  await replaceLine(page, 'compose.yaml', 'image: nginx:1.25', 'image: nginx:9.99');
  await list.getByRole('button', { name: /^fy-second\b/ }).click();
  await expect.poll(() => fileText(page, 'compose.yaml')).toContain('image: caddy:2.8');
  await page.waitForTimeout(1_000);
  await expect(page.getByLabel('Image')).toHaveValue('caddy:2.8');
  expect(await fileText(page, 'compose.yaml')).not.toContain('9.99');

  // Undo in the new app's file has nothing of the first app's to bring back.
  await page.locator('.apps-editor-slot .monaco-editor .view-lines').click();
  await page.keyboard.press('Control+Z');
  await page.waitForTimeout(600);
  expect(await fileText(page, 'compose.yaml')).toContain('image: caddy:2.8');
  expect(await fileText(page, 'compose.yaml')).not.toContain('nginx');

  await list.getByRole('button', { name: /^fy-first\b/ }).click();
  await expect(page.getByLabel('Image')).toHaveValue('nginx:1.25');
  await expect.poll(() => fileText(page, 'compose.yaml')).toContain('image: nginx:1.25');
  for (const name of ['fy-first', 'fy-second']) await call(page, 'apps.remove', { name });
});

test('opening an app is one round trip: the form and the rendered files come together, and only an edit renders again', async ({ page, webHost }) => {
  const asked: string[] = [];
  page.on('websocket', (ws) =>
    ws.on('framesent', ({ payload }) => {
      if (typeof payload !== 'string') return;
      const msg = JSON.parse(payload) as { type: string; method?: string };
      if (msg.type === 'call' && ['apps.get', 'apps.open', 'apps.render'].includes(msg.method ?? '')) asked.push(msg.method!);
    }),
  );
  await page.goto(webHost.url);
  await call(page, 'apps.save', { app: { apiVersion: 'berth.dev/v1', kind: 'App', name: 'fy-open', services: { web: { image: 'nginx:1.25', ports: [{ port: 80 }] } } } });
  // Opened at once on arriving: the page knows the destination before the first app opens.
  await openApps(page, webHost.url);
  await page.getByRole('navigation', { name: 'Apps' }).getByRole('button', { name: /^fy-open\b/ }).click();
  await expect.poll(() => fileText(page, 'compose.yaml')).toContain('image: nginx:1.25');
  await expect(page.getByLabel('Image')).toHaveValue('nginx:1.25');
  // Longer than the render debounce: a render asked after the open would have gone by now.
  await page.waitForTimeout(1_000);
  expect(asked).toEqual(['apps.open']);

  await page.getByLabel('Image').fill('nginx:1.27');
  await expect.poll(() => fileText(page, 'compose.yaml')).toContain('image: nginx:1.27');
  expect(asked).toEqual(['apps.open', 'apps.render']);
  await call(page, 'apps.remove', { name: 'fy-open' });
});
