import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { App, DockerDestination, type AppInput } from '../../shared/model/app.js';
import type { DeployRecord } from '../../shared/model/deploy.js';
import { EventBus } from '../../electron/api/event-bus.js';
import { DeployService } from '../../electron/deploy/deploy-service.js';
import { LocalHost } from '../../electron/local/local-host.js';
import { MemorySecretStore } from '../../electron/secrets/secret-store.js';
import { ServerService } from '../../electron/servers/server-service.js';
export { getThroughProxy, loadLoop } from '../support/proxy-client.js';
import { ScriptedPrompter } from '../integration/ssh-world.js';
import { afterAll, beforeAll } from 'vitest';
import { TEST_IMAGES, buildTestImages, startDockerServer, type DockerServer } from '../support/docker-server.js';

/**
 * A Berth installation (data dir, servers, deploy service) pointed at one
 * real Docker server in its own network namespace.
 */
export interface DeployWorld {
  dir: string;
  servers: ServerService;
  deploys: DeployService;
  events: EventBus;
  serverId: string;
  destination: DockerDestination;
  /** Log text per deploy id, as pushed through events. */
  logs: Map<string, string>;
  deploy(app: App, options?: { buildOn?: 'server' | 'local' }): Promise<DeployRecord>;
  rollback(app: string, to?: string): Promise<DeployRecord>;
  dispose(): Promise<void>;
}

export async function createDeployWorld(server: DockerServer, extra: Partial<DockerDestination> = {}, env: Record<string, string> = {}): Promise<DeployWorld> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-deploy-'));
  const sshDir = path.join(dir, 'dot-ssh');
  await fs.mkdir(sshDir);
  const knownHosts = path.join(sshDir, 'known_hosts');
  await fs.writeFile(knownHosts, `${server.ssh!.host} ${server.ssh!.hostPublicKey}\n`);
  const events = new EventBus();
  const secrets = new MemorySecretStore();
  const servers = new ServerService({ dataDir: path.join(dir, 'data'), secrets, prompter: new ScriptedPrompter(), events, sshDir, userKnownHosts: [knownHosts], connectTimeoutMs: 10_000 });
  const added = await servers.add({ name: 'vps', host: server.ssh!.host, port: 22, user: server.ssh!.user, auth: { method: 'key', keyPath: server.ssh!.clientKeyPath }, proxyJump: [] });
  const deploys = new DeployService({
    dataDir: path.join(dir, 'data'), secrets, events, version: 'test', host: (id) => servers.host(id), local: new LocalHost(),
    env: { BERTH_SECRET_DB_PASSWORD: 'hunter2-secret-value', ...env }, by: 'tester@berth-test', heartbeatSeconds: 2,
  });
  const destination = DockerDestination.parse({
    type: 'docker', name: 'vps', server: added.id, proxy: 'caddy', proxyImage: TEST_IMAGES.caddy, drainSeconds: 2, readinessSeconds: 2, ...extra,
  });
  const logs = new Map<string, string>();
  events.subscribe((event, payload) => {
    if (event === 'deploy.log') {
      const p = payload as { deployId: string; data: string };
      logs.set(p.deployId, (logs.get(p.deployId) ?? '') + p.data);
    }
  });
  const world: DeployWorld = {
    dir, servers, deploys, events, serverId: added.id, destination, logs,
    async deploy(app, options = {}) {
      const { planId } = await deploys.plan({ kind: 'deploy', app, destination, buildOn: options.buildOn });
      const record = await deploys.start(planId);
      return deploys.wait(record.id);
    },
    async rollback(app, to) {
      const { planId } = await deploys.plan({ kind: 'rollback', appName: app, destination, to });
      return deploys.wait((await deploys.start(planId)).id);
    },
    async dispose() {
      await deploys.dispose();
      await servers.dispose();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** The two-service app of the tests: a routed web app built from git, and a service that keeps data in a named volume. */
export function shopApp(repo: string, overrides: Partial<AppInput> = {}): App {
  return App.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'App',
    name: 'shop',
    services: {
      web: {
        build: { git: repo, ref: 'main' },
        command: ['sh', '-c', 'echo "web starting $(cat /www/index.html)"; exec httpd -f -p 8080 -h /www'],
        ports: [{ port: 8080 }],
        routes: [{ domain: 'shop.test', port: 8080, https: false }],
        healthcheck: { http: { path: '/health', port: 8080 }, intervalSeconds: 1, timeoutSeconds: 2, retries: 3 },
        env: { DB_HOST: 'db' },
        // busybox httpd as PID 1 ignores SIGTERM; a short grace keeps each retire quick.
        stopGracePeriodSeconds: 1,
      },
      db: {
        image: TEST_IMAGES.busybox,
        command: ['sh', '-c', 'echo started >> /data/boot.log; exec sleep 100000'],
        mounts: [{ volume: 'data', path: '/data' }],
        env: { PASSWORD: { secret: 'DB_PASSWORD' } },
        stopGracePeriodSeconds: 1,
      },
    },
    volumes: { data: {} },
    ...overrides,
  });
}

/**
 * One Docker server (with its test images) for a whole test file, a fresh
 * directory for the app's git repository, and optionally a Berth
 * installation pointed at the server. `bind` receives them before the tests.
 */
export function useDockerServer(repoName: string, options: { world?: boolean } = {}): { server: () => DockerServer; repo: () => string; world: () => DeployWorld } {
  let server: DockerServer | undefined;
  let world: DeployWorld | undefined;
  let repo = '';
  beforeAll(async () => {
    server = await startDockerServer();
    await buildTestImages(server);
    repo = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'berth-repo-')), repoName);
    if (options.world !== false) world = await createDeployWorld(server);
  }, 180_000);
  afterAll(async () => {
    await world?.dispose();
    await server?.stop();
    if (repo) await fs.rm(path.dirname(repo), { recursive: true, force: true });
  }, 120_000);
  return { server: () => server!, repo: () => repo, world: () => world! };
}
