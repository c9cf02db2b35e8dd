import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App, KubernetesDestination, type AppInput } from '../../shared/model/app.js';
import { EventBus } from '../../electron/api/event-bus.js';
import { DeployService } from '../../electron/deploy/deploy-service.js';
import { KubeClient } from '../../electron/deploy/kubernetes/kube-client.js';
import { unifiedDiff } from '../../electron/deploy/kubernetes/kube-diff.js';
import { MemorySecretStore } from '../../electron/secrets/secret-store.js';
import { appSecretKey } from '../../shared/model/secret-keys.js';
import { KUBECTL, kubectlMissing, startKubectlWorld, type KubectlWorld } from '../kube/kubectl.js';

/**
 * Kubernetes deploys end to end against the FAKE Kubernetes API server of the
 * test fixtures (no real one runs here), through the same DeployService as
 * Docker deploys, and checked with the real kubectl: what Berth applied is
 * what kubectl sees.
 *
 * With BERTH_E2E_KUBECONFIG (and optionally BERTH_E2E_CONTEXT) the same tests
 * run against that cluster instead (kind, k3d…): they use the namespace
 * berth-e2e-shop there, and skip only the checks that need the fake's
 * controls (appending a log line).
 */
const REAL_KUBECONFIG = process.env.BERTH_E2E_KUBECONFIG;
const skip = kubectlMissing();

const shop = (image: string, extra: Partial<Record<string, unknown>> = {}): App => App.parse({
  apiVersion: 'berth.dev/v1',
  kind: 'App',
  name: 'shop',
  services: {
    web: { image, ports: [{ port: 80 }], env: { GREETING: 'hello', DB_PASSWORD: { secret: 'db-password' } }, ...extra },
    worker: { image: 'busybox:1.36', command: ['sh', '-c', 'sleep 3600'] },
  },
} satisfies AppInput);

function loadConfig(file: string, contextName: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  if (contextName) kc.setCurrentContext(contextName);
  return kc;
}

/** kubectl against a real cluster the developer pointed at; no fake behind it. */
async function realClusterWorld(kubeconfig: string, contextName: string): Promise<KubectlWorld> {
  const { execFile } = await import('node:child_process');
  const base = ['--kubeconfig', kubeconfig, ...(contextName ? ['--context', contextName] : [])];
  return {
    kube: undefined as unknown as KubectlWorld['kube'],
    dir: os.tmpdir(),
    kubeconfig,
    run: (args, opts = {}) => new Promise((resolve) => {
      const child = execFile(KUBECTL, [...base, ...args], { timeout: opts.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
      });
      child.stdin?.end(opts.input ?? '');
    }),
    spawn: () => {
      throw new Error('not used');
    },
    stop: async () => undefined,
  };
}

describe.skipIf(skip)('Kubernetes deploys (fake API server, held to kubectl)', () => {
  let world: KubectlWorld;
  let dataDir: string;
  let deploys: DeployService;
  const namespace = REAL_KUBECONFIG ? 'berth-e2e-shop' : 'shop';
  const context = REAL_KUBECONFIG ? (process.env.BERTH_E2E_CONTEXT ?? '') : 'fake-kube';
  const destination = KubernetesDestination.parse({ type: 'kubernetes', name: 'fake-cluster', context: context || 'real', namespace });
  const secrets = new MemorySecretStore();

  beforeAll(async () => {
    world = REAL_KUBECONFIG ? await realClusterWorld(REAL_KUBECONFIG, context) : await startKubectlWorld();
    if (REAL_KUBECONFIG) await world.run(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=true'], { timeoutMs: 180_000 });
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-kube-deploy-'));
    await secrets.set(appSecretKey('shop', 'db-password'), 'hunter2-kube');
    deploys = new DeployService({
      dataDir, secrets, events: new EventBus(), version: '0.0.0-test', by: 'tester@here', heartbeatSeconds: 1,
      host: () => Promise.reject(new Error('no servers in this test')),
      kube: async () => new KubeClient(loadConfig(world.kubeconfig, context), context || 'real'),
    });
  }, 240_000);

  afterAll(async () => {
    await deploys?.dispose();
    await world?.stop();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  const deploy = async (app: App, options: { force?: boolean } = {}) => {
    const { planId, plan } = await deploys.plan({ kind: 'deploy', app, destination, ...options });
    const started = await deploys.start(planId);
    const record = await deploys.wait(started.id);
    return { plan, record, log: await deploys.log(started.id) };
  };

  const kubectlJson = async (...args: string[]) => {
    const r = await world.run([...args, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- kubectl's output, read field by field
  };

  it('plans with a server-side dry run, applies with field manager berth, and watches the rollout', async () => {
    const { plan, record, log } = await deploy(shop('nginx:1.27'));
    expect(plan.warnings.join(' ')).toMatch(/Namespace shop does not exist yet/);
    expect(plan.steps.map((s) => s.id)).toEqual(['connect', 'namespace', 'lock', 'record-start', 'applyset', 'apply', 'rollout', 'prune', 'record', 'unlock']);
    expect(plan.changes?.every((c) => c.action === 'create')).toBe(true);
    expect(JSON.stringify(plan)).not.toContain('hunter2-kube');
    expect(record.outcome, log).toBe('succeeded');
    expect(log).toMatch(/Deployment web: 1 of 1 replicas available/);
    expect(log).not.toContain('hunter2-kube');

    const web = await kubectlJson('get', 'deployment', 'web', '-n', namespace, '--show-managed-fields');
    expect(web.spec.template.spec.containers[0].image).toBe('nginx:1.27');
    expect(web.metadata.managedFields.map((f: { manager: string; operation: string }) => `${f.manager}/${f.operation}`)).toContain('berth/Apply');
    expect(web.metadata.labels['applyset.kubernetes.io/part-of']).toMatch(/^applyset-[A-Za-z0-9_-]+-v1$/);
    const status = await world.run(['rollout', 'status', 'deployment/web', '-n', namespace, '--timeout=10s']);
    expect(status.code, status.stderr).toBe(0);

    const parent = await kubectlJson('get', 'secret', 'berth-applyset-shop', '-n', namespace);
    expect(parent.metadata.annotations['applyset.kubernetes.io/contains-group-kinds']).toContain('Deployment.apps');
    const { releases, lock } = await deploys.releases('shop', destination);
    expect(releases.map((r) => r.state)).toEqual(['serving']);
    expect(lock).toBeNull();
  }, 120_000);

  it('shows an update as a diff of the dry run against the live object, then rolls it out', async () => {
    const { planId, plan } = await deploys.plan({ kind: 'deploy', app: shop('nginx:1.28'), destination });
    const web = plan.changes?.find((c) => c.kind === 'Deployment' && c.name === 'web');
    expect(web?.action).toBe('update');
    const diff = unifiedDiff((plan.changes ?? []).map((c) => ({ ref: { apiVersion: c.apiVersion, kind: c.kind, name: c.name, namespace: c.namespace }, action: c.action, live: c.live, desired: c.desired })));
    expect(diff).toMatch(/-\s+image: nginx:1\.27/);
    expect(diff).toMatch(/\+\s+image: nginx:1\.28/);
    expect(plan.changes?.find((c) => c.kind === 'Deployment' && c.name === 'worker')?.action).toBe('unchanged');
    const record = await deploys.wait((await deploys.start(planId)).id);
    expect(record.outcome).toBe('succeeded');
    const live = await kubectlJson('get', 'deployment', 'web', '-n', namespace);
    expect(live.spec.template.spec.containers[0].image).toBe('nginx:1.28');
    const { releases } = await deploys.releases('shop', destination);
    expect(releases.map((r) => r.state)).toEqual(['serving', 'kept']);
  }, 120_000);

  it('prunes what the app no longer renders, only among the members of its ApplySet', async () => {
    // Same labels as the app's own objects, but created by someone else: never Berth's to delete.
    const bystander = await world.run(['apply', '-f', '-'], {
      input: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bystander\n  namespace: ${namespace}\n  labels: {app.kubernetes.io/instance: shop, app.kubernetes.io/managed-by: berth}\n`,
    });
    expect(bystander.code, bystander.stderr).toBe(0);

    const single = App.parse({ ...shop('nginx:1.28'), services: { web: shop('nginx:1.28').services.web } });
    const { plan, record, log } = await deploy(single);
    expect(plan.changes?.filter((c) => c.action === 'delete').map((c) => `${c.kind}/${c.name}`)).toEqual(['Deployment/worker']);
    expect(record.outcome, log).toBe('succeeded');
    expect((await world.run(['get', 'deployment', 'worker', '-n', namespace])).code).not.toBe(0);
    expect((await world.run(['get', 'configmap', 'bystander', '-n', namespace])).code).toBe(0);
  }, 120_000);

  it('fails a rollout whose image cannot be pulled, says why, and re-applies the previous release', async () => {
    const { record, log } = await deploy(App.parse({ ...shop('registry.example/shop:pull-fails'), services: { web: shop('registry.example/shop:pull-fails').services.web } }));
    expect(record.outcome).toBe('failed');
    expect(record.failedStep).toBe('rollout');
    expect(record.error).toMatch(/ErrImagePull|ImagePullBackOff/);
    expect(log).toMatch(/rolling back to r\d{8}/);
    const live = await kubectlJson('get', 'deployment', 'web', '-n', namespace);
    expect(live.spec.template.spec.containers[0].image).toBe('nginx:1.28');
    const { releases } = await deploys.releases('shop', destination);
    expect(releases[0]?.state).toBe('failed');
    expect(releases.find((r) => r.state === 'serving')).toBeDefined();
  }, 120_000);

  it('refuses fields another manager owns, naming it, until the deploy takes them over', async () => {
    // kubectl now manages replicas; Berth applying replicas conflicts with it.
    const patch = await world.run(['apply', '--server-side', '--field-manager=kubectl', '--force-conflicts', '-f', '-'], {
      input: `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ${namespace}}\nspec: {replicas: 3}\n`,
    });
    expect(patch.code, patch.stderr).toBe(0);
    const single = App.parse({ ...shop('nginx:1.28'), services: { web: shop('nginx:1.28').services.web } });
    const { plan, record } = await deploy(single);
    expect(plan.conflicts?.join(' ')).toMatch(/kubectl/);
    expect(record.outcome).toBe('failed');
    expect(record.error).toMatch(/managed by "kubectl".*--force-conflicts/);

    const forced = await deploy(single, { force: true });
    expect(forced.record.outcome, forced.log).toBe('succeeded');
    const live = await kubectlJson('get', 'deployment', 'web', '-n', namespace);
    expect(live.spec.replicas).toBe(1);
  }, 120_000);

  it('rolls back to the kept release, restoring its objects without a render', async () => {
    const { releases } = await deploys.releases('shop', destination);
    const kept = releases.find((r) => r.state === 'kept');
    expect(kept).toBeDefined();
    const { planId, plan } = await deploys.plan({ kind: 'rollback', appName: 'shop', destination, to: kept!.id });
    expect(plan.rollbackOf).toBe(kept!.id);
    const record = await deploys.wait((await deploys.start(planId)).id);
    expect(record.outcome).toBe('succeeded');
    const after = await deploys.releases('shop', destination);
    expect(after.releases[0]).toMatchObject({ kind: 'rollback', rollbackOf: kept!.id, state: 'serving' });
  }, 120_000);

  it('holds one deploy at a time per app: a live lock is refused naming its holder, a stale one is shown and broken', async () => {
    const lock = (heartbeat: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: berth-lock-shop, namespace: ${namespace}}
data: {by: someone@else, berthVersion: 0.0.0, releaseId: r20261201-000000-abcd, startedAt: '${heartbeat}', heartbeat: '${heartbeat}'}
`;
    expect((await world.run(['apply', '-f', '-'], { input: lock(new Date().toISOString()) })).code).toBe(0);
    const refused = await deploy(shop('nginx:1.29'));
    expect(refused.plan.warnings.join(' ')).toMatch(/locked by someone@else/);
    expect(refused.record.outcome).toBe('failed');
    expect(refused.record.failedStep).toBe('lock');
    expect(refused.record.error).toMatch(/being deployed by someone@else \(r20261201-000000-abcd/);
    await expect(deploys.unlock('shop', destination)).rejects.toThrow(/live/);

    expect((await world.run(['apply', '-f', '-'], { input: lock(new Date(Date.now() - 5 * 60_000).toISOString()) })).code).toBe(0);
    const stale = await deploys.releases('shop', destination);
    expect(stale.lock).toMatchObject({ by: 'someone@else', stale: true });
    expect((await deploys.unlock('shop', destination)).removed?.by).toBe('someone@else');
    const after = await deploy(shop('nginx:1.29'));
    expect(after.record.outcome, after.log).toBe('succeeded');
  }, 120_000);

  it('follows the logs of every pod, prefixed with pod and container', async () => {
    const abort = new AbortController();
    let text = '';
    const done = deploys.logs('shop', destination, { tail: 10, follow: true, signal: abort.signal }, (t) => (text += t));
    const pods = await kubectlJson('get', 'pods', '-n', namespace, '-l', 'app.kubernetes.io/name=web');
    const pod = pods.items.find((p: { status: { phase: string } }) => p.status.phase === 'Running').metadata.name as string;
    await new Promise((r) => setTimeout(r, 500));
    if (world.kube) {
      world.kube.appendLog(namespace, pod, 'web', 'GET / 200');
      for (let i = 0; i < 100 && !text.includes('GET / 200'); i++) await new Promise((r) => setTimeout(r, 100));
    } else await new Promise((r) => setTimeout(r, 3000));
    abort.abort();
    await done;
    expect(text).toContain(world.kube ? `${pod}/web | GET / 200` : `${pod}/web | `);
    const status = await deploys.status('shop', destination);
    expect(status.some((s) => s.service === 'web' && s.health === 'ready')).toBe(true);
  }, 60_000);
});
