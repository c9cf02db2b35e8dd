import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRouter, type Handlers } from '../api/router.js';
import { MemorySecretStore } from '../secrets/secret-store.js';
import { appHandlers } from './handlers.js';
import { ClusterService } from '../kube/cluster-service.js';
import { KubeconfigSource } from '../kube/kubeconfig-source.js';
import { nodeSecretStore, PASSPHRASE_SECRETS_FILE, SECRETS_PASSPHRASE_ENV } from '../secrets/node-secret-store.js';

const appInput = { apiVersion: 'berth.dev/v1', kind: 'App', name: 'shop', services: { web: { image: 'nginx:1', env: { PASS: { secret: 'db' } } } } };

describe('app handlers', () => {
  let dataDir: string;
  let secrets: MemorySecretStore;
  let call: (method: string, input?: unknown) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience

  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-apps-'));
    secrets = new MemorySecretStore();
    const kubeconfig = path.join(dataDir, 'kubeconfig');
    await fs.writeFile(kubeconfig, [
      'apiVersion: v1', 'kind: Config', 'current-context: prod',
      'clusters:', '- name: eks', '  cluster: { server: "https://127.0.0.1:6443" }',
      'users:', '- name: deploy', '  user: { token: t }',
      'contexts:', '- name: prod', '  context: { cluster: eks, user: deploy, namespace: shop }', '- name: dev', '  context: { cluster: eks, user: deploy }',
    ].join('\n'));
    const clusters = new ClusterService({ sources: [new KubeconfigSource({ env: { KUBECONFIG: kubeconfig } })] });
    // Only the app methods are exercised; the router validates inputs exactly as in the app.
    const router = createRouter(appHandlers({ dataDir, secrets, clusters }) as unknown as Handlers);
    call = (method, input) => router.dispatch(method, input) as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  });
  afterEach(() => fs.rm(dataDir, { recursive: true, force: true }));

  it('saves apps as YAML files and lists, reads and removes them', async () => {
    expect(await call('apps.list')).toEqual([]);
    await call('apps.save', { app: appInput });
    const text = await fs.readFile(path.join(dataDir, 'apps', 'shop.berth.yaml'), 'utf8');
    expect(text).toContain('apiVersion: berth.dev/v1');
    expect(await call('apps.list')).toEqual([expect.objectContaining({ name: 'shop', services: 1 })]);
    expect((await call('apps.get', { name: 'shop' })).services.web.image).toBe('nginx:1');
    await call('apps.remove', { name: 'shop' });
    await expect(call('apps.get', { name: 'shop' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('offers the local Docker destination until one is saved', async () => {
    expect(await call('destinations.list')).toEqual([expect.objectContaining({ type: 'docker', name: 'local-docker', server: 'local' })]);
    await call('destinations.save', { destination: { type: 'kubernetes', name: 'prod', context: 'prod' } });
    const saved = JSON.parse(await fs.readFile(path.join(dataDir, 'destinations.json'), 'utf8'));
    expect(saved.data.map((d: { name: string }) => d.name)).toEqual(['local-docker', 'prod']);
    await call('destinations.remove', { name: 'prod' });
    expect((await call('destinations.list')).map((d: { name: string }) => d.name)).toEqual(['local-docker']);
  });

  it('never overwrites a destination when creating one; renaming and editing are explicit', async () => {
    await call('destinations.save', { destination: { type: 'kubernetes', name: 'k3s-vps', context: 'prod', namespace: 'shop' } });
    await expect(call('destinations.save', { destination: { type: 'kubernetes', name: 'K3S-vps', context: 'dev' } }))
      .rejects.toMatchObject({ code: 'CONFLICT', field: 'name', message: 'A destination named "k3s-vps" already exists (Kubernetes prod, namespace shop). Choose another name, or edit that one.' });
    await expect(call('destinations.save', { destination: { type: 'docker', name: 'LOCAL-docker', server: 'local' } })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await call('destinations.list')).find((d: { name: string }) => d.name === 'k3s-vps')).toMatchObject({ context: 'prod', namespace: 'shop' });

    // Editing keeps its place; renaming to a free name moves it; renaming onto another one is refused.
    await call('destinations.save', { original: 'k3s-vps', destination: { type: 'kubernetes', name: 'k3s-vps', context: 'prod', namespace: 'web' } });
    await call('destinations.save', { original: 'k3s-vps', destination: { type: 'kubernetes', name: 'k3s-main', context: 'prod', namespace: 'web' } });
    await expect(call('destinations.save', { original: 'k3s-main', destination: { type: 'kubernetes', name: 'local-docker', context: 'prod' } })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(call('destinations.save', { original: 'gone', destination: { type: 'kubernetes', name: 'x', context: 'prod' } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await call('destinations.list')).map((d: { name: string; namespace?: string }) => [d.name, d.namespace])).toEqual([['local-docker', undefined], ['k3s-main', 'web']]);
  });

  it('creates, renames, duplicates and deletes apps without overwriting one, and their secrets follow', async () => {
    await call('apps.save', { app: appInput, original: null });
    await secrets.set('app/shop/db', 'hunter2');
    await expect(call('apps.save', { app: { ...appInput, services: { other: { image: 'x' } } }, original: null }))
      .rejects.toMatchObject({ code: 'CONFLICT', field: 'name', message: 'An app named "shop" already exists. Choose another name, or open that app from the list.' });
    expect((await call('apps.get', { name: 'shop' })).services.web.image).toBe('nginx:1');

    await call('apps.duplicate', { name: 'shop', as: 'shop-copy' });
    await expect(call('apps.duplicate', { name: 'shop', as: 'shop-copy' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await secrets.get('app/shop-copy/db')).toBe('hunter2');

    await expect(call('apps.save', { app: { ...appInput, name: 'shop-copy' }, original: 'shop' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await call('apps.save', { app: { ...appInput, name: 'store' }, original: 'shop' });
    expect((await call('apps.list')).map((a: { name: string }) => a.name)).toEqual(['shop-copy', 'store']);
    expect(await secrets.get('app/store/db')).toBe('hunter2');
    expect(await secrets.get('app/shop/db')).toBeUndefined();

    await call('apps.remove', { name: 'store' });
    expect(await secrets.get('app/store/db')).toBeUndefined();
    expect(await secrets.get('app/shop-copy/db')).toBe('hunter2');
  });

  it('refuses an import under the name of an existing app before storing its secrets', async () => {
    await call('apps.save', { app: { ...appInput, name: 'imported' } });
    await secrets.set('app/imported/PASS', 'mine');
    await expect(call('apps.importCompose', { content: 'services:\n  web:\n    image: nginx:1\n    environment:\n      PASS: theirs\n', name: 'imported' }))
      .rejects.toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect(await secrets.get('app/imported/PASS')).toBe('mine');
  });

  it('refuses a Kubernetes destination whose context no kubeconfig defines, naming the ones there are', async () => {
    await expect(call('destinations.save', { destination: { type: 'kubernetes', name: 'typo', context: 'prdo' } }))
      .rejects.toMatchObject({ code: 'NOT_FOUND', message: 'There is no Kubernetes context named prdo. The contexts there are: prod, dev.' });
    expect((await call('destinations.list')).map((d: { name: string }) => d.name)).toEqual(['local-docker']);
  });

  it('renders with secrets from the store under app/<app>/<name>, masked unless revealed', async () => {
    await secrets.set('app/shop/db', 'hunter2');
    const destination = { type: 'docker', name: 'local-docker', server: 'local' };
    const masked = await call('apps.render', { app: appInput, destination });
    expect(masked.files.find((f: { path: string }) => f.path === '.env.web').content).toBe("PASS='********'\n");
    expect(masked.diagnostics.map((d: { code: string }) => d.code)).not.toContain('SECRET_MISSING');
    const revealed = await call('apps.render', { app: appInput, destination, revealSecrets: true });
    expect(revealed.files.find((f: { path: string }) => f.path === '.env.web').content).toBe("PASS='hunter2'\n");
  });

  it('opens an app with its masked render for the editor\'s destination in one call', async () => {
    await secrets.set('app/shop/db', 'hunter2');
    await call('apps.save', { app: appInput });
    const destination = { type: 'docker', name: 'local-docker', server: 'local' };
    const opened = await call('apps.open', { name: 'shop', destination });
    expect(opened.app).toEqual(await call('apps.get', { name: 'shop' }));
    expect(opened.render).toEqual(await call('apps.render', { app: opened.app, destination }));
    expect(JSON.stringify(opened.render)).not.toContain('hunter2');
    expect(await call('apps.open', { name: 'shop', destination: null })).toEqual({ app: opened.app, render: null });
    await expect(call('apps.open', { name: 'gone', destination })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('opens an app that cannot be rendered without its render; apps.render then says why', async () => {
    await call('apps.save', { app: appInput });
    // A secret store whose file is damaged: every render needs to know which secrets are set, so every render fails.
    await fs.writeFile(path.join(dataDir, PASSPHRASE_SECRETS_FILE), 'not an encrypted store');
    const broken = createRouter(appHandlers({ dataDir, secrets: nodeSecretStore(dataDir, { [SECRETS_PASSPHRASE_ENV]: 'pass' }), clusters: new ClusterService({ sources: [] }) }) as unknown as Handlers);
    const destination = { type: 'docker', name: 'local-docker', server: 'local' };
    const opened = (await broken.dispatch('apps.open', { name: 'shop', destination })) as { app: { name: string }; render: unknown };
    expect(opened.app.name).toBe('shop');
    expect(opened.render).toBeNull();
    await expect(broken.dispatch('apps.render', { app: appInput, destination })).rejects.toThrow(PASSPHRASE_SECRETS_FILE);
  });

  it('says which secrets of an app have a value, never the value', async () => {
    await secrets.set('app/shop/db', 'hunter2');
    await secrets.set('app/shopping/other', 'x');
    const status = await call('apps.secretStatus', { app: 'shop' });
    expect(status).toEqual({ stored: ['db'] });
    expect(JSON.stringify(status)).not.toContain('hunter2');
    await expect(call('apps.secretStatus', { app: '../x' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('returns the last deployed render when a deploy wrote one', async () => {
    expect(await call('apps.lastDeployed', { name: 'shop', destination: 'local-docker' })).toBeNull();
    const record = { files: [{ path: 'compose.yaml', language: 'yaml', content: 'services: {}\n', editable: true }], deployedAt: '2025-01-01T00:00:00.000Z' };
    await fs.mkdir(path.join(dataDir, 'deployments', 'shop', 'local-docker'), { recursive: true });
    await fs.writeFile(path.join(dataDir, 'deployments', 'shop', 'local-docker', 'last.json'), JSON.stringify(record));
    expect(await call('apps.lastDeployed', { name: 'shop', destination: 'local-docker' })).toEqual(record);
  });

  it('applies an edit through the API and returns the schemas for the editor', async () => {
    const destination = { type: 'docker', name: 'local-docker', server: 'local' };
    const bad = await call('apps.applyEdit', { app: appInput, destination, path: 'compose.yaml', content: 'services: [' });
    expect(bad.diagnostics[0]).toMatchObject({ code: 'EDIT_PARSE_ERROR', line: 1 });
    const schemas = await call('apps.schema');
    expect(schemas.berth.properties.apiVersion.const).toBe('berth.dev/v1');
    expect(schemas.compose.properties.services).toBeDefined();
    expect(schemas.kubernetes.definitions.Deployment).toBeDefined();
  });

  it('imports a compose file and keeps found secret values in the store, not in the answer', async () => {
    const result = await call('apps.importCompose', { content: 'services:\n  web:\n    image: nginx:1\n', name: 'imported' });
    expect(result.app.services.web.image).toBe('nginx:1');
    expect(Object.keys(result)).toEqual(['app', 'diagnostics']);
  });
});
