import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App, KubernetesDestination } from '../../shared/model/app.js';
import { EventBus } from '../../electron/api/event-bus.js';
import { DeployService } from '../../electron/deploy/deploy-service.js';
import { KubeClient } from '../../electron/deploy/kubernetes/kube-client.js';
import { RemoteKubeApi } from '../../electron/deploy/kubernetes/remote-kube-api.js';
import { sshClusterDeployOptions } from '../../electron/deploy/kubernetes/ssh-cluster-kube.js';
import { ClusterService } from '../../electron/kube/cluster-service.js';
import { SSH_SOURCE_KIND, SshClusterContextSource } from '../../electron/kube/ssh-clusters/context-source.js';
import { SshClusterService } from '../../electron/kube/ssh-clusters/service.js';
import { LocalHost } from '../../electron/local/local-host.js';
import { MemorySecretStore } from '../../electron/secrets/secret-store.js';
import { appSecretKey } from '../../shared/model/secret-keys.js';
import { skipUnlessAvailable } from '../support/infra.js';
import { fakeKubeUnavailableReason, startKubeInNetns, type KubeInNetns } from '../support/kube-in-netns.js';
import { writeWebAppRepo } from '../support/docker-server.js';
import { kubeServerHostUnavailableReason, startKubeServerHost, sudoUnavailableReason, type KubeServerHost } from '../support/kube-server-host.js';
import { createWorld, type World } from '../integration/ssh-world.js';

/**
 * The remote-kubectl fallback end to end: a k3s stand-in server whose sshd
 * has AllowTcpForwarding no, so no tunnel reaches the (FAKE) API server on
 * its loopback. The deploy still runs in full (plan with dry run and diff,
 * lock, release records, apply, rollout watch, prune, rollback on failure,
 * logs) through `k3s kubectl` on the server over SSH; the stand-in k3s runs
 * the real /usr/bin/kubectl against the fake.
 */
const skip = skipUnlessAvailable('a k3s stand-in host in a network namespace', kubeServerHostUnavailableReason() ?? fakeKubeUnavailableReason());
const skipSudo = skip || skipUnlessAvailable('sudo on the k3s stand-in host', sudoUnavailableReason());
const K3S_YAML = '/etc/rancher/k3s/k3s.yaml';
const execFileAsync = promisify(execFile);

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(skip)('deploys to an SSH cluster whose sshd refuses TCP forwarding, through kubectl on the server', () => {
  let host: KubeServerHost;
  let fake: KubeInNetns;
  let world: World;
  let ssh: SshClusterService;
  let source: SshClusterContextSource;
  let clusters: ClusterService;
  let deploys: DeployService;
  const destination = KubernetesDestination.parse({ type: 'kubernetes', name: 'vps-k3s', context: 'vps-k3s', namespace: 'shop' });
  const secrets = new MemorySecretStore();

  const shop = (image: string, withWorker = true) => App.parse({
    apiVersion: 'berth.dev/v1', kind: 'App', name: 'shop',
    services: {
      web: { image, ports: [{ port: 80 }], env: { GREETING: 'hello', DB_PASSWORD: { secret: 'db-password' } } },
      ...(withWorker ? { worker: { image: 'busybox:1.36', command: ['sh', '-c', 'sleep 3600'] } } : {}),
    },
  });

  beforeAll(async () => {
    host = await startKubeServerHost();
    fake = await startKubeInNetns({ netns: host.netns, host: '127.0.0.1', port: 6443, kubeconfig: path.join(host.k3sDir, 'k3s.yaml'), server: 'https://127.0.0.1:6443', context: 'default', mode: '644' });
    world = await createWorld();
    await fs.appendFile(world.userKnownHosts, `${host.address} ${host.ssh.hostPublicKey}\n`);
    await world.service.add({ name: 'vps', host: host.address, port: 22, user: host.user, auth: { method: 'key', keyPath: host.ssh.clientKeyPath }, proxyJump: [] });
    const dataDir = path.join(world.dir, 'data');
    ssh = new SshClusterService({ dataDir, secrets: world.service.options.secrets, servers: world.service });
    await host.ssh.restart({ allowTcpForwarding: false });
    const added = await ssh.addClusterFromServer('vps');
    expect(added.reachable).toMatchObject({ through: 'none', error: { code: 'UNSUPPORTED' } });
    source = new SshClusterContextSource(ssh, dataDir);
    clusters = new ClusterService({ sources: [source] });
    await secrets.set(appSecretKey('shop', 'db-password'), 'hunter2-remote');
    deploys = new DeployService({
      dataDir, secrets, events: new EventBus(), version: '0.0.0-test', by: 'tester@here', heartbeatSeconds: 1,
      host: (id) => world.service.host(id), local: new LocalHost(),
      // As core.ts wires it: the context's KubeConfig through the tunnel, which the server refuses, then the fallback.
      kube: async (d) => new KubeClient(await clusters.configFor(d.context), d.context),
      ...sshClusterDeployOptions(ssh, async (context) => (await clusters.require(context)).source.kind === SSH_SOURCE_KIND),
    });
  }, 120_000);

  afterAll(async () => {
    await deploys?.dispose();
    await source?.dispose();
    await world?.dispose();
    await fake?.stop();
    await host?.stop();
  });

  const deploy = async (app: App, options: { force?: boolean } = {}) => {
    const { planId, plan } = await deploys.plan({ kind: 'deploy', app, destination, ...options });
    const record = await deploys.wait((await deploys.start(planId)).id);
    return { plan, record, log: await deploys.log(record.id) };
  };
  /** kubectl watches still running as the server's SSH user (its uid exists only for this host). */
  const watchers = async () => (await execFileAsync('pgrep', ['-a', '-u', String(host.uid), '-f', 'output-watch-events']).catch(() => ({ stdout: '' }))).stdout.split('\n').filter(Boolean);
  const kubectl = async () => ssh.remoteKubectl('vps-k3s');
  const deployment = async (name: string) => (await (await kubectl()).getJson('deployments', { name, namespace: 'shop', showManagedFields: true })) as {
    metadata: { labels: Record<string, string>; managedFields: Array<{ manager: string; operation: string }> };
    spec: { template: { spec: { containers: Array<{ image: string }> } } };
  };

  it('the tunnel is refused; the fallback is RemoteKubeApi and reaches the API through kubectl on the server', async () => {
    await expect(source.config('vps-k3s')).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('AllowTcpForwarding no') });
    const api = await sshClusterDeployOptions(ssh).kubeFallback(destination, await source.config('vps-k3s').catch((e: unknown) => e));
    expect(api).toBeInstanceOf(RemoteKubeApi);
    expect(await api!.version()).toMatch(/^v1\./);
    expect((api as RemoteKubeApi).kubectl.prefix).toEqual(['/usr/local/bin/k3s', 'kubectl']);
    // A watch is `kubectl get --watch` on the server: its events arrive as they happen, and aborting it ends kubectl there.
    const seen: string[] = [];
    const done: unknown[] = [];
    const watch = await api!.watch('/api/v1/namespaces/default/configmaps', {}, (type, o) => seen.push(`${type} ${o.metadata.name}`), (err) => done.push(err));
    await until('the watch to run on the server', async () => (await watchers()).length > 0);
    const made = await (await kubectl()).run(['create', 'configmap', 'watched', '--namespace=default', '--from-literal=a=b']);
    expect(made.exitCode, made.stderr).toBe(0);
    await until('the watch to see the ConfigMap', async () => seen.includes('ADDED watched'));
    watch.abort();
    await until('the watch to end on the server', async () => (await watchers()).length === 0);
    await until('the watch to report its end', async () => done.length === 1);
    expect(done[0]).toMatchObject({ name: 'AbortError' });
    // Anything else that fails is not a reason to fall back.
    expect(await sshClusterDeployOptions(ssh).kubeFallback(destination, new Error('boom'))).toBeUndefined();
  });

  it('plans with a server-side dry run, applies with field manager berth, watches the rollout, records the release', async () => {
    const { plan, record, log } = await deploy(shop('nginx:1.27'));
    expect(plan.server).toBe('vps-k3s (kubectl on ' + (await world.service.host((await ssh.listStoredClusters())[0]!.serverId)).label + ')');
    expect(plan.steps.map((s) => s.id)).toEqual(['connect', 'namespace', 'lock', 'record-start', 'applyset', 'apply', 'rollout', 'prune', 'record', 'unlock']);
    expect(JSON.stringify(plan)).not.toContain('hunter2-remote');
    expect(record.outcome, log).toBe('succeeded');
    expect(log).toMatch(/Deployment web: 1 of 1 replicas available/);
    expect(log).not.toContain('hunter2-remote');
    const web = await deployment('web');
    expect(web.spec.template.spec.containers[0]!.image).toBe('nginx:1.27');
    expect(web.metadata.managedFields.map((f) => `${f.manager}/${f.operation}`)).toContain('berth/Apply');
    expect(web.metadata.labels['applyset.kubernetes.io/part-of']).toMatch(/^applyset-[A-Za-z0-9_-]+-v1$/);
    const { releases, lock } = await deploys.releases('shop', destination);
    expect(releases.map((r) => r.state)).toEqual(['serving']);
    expect(lock).toBeNull();
    // The rollout's `kubectl get --watch` processes ended with it, on the server too.
    await until('the watches to end on the server', async () => (await watchers()).length === 0);
  }, 120_000);

  it('shows an update as the dry run against the live object, rolls it out, and prunes what is gone', async () => {
    const { plan, record, log } = await deploy(shop('nginx:1.28', false));
    expect(plan.changes?.find((c) => c.kind === 'Deployment' && c.name === 'web')).toMatchObject({ action: 'update', live: expect.stringContaining('image: nginx:1.27'), desired: expect.stringContaining('image: nginx:1.28') });
    expect(plan.changes?.filter((c) => c.action === 'delete').map((c) => `${c.kind}/${c.name}`)).toEqual(['Deployment/worker']);
    expect(record.outcome, log).toBe('succeeded');
    expect((await deployment('web')).spec.template.spec.containers[0]!.image).toBe('nginx:1.28');
    const left = await (await kubectl()).run(['get', 'deployment', 'worker', '--namespace=shop', '--ignore-not-found', '--output=name']);
    expect(left.stdout.trim()).toBe('');
    const { releases } = await deploys.releases('shop', destination);
    expect(releases.map((r) => r.state)).toEqual(['serving', 'kept']);
  }, 120_000);

  it('fails a rollout whose image cannot be pulled, says why, and re-applies the previous release', async () => {
    const { record, log } = await deploy(shop('registry.example/shop:pull-fails', false));
    expect(record.outcome).toBe('failed');
    expect(record.failedStep).toBe('rollout');
    expect(record.error).toMatch(/ErrImagePull|ImagePullBackOff/);
    expect(log).toMatch(/rolling back to r\d{8}/);
    expect((await deployment('web')).spec.template.spec.containers[0]!.image).toBe('nginx:1.28');
    const { releases } = await deploys.releases('shop', destination);
    expect(releases[0]?.state).toBe('failed');
  }, 120_000);

  it('names the other field manager on a conflict, and takes the fields over only when forced', async () => {
    const other = await (await kubectl()).run(['apply', '--server-side', '--field-manager=kubectl', '--force-conflicts', '--filename=-'], {
      stdin: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {replicas: 3}\n',
    });
    expect(other.exitCode, other.stderr).toBe(0);
    const refused = await deploy(shop('nginx:1.28', false));
    expect(refused.plan.conflicts?.join(' ')).toMatch(/"kubectl"/);
    expect(refused.record.outcome).toBe('failed');
    expect(refused.record.error).toMatch(/managed by "kubectl".*--force-conflicts/);
    const forced = await deploy(shop('nginx:1.28', false), { force: true });
    expect(forced.record.outcome, forced.log).toBe('succeeded');
  }, 120_000);

  it('status, logs and the lock work through kubectl on the server too', async () => {
    const status = await deploys.status('shop', destination);
    expect(status.map((s) => s.service)).toContain('web');
    let out = '';
    await deploys.logs('shop', destination, { tail: 10, follow: false }, (text) => (out += text));
    expect(out).toMatch(/^web-[a-z0-9-]+\/web \| /m);
    expect(await deploys.unlock('shop', destination)).toEqual({ removed: null });
  }, 60_000);

  it.skipIf(skipSudo)('with the kubeconfig readable only through sudo -n, runs sudo -n k3s kubectl', async () => {
    await fs.chmod(path.join(host.k3sDir, 'k3s.yaml'), 0o600);
    await host.setSudoRule(`${host.user} ALL=(root) NOPASSWD: /usr/bin/cat ${K3S_YAML}, /usr/local/bin/k3s kubectl *`);
    try {
      await ssh.addClusterFromServer('vps');
      const api = await sshClusterDeployOptions(ssh).kubeFallback(destination, await source.config('vps-k3s').catch((e: unknown) => e));
      expect((api as RemoteKubeApi).kubectl.prefix).toEqual(['sudo', '-n', '--', '/usr/local/bin/k3s', 'kubectl']);
      const { record, log } = await deploy(shop('nginx:1.29', false));
      expect(record.outcome, log).toBe('succeeded');
      expect((await deployment('web')).spec.template.spec.containers[0]!.image).toBe('nginx:1.29');
    } finally {
      await fs.chmod(path.join(host.k3sDir, 'k3s.yaml'), 0o644);
    }
  }, 120_000);

  it.skipIf(skipSudo)('plans a build for it: no Docker on the server, so built here and piped into sudo -n k3s ctr import, once sudo allows exactly that', async () => {
    const repoDir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-remote-build-'));
    try {
      const { sha } = await writeWebAppRepo(path.join(repoDir, 'shop'), 'v1');
      const built = App.parse({ apiVersion: 'berth.dev/v1', kind: 'App', name: 'shop', services: { web: { build: { git: path.join(repoDir, 'shop'), ref: 'main' }, ports: [{ port: 8080 }] } } });
      const tag = `shop-web:${sha.slice(0, 12)}`;
      // containerd is root's: without a sudo rule for the import, the plan says which one to add.
      await expect(deploys.plan({ kind: 'deploy', app: built, destination })).rejects.toMatchObject({
        code: 'AUTH_FAILED', message: expect.stringContaining('NOPASSWD: /usr/local/bin/k3s ctr --namespace=k8s.io images import -'),
      });
      await host.setSudoRule(`${host.user} ALL=(root) NOPASSWD: /usr/local/bin/k3s kubectl *, /usr/local/bin/k3s ctr --namespace=k8s.io images import -`);
      const { plan } = await deploys.plan({ kind: 'deploy', app: built, destination });
      // The host shares this machine's /usr/bin (a docker CLI, but no daemon for its user).
      expect(plan.warnings.join(' ')).toMatch(/(has no Docker to build with|Docker on \S+ does not answer its SSH user \(is the user in the docker group\?\)): the images are built on this computer/);
      const build = plan.steps.find((s) => s.id === 'build')!;
      expect(build.actions.at(-1)).toEqual({ kind: 'pipe', display: `docker save ${tag.replace(':', '\\:')} | ssh <server> sudo -n -- /usr/local/bin/k3s ctr --namespace\\=k8s.io images import -` });
      expect(plan.changes?.find((c) => c.kind === 'Deployment' && c.name === 'web')?.desired).toMatch(new RegExp(`image: ${tag}\\n\\s+imagePullPolicy: IfNotPresent`));
    } finally {
      await fs.rm(repoDir, { recursive: true, force: true });
    }
  }, 60_000);
});
