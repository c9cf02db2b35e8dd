/**
 * @kubernetes/client-node 2.0.1 (what Berth uses) against the fake Kubernetes API server: typed API calls,
 * server-side apply with a field manager and dry run, Exec over the WebSocket channel protocol, PortForward.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { PassThrough } from 'node:stream';
import { AppsV1Api, CoreV1Api, Exec, KubeConfig, PatchStrategy, PortForward, setHeaderOptions, type V1Status } from '@kubernetes/client-node';
import { startFakeKubeApiServer, type FakeKube } from '../support/fake-kube/index.js';

type Rec = Record<string, unknown>;

describe('client-node against the fake Kubernetes API server', () => {
  let kube: FakeKube;
  let dir: string;
  let kc: KubeConfig;

  beforeAll(async () => {
    kube = await startFakeKubeApiServer();
    dir = mkdtempSync(join(tmpdir(), 'fake-kube-client-node-'));
    await kube.writeKubeconfig(join(dir, 'kubeconfig'), { namespace: 'default', context: 'fake' });
    kc = new KubeConfig();
    kc.loadFromFile(join(dir, 'kubeconfig'));
  });
  afterAll(async () => {
    await kube?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the kubeconfig (context, namespace) and lists namespaces through CoreV1Api', async () => {
    expect(kc.getCurrentContext()).toBe('fake');
    expect(kc.getContextObject('fake')?.namespace).toBe('default');
    const core = kc.makeApiClient(CoreV1Api);
    const ns = await core.listNamespace();
    expect(ns.items.map((n) => n.metadata?.name)).toEqual(expect.arrayContaining(['default', 'kube-system']));
  });

  it('a wrong token is 401 Unauthorized', async () => {
    const bad = new KubeConfig();
    bad.loadFromFile(join(dir, 'kubeconfig'));
    const user = bad.getCurrentUser();
    if (user) (user as { token?: string }).token = 'wrong';
    await expect(bad.makeApiClient(CoreV1Api).listNamespace()).rejects.toMatchObject({ code: 401 });
  });

  it('server-side apply with fieldManager berth, dry run first, then for real; the rollout completes', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const body = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'default', labels: { app: 'api' } },
      spec: { replicas: 1, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'example/api:1', ports: [{ containerPort: 8080 }] }] } } },
    };
    const apply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
    const dry = await apps.patchNamespacedDeployment({ name: 'api', namespace: 'default', body, fieldManager: 'berth', dryRun: 'All', force: false }, apply);
    expect(dry.metadata?.uid).toBeTruthy();
    expect(dry.spec?.template.spec?.containers[0]?.imagePullPolicy).toBe('IfNotPresent');
    expect(kube.objects('Deployment', 'default')).toHaveLength(0);
    const live = await apps.patchNamespacedDeployment({ name: 'api', namespace: 'default', body, fieldManager: 'berth', force: false }, apply);
    expect(live.metadata?.managedFields?.[0]).toMatchObject({ manager: 'berth', operation: 'Apply' });
    expect(kube.requests.filter((r) => r.fieldManager === 'berth').map((r) => r.dryRun ?? false)).toEqual([true, false]);
    for (let i = 0; i < 100; i++) {
      const d = await apps.readNamespacedDeployment({ name: 'api', namespace: 'default' });
      if (d.status?.availableReplicas === 1 && d.status.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'NewReplicaSetAvailable')) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('deployment did not become available');
  });

  it('Exec runs the command and reports the exit code through the status channel', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=api' });
    const pod = String(pods.items[0]?.metadata?.name);
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    let stderr = '';
    out.on('data', (d: Buffer) => { stdout += d.toString(); });
    err.on('data', (d: Buffer) => { stderr += d.toString(); });
    const status = await new Promise<V1Status>((resolve, reject) => {
      new Exec(kc).exec('default', pod, 'api', ['sh', '-c', 'echo out; echo err >&2; exit 4'], out, err, null, false, resolve).catch(reject);
    });
    expect(status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '4' }] } });
    await new Promise((r) => setTimeout(r, 50));
    expect(stdout).toBe('out\n');
    expect(stderr).toBe('err\n');
  });

  it('PortForward carries bytes to the port registered with exposePodPort', async () => {
    const echo: Server = createServer((s) => s.on('data', (d) => s.write(`pong:${d.toString()}`)));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    const core = kc.makeApiClient(CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=api' });
    const pod = String(pods.items[0]?.metadata?.name);
    kube.exposePodPort('default', pod, 8080, (echo.address() as AddressInfo).port);
    const input = new PassThrough();
    const output = new PassThrough();
    let got = '';
    output.on('data', (d: Buffer) => { got += d.toString(); });
    const ws = await new PortForward(kc).portForward('default', pod, [8080], output, null, input);
    input.write('hello');
    for (let i = 0; i < 100 && !got.includes('pong:hello'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(got).toBe('pong:hello');
    (ws as { close(): void }).close();
    echo.close();
  });

  it('a namespaced object in a namespace that does not exist is 404 NotFound for the namespace', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    await expect(core.createNamespacedConfigMap({ namespace: 'nope', body: { metadata: { name: 'x' } } })).rejects.toMatchObject({ code: 404 });
    const body = JSON.parse(await core.createNamespacedConfigMap({ namespace: 'nope', body: { metadata: { name: 'x' } } }).then(() => '{}', (e: { body?: string }) => String(e.body))) as Rec;
    expect(body).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'namespaces "nope" not found' });
  });
});
