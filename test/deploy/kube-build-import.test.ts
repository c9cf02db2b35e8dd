import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App, KubernetesDestination } from '../../shared/model/app.js';
import { EventBus } from '../../electron/api/event-bus.js';
import { DeployService } from '../../electron/deploy/deploy-service.js';
import { KubeClient } from '../../electron/deploy/kubernetes/kube-client.js';
import type { KubeServer } from '../../electron/deploy/kubernetes/kube-builds.js';
import { LocalHost } from '../../electron/local/local-host.js';
import { MemorySecretStore } from '../../electron/secrets/secret-store.js';
import { skipUnlessAvailable } from '../support/infra.js';
import { TEST_IMAGES, dockerServerUnavailableReason, writeWebAppRepo, type DockerServer } from '../support/docker-server.js';
import { kubectlMissing, startKubectlWorld, type KubectlWorld } from '../kube/kubectl.js';
import { createDeployWorld, useDockerServer, type DeployWorld } from './deploy-world.js';

const execFileAsync = promisify(execFile);

/**
 * Images built from source for a k3s cluster on an SSH server: built with
 * Docker on that server (the Docker harness's real dockerd and sshd, in a
 * network namespace) from a git checkout at the planned commit, then
 * `docker save | k3s ctr images import -`. k3s itself cannot run here, so
 * /usr/local/bin/k3s is a stand-in script on the server that keeps what
 * `ctr images import` receives (and refuses anything but a docker-save
 * tarball); the cluster is the FAKE API server of the test fixtures,
 * checked with the real kubectl.
 */
const skip = skipUnlessAvailable('a Docker server in a network namespace', dockerServerUnavailableReason()) || kubectlMissing();

const STANDIN_K3S = (imports: string) => `#!/bin/sh
# Test stand-in for k3s (berth tests): "k3s ctr --namespace=k8s.io images import -" keeps its input in ${imports}.
[ "$1" = ctr ] || { echo "stand-in k3s: only ctr here" >&2; exit 1; }
shift
[ "$1" = --namespace=k8s.io ] || { echo "stand-in k3s: expected --namespace=k8s.io, got $1" >&2; exit 2; }
shift
case "$1 $2 $3" in
  "version  ") echo "ctr stand-in"; exit 0 ;;
  "images import -")
    f=${imports}/import-$(date +%s%N).tar
    cat > "$f"
    tar -tf "$f" | grep -qx manifest.json || { echo "ctr: not a docker-save archive" >&2; exit 1; }
    echo "unpacking $(tar -xOf "$f" manifest.json | head -c 200)...done"
    exit 0 ;;
esac
echo "stand-in k3s: unexpected ctr $*" >&2
exit 2
`;

describe.skipIf(skip)('Kubernetes deploy of an app built from git to a k3s cluster on an SSH server (no registry)', () => {
  const setup = useDockerServer('shop-kube', { world: false });
  let server: DockerServer;
  let world: DeployWorld;
  let kube: KubectlWorld;
  let deploys: DeployService;
  let repo: string;
  let imports: string;
  let program: string;
  let clusterServer: boolean;
  const destination = KubernetesDestination.parse({ type: 'kubernetes', name: 'vps-k3s', context: 'vps-k3s', namespace: 'shop' });

  beforeAll(async () => {
    server = setup.server();
    repo = setup.repo();
    world = await createDeployWorld(server);
    kube = await startKubectlWorld();
    // The stand-in k3s and the directory it keeps imports in, owned by the server's account.
    const dir = path.join(server.home, 'standin');
    imports = path.join(dir, 'imports');
    program = path.join(dir, 'k3s');
    await fs.mkdir(imports, { recursive: true });
    await fs.writeFile(program, STANDIN_K3S(imports), { mode: 0o755 });
    for (const p of [dir, imports, program]) await fs.chown(p, server.uid, server.gid);
    clusterServer = true;
    deploys = new DeployService({
      dataDir: path.join(world.dir, 'kube-data'), secrets: new MemorySecretStore(), events: new EventBus(), version: 'test', by: 'tester@berth-test', heartbeatSeconds: 1,
      host: (id) => world.servers.host(id), local: new LocalHost(),
      kube: async () => {
        const kc = new KubeConfig();
        kc.loadFromFile(kube.kubeconfig);
        return new KubeClient(kc, 'vps-k3s');
      },
      // What SshClusterService answers for a stored k3s cluster on that server.
      kubeServer: async (): Promise<KubeServer | undefined> => (clusterServer ? { host: await world.servers.host(world.serverId), distribution: 'k3s', program } : undefined),
    });
  }, 180_000);

  afterAll(async () => {
    await deploys?.dispose();
    await kube?.stop();
    await world?.dispose();
  });

  const app = () => App.parse({
    apiVersion: 'berth.dev/v1', kind: 'App', name: 'shop',
    services: {
      web: { build: { git: repo, ref: 'main' }, ports: [{ port: 8080 }] },
      cache: { image: TEST_IMAGES.busybox, command: ['sh', '-c', 'sleep 3600'] },
    },
  });

  it('plans the build on the server and the import into containerd; the Deployment runs that ref with IfNotPresent', async () => {
    const { sha } = await writeWebAppRepo(repo, 'v1');
    const tag = `shop-web:${sha.slice(0, 12)}`;
    const { planId, plan } = await deploys.plan({ kind: 'deploy', app: app(), destination });
    expect(plan.steps.map((s) => s.id)).toEqual(['connect', 'namespace', 'lock', 'build', 'record-start', 'applyset', 'apply', 'rollout', 'prune', 'record', 'unlock']);
    const build = plan.steps.find((s) => s.id === 'build')!;
    expect(build.title).toMatch(new RegExp(`^Build the images and import them into k3s on .*${server.ssh!.host.replace(/\./g, '\\.')}`));
    expect(build.notes.join('\n')).toContain(`web: build ${tag} from ${repo} at main (commit ${sha.slice(0, 12)})`);
    expect(build.notes.join('\n')).toContain(`docker save ${tag} | ${program} ctr --namespace=k8s.io images import -`);
    const argvs = build.actions.map((a) => (a.kind === 'exec' ? a.argv : []));
    expect(argvs.some((a) => a.includes(sha) && a.join(' ').includes('checkout --quiet --force --detach'))).toBe(true);
    expect(argvs.some((a) => a.includes('build') && a.includes(`berth.app.commit=${sha}`) && a[a.indexOf('-t') + 1] === tag)).toBe(true);
    // docker save | ctr import, on the server, as one command the plan shows.
    expect(argvs.some((a) => a[0] === 'sh' && a[2]!.includes('docker save "$img"') && a.slice(3).join(' ') === `sh ${tag} ${program} ctr --namespace=k8s.io images import -`)).toBe(true);
    const web = plan.changes?.find((c) => c.kind === 'Deployment' && c.name === 'web');
    expect(web?.desired).toContain(`image: ${tag}`);
    expect(web?.desired).toContain('imagePullPolicy: IfNotPresent');

    const record = await deploys.wait((await deploys.start(planId)).id);
    const log = await deploys.log(record.id);
    expect(record.outcome, `${record.error}\n${log}`).toBe('succeeded');
    expect(log).toMatch(/docker .*build --force-rm/);
    expect(log).toContain('unpacking');

    // The server's Docker has the image, and containerd (the stand-in) got exactly its docker-save archive.
    expect((await server.docker(['image', 'inspect', '--format', '{{index .Config.Labels "berth.app.commit"}}', tag])).stdout.trim()).toBe(sha);
    const archives = (await fs.readdir(imports)).filter((f) => f.endsWith('.tar'));
    expect(archives).toHaveLength(1);
    const { stdout: manifest } = await execFileAsync('tar', ['-xOf', path.join(imports, archives[0]!), 'manifest.json']);
    expect((JSON.parse(manifest) as Array<{ RepoTags: string[] }>)[0]!.RepoTags).toEqual([tag]);

    const live = await kube.run(['get', 'deployment', 'web', '-n', 'shop', '-o', 'json']);
    expect(live.code, live.stderr).toBe(0);
    const container = (JSON.parse(live.stdout) as { spec: { template: { spec: { containers: Array<{ image: string; imagePullPolicy?: string }> } } } }).spec.template.spec.containers[0]!;
    expect(container).toMatchObject({ image: tag, imagePullPolicy: 'IfNotPresent' });
    const { releases } = await deploys.releases('shop', destination);
    expect(releases[0]).toMatchObject({ state: 'serving', source: { commit: sha, ref: 'main', repository: repo } });
    expect(releases[0]!.images).toContainEqual({ service: 'web', ref: tag });
  }, 240_000);

  it('a new commit is a new image, built and imported again', async () => {
    const { sha } = await writeWebAppRepo(repo, 'v2');
    const record = await deploys.wait((await deploys.start((await deploys.plan({ kind: 'deploy', app: app(), destination })).planId)).id);
    expect(record.outcome, record.error).toBe('succeeded');
    expect((await fs.readdir(imports)).filter((f) => f.endsWith('.tar'))).toHaveLength(2);
    const live = await kube.run(['get', 'deployment', 'web', '-n', 'shop', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
    expect(live.stdout).toBe(`shop-web:${sha.slice(0, 12)}`);
  }, 240_000);

  it('another cluster needs a registry: without one the plan says to set it; with one it builds here and pushes', async () => {
    clusterServer = false;
    try {
      await expect(deploys.plan({ kind: 'deploy', app: app(), destination })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/web is built from source.*Set `registry` on the destination/s) });
      const { sha } = await writeWebAppRepo(repo, 'v3');
      const registry = KubernetesDestination.parse({ ...destination, registry: 'registry.example/acme/' });
      const { plan } = await deploys.plan({ kind: 'deploy', app: app(), destination: registry });
      const build = plan.steps.find((s) => s.id === 'build')!;
      const ref = `registry.example/acme/shop-web:${sha.slice(0, 12)}`;
      expect(build.title).toBe('Build the images and push them to registry.example/acme');
      expect(build.actions.map((a) => (a.kind === 'exec' ? a.argv.join(' ') : ''))).toContain(`docker push ${ref}`);
      expect(build.actions.every((a) => a.kind !== 'exec' || a.on === 'local')).toBe(true);
      const web = plan.changes?.find((c) => c.kind === 'Deployment' && c.name === 'web');
      expect(web?.desired).toContain(`image: ${ref}`);
    } finally {
      clusterServer = true;
    }
  }, 120_000);
});
