import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubeApiServer, type FakeKube } from '../../test/support/fake-kube/index.js';
import { main } from '../cli/main.js';
import { createCore, type BerthCore } from '../core.js';
import { MemorySecretStore } from '../secrets/secret-store.js';
import { ClusterService } from './cluster-service.js';
import { KubeconfigSource } from './kubeconfig-source.js';

/** Reachability, namespaces, the API and the CLI against the fake Kubernetes API server (test/support/fake-kube). */
let fake: FakeKube;
let dir: string;
let kubeconfig: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  fake = await startFakeKubeApiServer();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-kube-reach-'));
  kubeconfig = path.join(dir, 'fake.yaml');
  await fake.writeKubeconfig(kubeconfig, { context: 'fake', namespace: 'shop' });
  const wrong = path.join(dir, 'wrong.yaml');
  await fake.writeKubeconfig(wrong, { context: 'wrong-token', token: 'not-the-token' });
  env = { KUBECONFIG: [kubeconfig, wrong].join(path.delimiter), HOME: dir, PATH: process.env.PATH };
  // A namespace beside the fake's own, made the way any client would.
  const config = await new KubeconfigSource({ env }).config('fake');
  await config!.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'shop' } } });
});
afterAll(async () => {
  await fake.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('against the fake API server', () => {
  it('a context with the right token is reachable, with the server version and readiness', async () => {
    const clusters = new ClusterService({ sources: [new KubeconfigSource({ env })] });
    const status = await clusters.check('fake');
    expect(status).toMatchObject({ state: 'reachable', context: 'fake', version: expect.stringMatching(/^v1\.\d+/), ready: true });
    const paths = fake.requests.map((r) => r.path);
    expect(paths).toContain('/version');
    expect(paths).toContain('/readyz');
  });

  it('a token the server does not accept is unauthorised', async () => {
    const status = await new ClusterService({ sources: [new KubeconfigSource({ env })] }).check('wrong-token');
    expect(status).toMatchObject({ state: 'unauthorised', cause: 'rejected', reason: expect.stringContaining('401 Unauthorized') });
  });

  it('lists namespaces once reachable; with bad credentials offers the context namespace with the reason', async () => {
    const clusters = new ClusterService({ sources: [new KubeconfigSource({ env })] });
    const listed = await clusters.namespaces('fake');
    expect(listed).toMatchObject({ context: 'fake', complete: true });
    expect(listed.namespaces).toEqual(expect.arrayContaining(['default', 'shop']));
    expect([...listed.namespaces].sort()).toEqual(listed.namespaces);
    expect(await clusters.namespaces('wrong-token')).toEqual({ context: 'wrong-token', namespaces: ['default'], complete: false, reason: expect.stringContaining('401') });
  });

  describe('through the core, as the UI calls it', () => {
    let core: BerthCore;
    beforeAll(() => {
      core = createCore({ dataDir: dir, host: 'web', version: 'test', secrets: new MemorySecretStore(), env });
    });
    afterAll(() => core.dispose());

    it('clusters.list, clusters.check and clusters.namespaces', async () => {
      const list = (await core.router.dispatch('clusters.list', {})) as { contexts: Array<{ name: string; server: string; namespace?: string; current: boolean }> };
      expect(list.contexts.map((c) => [c.name, c.server, c.namespace, c.current])).toEqual([['fake', fake.url, 'shop', true], ['wrong-token', fake.url, undefined, false]]);
      await expect(core.router.dispatch('clusters.check', { context: 'fake' })).resolves.toMatchObject({ state: 'reachable' });
      await expect(core.router.dispatch('clusters.namespaces', { context: 'fake' })).resolves.toMatchObject({ namespaces: expect.arrayContaining(['shop']) });
      await expect(core.router.dispatch('clusters.check', { context: '' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    });

    it('saves a destination on a known context and refuses an unknown one, naming the contexts', async () => {
      await expect(core.router.dispatch('destinations.save', { destination: { type: 'kubernetes', name: 'shop-k8s', context: 'fake', namespace: 'shop' } }))
        .resolves.toMatchObject({ context: 'fake', namespace: 'shop' });
      await expect(core.router.dispatch('destinations.save', { destination: { type: 'kubernetes', name: 'bad', context: 'staging' } }))
        .rejects.toMatchObject({ code: 'NOT_FOUND', message: 'There is no Kubernetes context named staging. The contexts there are: fake, wrong-token.' });
    });
  });

  describe('berth clusters', () => {
    const run = async (args: string[]) => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let out = '';
      let err = '';
      stdout.on('data', (d: Buffer) => (out += d.toString()));
      stderr.on('data', (d: Buffer) => (err += d.toString()));
      const code = await main(args, { stdout, stderr, env: { ...env, BERTH_HOME: dir } });
      return { code, out, err };
    };

    it('list: a table of contexts with their status', async () => {
      const { code, out } = await run(['clusters', 'list']);
      expect(code).toBe(0);
      const lines = out.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^ {2}CONTEXT\s+CLUSTER\s+SERVER\s+NAMESPACE\s+STATUS$/);
      expect(lines[1]).toMatch(new RegExp(`^\\* fake\\s+fake\\s+${fake.url.replace(/\./g, '\\.')}\\s+shop\\s+reachable v1\\.`));
      expect(lines[2]).toMatch(/^ {2}wrong-token\s+wrong-token\s+\S+\s+default\s+unauthorised: .*401 Unauthorized/);
    });

    it('check: the context, its status and namespaces; exit 1 when it does not answer; unknown names listed', async () => {
      const ok = await run(['clusters', 'check', 'fake']);
      expect(ok.code).toBe(0);
      expect(ok.out).toMatch(/status: +reachable v1\./);
      expect(ok.out).toMatch(/namespaces: .*shop/);
      expect((await run(['clusters', 'check', 'wrong-token'])).code).toBe(1);
      const unknown = await run(['clusters', 'check', 'nope']);
      expect(unknown).toMatchObject({ code: 1, err: 'berth clusters: There is no Kubernetes context named nope. The contexts there are: fake, wrong-token.\n' });
    });
  });
});
