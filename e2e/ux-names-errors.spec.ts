import { execFileSync } from 'node:child_process';
import type { Page } from '@playwright/test';
import { startSshd } from '../test/support/sshd.js';
import { expect, test } from './fixtures';
import { startWebHostProcess } from './web-host-process';
import { openServers, shotsAtBothSizes } from './ui';

/**
 * Issue #11: names that stay unique, a destination that is never overwritten, a probe that tells the daemon from the
 * client, errors worded for people, and managing the apps and destinations one created.
 */

/** zod's own wording, which must never reach a person. */
const RAW = /Too small|Too big|Invalid key in record|Invalid input|expected \w+, received|>=|<=/;

const serverRow = (page: Page, name: string) => page.locator('.server', { has: page.getByRole('heading', { name, exact: true }) });

async function openApps(page: Page, url: string) {
  await page.goto(url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Apps' }).click();
  await expect(page.getByRole('navigation', { name: 'Apps' })).toBeVisible();
}

async function newApp(page: Page, name: string) {
  await page.getByLabel('New app name').fill(name);
  await page.getByRole('button', { name: 'New app' }).click();
  await expect(page.getByRole('tab', { name: 'compose.yaml' })).toBeVisible();
}

test('server names are unique and "This computer" is reserved; a missing key file is refused at once; a new server is tested right away', async ({ page }) => {
  // A web host and an sshd of its own: the worker's shared ones may already trust that host key (another spec did), and then no question comes.
  const webHost = await startWebHostProcess();
  const sshd = await startSshd();
  try {
  await openServers(page, webHost.url);
  await expect(page.getByRole('heading', { name: 'Servers' })).toBeVisible();

  const fill = async (name: string, keyPath: string) => {
    await page.getByRole('button', { name: 'Add server' }).click();
    const form = page.getByRole('dialog', { name: 'Add a server' });
    await form.getByLabel('Name', { exact: true }).fill(name);
    await form.getByLabel('Host', { exact: true }).fill(sshd.host);
    await form.getByLabel('Port', { exact: true }).fill(String(sshd.port));
    await form.getByLabel('User', { exact: true }).fill(sshd.user);
    await form.getByLabel('Private key file', { exact: true }).fill(keyPath);
    await form.getByRole('button', { name: 'Add server' }).click();
    return form;
  };

  // A key file that is not there is refused under its field, with what to type.
  let form = await fill('vps-1', '/nonexistent/id_ed25519');
  await expect(form.getByLabel('Private key file', { exact: true })).toHaveAccessibleDescription(
    'There is no file /nonexistent/id_ed25519. Enter the path of your private key, e.g. ~/.ssh/id_ed25519.',
  );
  await shotsAtBothSizes(page, 'ux-server-missing-key');
  await form.getByLabel('Private key file', { exact: true }).fill(sshd.clientKeyPath);
  await form.getByRole('button', { name: 'Add server' }).click();
  await expect(form).toBeHidden();

  // Added, it is tested at once: the host key question comes without a click on Test connection.
  const hostKey = page.getByRole('dialog', { name: 'Unknown host key' });
  await expect(hostKey).toBeVisible();
  await hostKey.getByRole('button', { name: 'Trust and connect' }).click();
  await expect(serverRow(page, 'vps-1').getByTestId('server-state')).toHaveText('Connected', { timeout: 60_000 });

  // The same name in another case is refused, naming the server that has it.
  form = await fill('VPS-1', sshd.clientKeyPath);
  await expect(form.getByLabel('Name', { exact: true })).toHaveAccessibleDescription(
    `A server named "vps-1" already exists (${sshd.user}@${sshd.host}). Choose another name, or edit that server.`,
  );
  await shotsAtBothSizes(page, 'ux-server-duplicate');
  await form.getByLabel('Name', { exact: true }).fill('this computer');
  await form.getByRole('button', { name: 'Add server' }).click();
  await expect(form.getByLabel('Name', { exact: true })).toHaveAccessibleDescription('"This computer" is the built-in name of this computer. Choose another name.');
  await form.getByRole('button', { name: 'Cancel' }).click();

  // Renaming a server to "This computer" is refused too.
  await serverRow(page, 'vps-1').getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit vps-1' });
  await edit.getByLabel('Name', { exact: true }).fill('This computer');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit.getByLabel('Name', { exact: true })).toHaveAccessibleDescription(/"This computer" is the built-in name/);
  await edit.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('heading', { name: /^vps-1$/i })).toHaveCount(1);
  await expect(page.getByRole('heading', { name: 'This computer', exact: true })).toHaveCount(1);

  // Form messages come from the one mapping, never zod's wording.
  await page.getByRole('button', { name: 'Add server' }).click();
  form = page.getByRole('dialog', { name: 'Add a server' });
  await form.getByRole('button', { name: 'Add server' }).click();
  await expect(form.getByLabel('Name', { exact: true })).toHaveAccessibleDescription('Enter the name; it cannot be empty.');
  await expect(form.getByLabel('User', { exact: true })).toHaveAccessibleDescription('Enter the user; it cannot be empty.');
  await form.getByRole('button', { name: 'Cancel' }).click();
  } finally {
    await webHost.stop();
    await sshd.stop();
  }
});

test('the probe reports the Docker daemon, or that it is not reachable and why; Compose v1 is called legacy', async ({ page, webHost }) => {
  // What this machine's Docker says, read the way the probe reads it.
  let daemon: string | null = null;
  let reason = '';
  try {
    daemon = execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim() || null;
  } catch (err) {
    reason = String((err as { stderr?: string }).stderr ?? '').trim().split('\n').filter(Boolean).at(-1) ?? '';
  }
  let composeV1: string | null = null;
  try {
    execFileSync('docker', ['compose', 'version', '--short'], { stdio: 'ignore' });
  } catch {
    try {
      composeV1 = execFileSync('docker-compose', ['version', '--short'], { encoding: 'utf8' }).trim();
    } catch {
      composeV1 = null;
    }
  }

  await openServers(page, webHost.url);
  const local = serverRow(page, 'This computer');
  await local.getByRole('button', { name: 'Test connection' }).click();
  const docker = local.getByTestId('probe-docker');
  await expect(docker).toBeVisible({ timeout: 30_000 });
  if (daemon) await expect(docker.locator('dd')).toHaveText(daemon);
  else await expect(docker.locator('dd')).toHaveText(reason ? `Docker installed, daemon not reachable: ${reason}` : /^(Docker installed, daemon not reachable: .+|not installed)$/);
  if (composeV1) {
    await expect(local.getByTestId('probe-compose').locator('dd')).toHaveText(`${composeV1} (docker-compose v1, legacy)`);
    await expect(local.getByTestId('probe-compose-note')).toContainText('legacy Compose v1, no longer maintained. Deploys still work');
  }
  await shotsAtBothSizes(page, 'ux-probe');
});

test('app forms speak in sentences, a changed name says so, and the Problems panel lists invalid fields', async ({ page, webHost }) => {
  await openApps(page, webHost.url);

  // "My App!" becomes my-app, and the field says so while typing.
  await page.getByLabel('New app name').fill('My App!');
  await expect(page.getByTestId('app-name-changed')).toHaveText('Names use lowercase letters, digits and dashes: it will be called "my-app".');
  await page.getByRole('button', { name: 'New app' }).click();
  await expect(page.getByRole('heading', { name: 'my-app' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'compose.yaml' })).toBeVisible();

  const definition = page.getByRole('form', { name: 'App definition' });
  const problems = page.getByRole('region', { name: 'Problems', exact: true });
  await expect(problems).toContainText('No problems.');

  await definition.getByLabel('App name').fill('');
  await expect(definition.getByText('Enter the app name; it cannot be empty.')).toBeVisible();
  await definition.getByLabel('Container port').fill('99999');
  await expect(definition.getByText('Port: enter a port from 1 to 65535.')).toBeVisible();

  // The Problems panel lists what the form marks, and takes the user there.
  await expect(problems).not.toContainText('No problems.');
  await expect(problems).toContainText('Enter the app name; it cannot be empty.');
  await expect(problems).toContainText('Port: enter a port from 1 to 65535.');
  await expect(problems.locator('.apps-count')).toHaveText('2');
  await problems.getByRole('button', { name: /enter a port from 1 to 65535/ }).click();
  await expect(definition.getByLabel('Container port')).toBeFocused();
  await definition.getByLabel('App name').fill('my-app');
  await definition.getByLabel('Container port').fill('80');

  // A service name the schema refuses is said so in words.
  const serviceName = definition.getByLabel('Service name');
  await serviceName.fill('Web_1');
  await serviceName.blur();
  await expect(definition.getByText('"Web_1" is not a valid service name: use lowercase letters, digits and dashes', { exact: false })).toBeVisible();
  await expect(problems).toContainText('"Web_1" is not a valid service name');
  await definition.getByLabel('Service name').fill('web');
  await definition.getByLabel('Service name').blur();
  await expect(problems).toContainText('No problems.');

  // Clearing a service name is an error, not a silent return to the old name; saving waits until it is fixed.
  await definition.getByLabel('Service name').fill('');
  await definition.getByLabel('Service name').blur();
  await expect(definition.getByLabel('Service name')).toHaveValue('');
  await expect(definition.getByLabel('Service name')).toHaveAttribute('aria-invalid', 'true');
  await expect(definition.getByText('Enter a service name; every service needs one (for example web or db).')).toBeVisible();
  await expect(problems).toContainText('Enter a service name');
  await expect(page.getByRole('button', { name: 'Save', exact: true })).toBeDisabled();
  await shotsAtBothSizes(page, 'ux-app-errors');
  await definition.getByLabel('Service name').fill('site');
  await definition.getByLabel('Service name').blur();
  await expect(page.locator('.apps-service')).toHaveAttribute('aria-label', 'Service site');
  await expect(problems).toContainText('No problems.');

  await expect(page.locator('body')).not.toContainText(RAW);
});

test('a destination is never overwritten by creating one; it can be edited, renamed and removed', async ({ page, webHost }) => {
  await openApps(page, webHost.url);
  await newApp(page, 'dest-app');
  const picker = page.getByLabel('Destination', { exact: true });

  const create = async (name: string, kube: boolean) => {
    await picker.selectOption({ label: 'New destination…' });
    const dialog = page.getByRole('form', { name: 'New destination' });
    if (kube) await dialog.getByText('Kubernetes (cluster)').click();
    await dialog.getByLabel('Name', { exact: true }).fill(name);
    if (kube) await dialog.getByLabel('Namespace', { exact: true }).selectOption('shop');
    await dialog.getByRole('button', { name: 'Save destination' }).click();
    return dialog;
  };

  // An empty name is worded for people.
  let dialog = await create('', true);
  await expect(dialog.getByLabel('Name', { exact: true })).toHaveAccessibleDescription('Enter the name.');
  await expect(dialog).not.toContainText(RAW);
  await dialog.getByLabel('Name', { exact: true }).fill('k3s-vps');
  await dialog.getByRole('button', { name: 'Save destination' }).click();
  await expect(dialog).toBeHidden();
  await expect(picker.locator('option:checked')).toHaveText('k3s-vps · Kubernetes test-cluster/shop');

  // The same name again (any case) is refused and the saved one is unchanged.
  dialog = await create('K3S-VPS', false);
  await expect(dialog.getByLabel('Name', { exact: true })).toHaveAccessibleDescription(
    'A destination named "k3s-vps" already exists (Kubernetes test-cluster, namespace shop). Choose another name, or edit that one.',
  );
  await shotsAtBothSizes(page, 'ux-destination-duplicate');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(picker.locator('option', { hasText: 'k3s-vps' })).toHaveText(['k3s-vps · Kubernetes test-cluster/shop']);

  // Edit: the form opens with its settings; a new name renames it.
  await picker.selectOption({ label: 'k3s-vps · Kubernetes test-cluster/shop' });
  await page.getByRole('button', { name: 'Edit destination k3s-vps' }).click();
  dialog = page.getByRole('form', { name: 'Edit destination k3s-vps' });
  await expect(dialog.getByLabel('Context', { exact: true })).toHaveValue('test-cluster');
  await expect(dialog.getByLabel('Namespace', { exact: true })).toHaveValue('shop');
  await dialog.getByLabel('Name', { exact: true }).fill('local-docker');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog.getByLabel('Name', { exact: true })).toHaveAccessibleDescription(/A destination named "local-docker" already exists \(Docker on this computer\)/);
  await dialog.getByLabel('Name', { exact: true }).fill('k3s-main');
  await dialog.getByLabel('Ingress class').fill('traefik');
  await shotsAtBothSizes(page, 'ux-destination-edit');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog).toBeHidden();
  await expect(picker.locator('option:checked')).toHaveText('k3s-main · Kubernetes test-cluster/shop');
  await expect(picker.locator('option', { hasText: 'k3s-vps' })).toHaveCount(0);

  // Remove asks first; then it is gone from the list.
  await page.getByRole('button', { name: 'Remove destination k3s-main' }).click();
  const confirm = page.getByRole('dialog', { name: 'Remove destination k3s-main?' });
  await expect(confirm).toContainText('Apps deployed there keep running');
  await shotsAtBothSizes(page, 'ux-destination-remove');
  await confirm.getByRole('button', { name: 'Remove' }).click();
  await expect(confirm).toBeHidden();
  await expect(picker.locator('option', { hasText: 'k3s-main' })).toHaveCount(0);
});

test('an app can be renamed, duplicated and deleted (with confirmation); a new app never replaces a saved one', async ({ page, webHost }) => {
  // Names no other spec uses: the worker's web host is shared, and deploys.spec saves an app called ledger.
  await openApps(page, webHost.url);
  const list = page.getByRole('navigation', { name: 'Apps' });
  await newApp(page, 'ux-ledger');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Saved' })).toBeVisible();

  // The same name again cannot even be started.
  await page.getByLabel('New app name').fill('UX-Ledger');
  await expect(list).toContainText('An app named "ux-ledger" already exists.');
  await expect(list.getByRole('button', { name: 'New app' })).toBeDisabled();
  await page.getByLabel('New app name').fill('');

  // Rename: a taken name is refused in the dialog; a free one moves the app.
  await newApp(page, 'books');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Saved' })).toBeVisible();
  await page.getByRole('button', { name: 'More app actions' }).click();
  await page.getByRole('menuitem', { name: 'Rename…' }).click();
  let dialog = page.getByRole('dialog', { name: 'Rename books' });
  await dialog.getByLabel('New name').fill('ux-ledger');
  await expect(dialog.getByLabel('New name')).toHaveAccessibleDescription('An app named "ux-ledger" already exists. Choose another name.');
  await expect(dialog.getByRole('button', { name: 'Rename' })).toBeDisabled();
  await dialog.getByLabel('New name').fill('Accounts');
  await expect(dialog.getByLabel('New name')).toHaveAccessibleDescription('Names use lowercase letters, digits and dashes: it will be called "accounts".');
  await shotsAtBothSizes(page, 'ux-app-rename');
  await dialog.getByRole('button', { name: 'Rename' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { name: 'accounts' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Saved' })).toBeVisible();
  await expect(list.getByRole('button', { name: /^books/ })).toHaveCount(0);
  await expect(list.getByRole('button', { name: /^accounts/ })).toBeVisible();

  // Duplicate: the copy is saved and opened.
  await page.getByRole('button', { name: 'More app actions' }).click();
  await page.getByRole('menuitem', { name: 'Duplicate…' }).click();
  dialog = page.getByRole('dialog', { name: 'Duplicate accounts' });
  await expect(dialog.getByLabel('New name')).toHaveValue('accounts-copy');
  await dialog.getByRole('button', { name: 'Duplicate' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { name: 'accounts-copy' })).toBeVisible();
  await expect(list.getByRole('button', { name: /^accounts-copy/ })).toBeVisible();

  // Delete asks first; Cancel keeps it.
  await page.getByRole('button', { name: 'More app actions' }).click();
  await page.getByRole('menuitem', { name: 'Delete…' }).click();
  dialog = page.getByRole('dialog', { name: 'Delete accounts-copy?' });
  await expect(dialog).toContainText('What is deployed keeps running');
  await shotsAtBothSizes(page, 'ux-app-delete');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(list.getByRole('button', { name: /^accounts-copy/ })).toBeVisible();
  await page.getByRole('button', { name: 'More app actions' }).click();
  await page.getByRole('menuitem', { name: 'Delete…' }).click();
  await page.getByRole('dialog', { name: 'Delete accounts-copy?' }).getByRole('button', { name: 'Delete accounts-copy' }).click();
  await expect(list.getByRole('button', { name: /^accounts-copy/ })).toHaveCount(0);
  await expect(page.getByText('Choose an app, create one, or import a docker-compose file.')).toBeVisible();
});
