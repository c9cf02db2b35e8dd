import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, VersionApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshClusterService } from '../../electron/kube/ssh-clusters/service.js';
import { MemorySecretStore } from '../../electron/secrets/secret-store.js';
import { addFromServer, cliSshClusters } from '../../electron/kube/ssh-clusters/cli.js';
import { SshClusterContextSource } from '../../electron/kube/ssh-clusters/context-source.js';
import { probeHost } from '../../electron/servers/probe.js';
import { skipUnlessAvailable } from '../support/infra.js';
import { fakeKubeUnavailableReason, startKubeInNetns, type KubeInNetns } from '../support/kube-in-netns.js';
import { kubeServerHostUnavailableReason, startKubeServerHost, sudoUnavailableReason, type KubeServerHost } from '../support/kube-server-host.js';
import { countInLog, createWorld, type World } from '../integration/ssh-world.js';

const execFileAsync = promisify(execFile);
const KUBECTL = '/usr/bin/kubectl';
const skip = skipUnlessAvailable('a k3s stand-in host in a network namespace', kubeServerHostUnavailableReason() ?? fakeKubeUnavailableReason());
const skipSudo = skip || skipUnlessAvailable('sudo on the k3s stand-in host', sudoUnavailableReason());

const K3S_YAML = '/etc/rancher/k3s/k3s.yaml';

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(skip)('a k3s cluster on an SSH server, reached only through the SSH tunnel', () => {
  let host: KubeServerHost;
  let fake: KubeInNetns;
  let world: World;
  let service: SshClusterService;
  let serverId: string;
  const kubeconfigOnHost = () => path.join(host.k3sDir, 'k3s.yaml');
  const logins = async () => countInLog(await fs.readFile(host.ssh.logPath, 'utf8'), /Accepted publickey/);

  beforeAll(async () => {
    host = await startKubeServerHost();
    // The fake API listens only on the namespace's loopback, like k3s's 127.0.0.1:6443 as its kubeconfig names it; the file is root's, mode 0600, as k3s writes it.
    fake = await startKubeInNetns({ netns: host.netns, host: '127.0.0.1', port: 6443, kubeconfig: kubeconfigOnHost(), server: 'https://127.0.0.1:6443', context: 'default', mode: '600' });
    world = await createWorld();
    await fs.appendFile(world.userKnownHosts, `${host.address} ${host.ssh.hostPublicKey}\n`);
    const server = await world.service.add({ name: 'vps', host: host.address, port: 22, user: host.user, auth: { method: 'key', keyPath: host.ssh.clientKeyPath }, proxyJump: [] });
    serverId = server.id;
    service = new SshClusterService({ dataDir: path.join(world.dir, 'data'), secrets: world.service.options.secrets, servers: world.service });
  }, 120_000);

  afterAll(async () => {
    await world?.dispose();
    await fake?.stop();
    await host?.stop();
  });

  it('the probe finds k3s, its program and its unreadable admin kubeconfig', async () => {
    const probe = await probeHost(await world.service.host(serverId));
    expect(probe.kubernetes).toEqual(['k3s']);
    expect(probe.kubernetesFound).toEqual([{ distribution: 'k3s', binary: '/usr/local/bin/k3s', kubeconfig: { path: K3S_YAML, readable: false } }]);
  });

  it.skipIf(skipSudo)('says exactly that sudo needs a password, and what to do, when it does', async () => {
    await host.setSudoRule(`${host.user} ALL=(ALL) ALL`);
    const err = await service.addClusterFromServer('vps').then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'AUTH_FAILED' });
    const message = (err as Error).message;
    expect(message).toContain(`sudo there asks ${host.user} for a password, which Berth never types`);
    expect(message).toContain('`sudo chmod 644 /etc/rancher/k3s/k3s.yaml`');
    expect(message).toContain('write-kubeconfig-mode: "0644"');
    expect(message).toContain(`${host.user} ALL=(root) NOPASSWD: /usr/bin/cat /etc/rancher/k3s/k3s.yaml`);
    expect(await service.listStoredClusters()).toEqual([]);
  });

  it('reads a kubeconfig the SSH user may read without sudo', async () => {
    await host.setSudoRule(undefined);
    await fs.chmod(kubeconfigOnHost(), 0o644);
    try {
      const added = await service.addClusterFromServer('vps');
      expect(added.readWith).toEqual(['cat', K3S_YAML]);
      expect(added.reachable).toMatchObject({ through: 'tunnel' });
    } finally {
      await fs.chmod(kubeconfigOnHost(), 0o600);
    }
  });

  it.skipIf(skipSudo)('adds the cluster with sudo -n: credentials in the secret store, the rest in clusters.json', async () => {
    await host.setSudoRule(`${host.user} ALL=(root) NOPASSWD: /usr/bin/cat ${K3S_YAML}, /usr/local/bin/k3s kubectl *`);
    const added = await service.addClusterFromServer('vps');
    expect(added).toMatchObject({
      id: `${serverId}-k3s`,
      serverId,
      distribution: 'k3s',
      contextName: 'vps-k3s',
      apiHost: '127.0.0.1',
      apiPort: 6443,
      caData: Buffer.from(fake.caPem).toString('base64'),
      credentials: { kind: 'token', secretKey: `cluster/${serverId}-k3s/credentials` },
      readWith: ['sudo', '-n', '--', 'cat', K3S_YAML],
      program: '/usr/local/bin/k3s',
      reachable: { through: 'tunnel', version: expect.stringMatching(/^v1\.\d+/) },
    });
    // The certificate names 127.0.0.1, the tunnel's end: no tls-server-name needed.
    expect(added.tlsServerName).toBeUndefined();
    const file = await fs.readFile(path.join(world.dir, 'data', 'clusters.json'), 'utf8');
    expect(file).not.toContain(fake.token);
    expect(JSON.parse(file).data.clusters).toHaveLength(1);
    expect(await world.service.options.secrets.get(`cluster/${serverId}-k3s/credentials`)).toContain(fake.token);
    expect(await service.contexts()).toEqual([{ name: 'vps-k3s', cluster: 'vps-k3s', user: 'vps-k3s', source: 'ssh-server', clusterId: `${serverId}-k3s`, serverId, distribution: 'k3s' }]);
  });

  it('serves listNamespace and /version through the tunnel, while port 6443 is closed from outside', async () => {
    await ensureAdded();
    const conn = await service.kubeConfigFor('vps-k3s');
    try {
      expect(conn.kubeConfig.getCurrentCluster()?.server).toBe(`https://127.0.0.1:${conn.port}`);
      const namespaces = await conn.kubeConfig.makeApiClient(CoreV1Api).listNamespace();
      expect(namespaces.items.map((n) => n.metadata?.name)).toContain('default');
      const version = await conn.kubeConfig.makeApiClient(VersionApi).getCode();
      expect(version.gitVersion).toMatch(/^v1\./);
      // Straight to the server's address: nothing listens there, the API is on its loopback only.
      const direct = await new Promise<string>((resolve) => {
        const socket = net.connect({ host: host.address, port: 6443 });
        socket.once('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      });
      expect(direct).toBe('ECONNREFUSED');
    } finally {
      await conn.close();
    }
    await expect(new Promise((resolve, reject) => net.connect(conn.port, '127.0.0.1').once('connect', resolve).once('error', reject))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('is a real API endpoint for kubectl', async () => {
    await ensureAdded();
    const conn = await service.kubeConfigFor('vps-k3s');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-kubectl-'));
    try {
      const file = path.join(dir, 'config');
      // Holds the token: a 0600 file in a 0700 temp dir, removed below.
      await fs.writeFile(file, conn.kubeConfig.exportConfig(), { mode: 0o600 });
      const kubectl = (args: string[]) => execFileAsync(KUBECTL, [`--kubeconfig=${file}`, ...args], { env: { PATH: '/usr/bin:/bin', HOME: dir } });
      const { stdout: names } = await kubectl(['get', 'namespaces', '-o', 'name']);
      expect(names.split('\n')).toContain('namespace/default');
      const { stdout: version } = await kubectl(['version', '-o', 'json']);
      expect(JSON.parse(version).serverVersion.gitVersion).toMatch(/^v1\./);
      const apply = execFileAsync(KUBECTL, [`--kubeconfig=${file}`, 'apply', '--server-side', '--field-manager=berth-test', '-f', '-'], { env: { PATH: '/usr/bin:/bin', HOME: dir } });
      apply.child.stdin!.end('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: through-tunnel\n  namespace: default\ndata:\n  a: b\n');
      expect((await apply).stdout).toContain('configmap/through-tunnel serverside-applied');
      const { stdout: cm } = await kubectl(['get', 'configmap', 'through-tunnel', '--namespace=default', '-o', 'jsonpath={.data.a}']);
      expect(cm).toBe('b');
    } finally {
      await conn.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('with a memory-only secret store, reads the credentials again from the server when they are gone', async () => {
    await ensureAdded();
    // Another run of Berth: same clusters.json, a secret store that kept nothing.
    const fresh = new SshClusterService({ dataDir: path.join(world.dir, 'data'), secrets: new MemorySecretStore(), servers: world.service });
    await fs.chmod(kubeconfigOnHost(), 0o644);
    try {
      const conn = await fresh.kubeConfigFor('vps-k3s');
      try {
        expect((await conn.kubeConfig.makeApiClient(VersionApi).getCode()).gitVersion).toMatch(/^v1\./);
      } finally {
        await conn.close();
      }
    } finally {
      await fs.chmod(kubeconfigOnHost(), 0o600);
    }
  });

  it('plugs in as a source of kube contexts: vps-k3s, with a KubeConfig through one kept tunnel', async () => {
    await ensureAdded();
    const source = new SshClusterContextSource(service, path.join(world.dir, 'data'));
    try {
      const listing = await source.list();
      expect(listing.contexts).toEqual([expect.objectContaining({ name: 'vps-k3s', server: 'https://127.0.0.1:6443', source: { kind: 'ssh-server', serverId }, auth: { kind: 'token' } })]);
      expect(await source.config('nope')).toBeUndefined();
      const kc = await source.config('vps-k3s');
      expect(kc).toBe(await source.config('vps-k3s'));
      expect((await kc!.makeApiClient(CoreV1Api).listNamespace()).items.length).toBeGreaterThan(0);
    } finally {
      await source.dispose();
    }
  });

  it('survives the SSH connection dropping: its sockets close, the next request reconnects', async () => {
    await ensureAdded();
    const conn = await service.kubeConfigFor('vps-k3s');
    try {
      const core = conn.kubeConfig.makeApiClient(CoreV1Api);
      await core.listNamespace();
      const before = await logins();

      await host.ssh.dropConnections();
      // Destroyed, not hung: the tunnel drops every socket of the dead connection.
      await until('the tunnel to drop the sockets of the dead connection', () => conn.tunnel.activeSockets === 0);
      expect((await core.listNamespace()).items.length).toBeGreaterThan(0);
      expect(await logins()).toBe(before + 1);

      // sshd itself restarted: the same.
      await host.ssh.restart();
      await until('the tunnel to drop the sockets of the dead connection', () => conn.tunnel.activeSockets === 0);
      expect((await core.listNamespace()).items.length).toBeGreaterThan(0);
    } finally {
      await conn.close();
    }
  });

  it.skipIf(skipSudo)("the remote kubectl fallback runs k3s's kubectl on the server: apply, rollout status, get, logs", async () => {
    await ensureAdded();
    const kubectl = await service.remoteKubectl('vps-k3s');
    expect(kubectl.prefix).toEqual(['sudo', '-n', '--', '/usr/local/bin/k3s', 'kubectl']);
    const manifests = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: berth-test/web:1
`;
    expect(await kubectl.apply(manifests)).toMatch(/deployment\.apps\/web serverside-applied/);
    const rollout = await kubectl.rolloutStatus('deployment/web', { namespace: 'shop', timeout: '60s' });
    expect(rollout).toMatchObject({ ok: true, output: expect.stringContaining('successfully rolled out') });
    const deployment = (await kubectl.getJson('deployments', { name: 'web', namespace: 'shop', showManagedFields: true })) as { metadata: { managedFields: Array<{ manager: string }> } };
    expect(deployment.metadata.managedFields.map((f) => f.manager)).toContain('berth');
    const pods = (await kubectl.getJson('pods', { namespace: 'shop', selector: 'app=web' })) as { items: Array<{ metadata: { name: string } }> };
    expect(pods.items).toHaveLength(1);
    const logs = await kubectl.logs(`pod/${pods.items[0]!.metadata.name}`, { namespace: 'shop', container: 'app', tail: 10 });
    let stderr = '';
    logs.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    logs.stdout.resume();
    expect((await logs.done).exitCode, stderr).toBe(0);
  });

  it('the CLI command adds it and says where the credentials went', async () => {
    await host.setSudoRule(undefined);
    await fs.chmod(kubeconfigOnHost(), 0o644);
    const out: string[] = [];
    const err: string[] = [];
    const sink = (into: string[]) => ({ write: (chunk: string) => (into.push(chunk), true) }) as unknown as NodeJS.WritableStream;
    try {
      // The CLI reads servers.json and known_hosts from BERTH_HOME: point it at the world's.
      await fs.copyFile(world.userKnownHosts, path.join(world.dir, 'data', 'known_hosts'));
      const code = await addFromServer({ argv: ['vps'], stdout: sink(out), stderr: sink(err), stdin: process.stdin, env: { ...process.env, BERTH_HOME: path.join(world.dir, 'data'), HOME: world.dir, BERTH_SECRETS_PASSPHRASE: '' } });
      expect(err.join('')).toBe('');
      expect(code).toBe(0);
      expect(out.join('')).toMatch(/^Added vps-k3s \(k3s on vps; its API is 127\.0\.0\.1:6443 as the server sees it, read with `cat \/etc\/rancher\/k3s\/k3s\.yaml`\)\.\n {2}Reached through an SSH tunnel: Kubernetes v1\./);
      expect(out.join('')).toContain('Berth reads them again from the server when it needs them');
      // What `berth clusters list` would plug in: the context, usable from a fresh process's empty secret store.
      const cli = cliSshClusters({ argv: [], stdout: sink(out), stderr: sink(err), stdin: process.stdin, env: { ...process.env, BERTH_HOME: path.join(world.dir, 'data'), HOME: world.dir, BERTH_SECRETS_PASSPHRASE: '' } });
      try {
        expect((await cli.source.list()).contexts.map((c) => c.name)).toEqual(['vps-k3s']);
        const kc = await cli.source.config('vps-k3s');
        expect((await kc!.makeApiClient(VersionApi).getCode()).gitVersion).toMatch(/^v1\./);
      } finally {
        await cli.dispose();
      }
    } finally {
      await fs.chmod(kubeconfigOnHost(), 0o600);
    }
  });

  it('without TCP forwarding (AllowTcpForwarding no): stored anyway, the tunnel says why, remote kubectl still works', async () => {
    await host.ssh.restart({ allowTcpForwarding: false });
    await fs.chmod(kubeconfigOnHost(), 0o644);
    try {
      const added = await service.addClusterFromServer('vps');
      expect(added.reachable).toMatchObject({ through: 'none', error: { code: 'UNSUPPORTED', message: expect.stringContaining('AllowTcpForwarding no') } });
      expect((await service.listStoredClusters()).map((c) => c.id)).toEqual([`${serverId}-k3s`]);
      await expect(service.kubeConfigFor('vps-k3s')).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('remote kubectl') });
      const kubectl = await service.remoteKubectl('vps-k3s');
      expect(kubectl.prefix).toEqual(['/usr/local/bin/k3s', 'kubectl']);
      const namespaces = (await kubectl.getJson('namespaces')) as { items: Array<{ metadata: { name: string } }> };
      expect(namespaces.items.map((n) => n.metadata.name)).toContain('default');
    } finally {
      await fs.chmod(kubeconfigOnHost(), 0o600);
      await host.ssh.restart({ allowTcpForwarding: true });
    }
  });

  it("says when the API refuses the kubeconfig's credentials", async () => {
    const original = await fs.readFile(kubeconfigOnHost(), 'utf8');
    expect(original).toContain(fake.token);
    await fs.writeFile(kubeconfigOnHost(), original.replace(fake.token, 'not-the-token'), { mode: 0o644 });
    await fs.chmod(kubeconfigOnHost(), 0o644);
    try {
      const added = await service.addClusterFromServer('vps');
      expect(added.reachable).toMatchObject({ through: 'none', error: { code: 'AUTH_FAILED', message: expect.stringContaining("refused the kubeconfig's credentials") } });
    } finally {
      await fs.writeFile(kubeconfigOnHost(), original);
      await fs.chmod(kubeconfigOnHost(), 0o600);
      await service.removeStoredCluster(`${serverId}-k3s`);
    }
  });

  it('removing a stored cluster also removes its credentials', async () => {
    await ensureAdded();
    const [cluster] = await service.listStoredClusters();
    expect(await world.service.options.secrets.get(cluster!.credentials.secretKey)).toBeDefined();
    await service.removeStoredCluster(cluster!.id);
    expect(await service.listStoredClusters()).toEqual([]);
    expect(await world.service.options.secrets.get(cluster!.credentials.secretKey)).toBeUndefined();
    await expect(service.kubeConfigFor(cluster!.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  async function ensureAdded() {
    if ((await service.listStoredClusters()).length) return;
    await fs.chmod(kubeconfigOnHost(), 0o644);
    try {
      await service.addClusterFromServer('vps');
    } finally {
      await fs.chmod(kubeconfigOnHost(), 0o600);
    }
  }
});
