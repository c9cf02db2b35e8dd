import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnlessAvailable } from '../support/infra.js';
import { buildTestImages, dockerServerUnavailableReason, startDockerServer, writeWebAppRepo, type DockerServer } from '../support/docker-server.js';
import { createDeployWorld, getThroughProxy, loadLoop, shopApp, type DeployWorld } from './deploy-world.js';

const skip = skipUnlessAvailable('a Docker server in a network namespace', dockerServerUnavailableReason());

describe.skipIf(skip)('deploy to Docker over SSH', () => {
  let server: DockerServer;
  let world: DeployWorld;
  let repoDir: string;
  const releases: Record<string, string> = {};

  beforeAll(async () => {
    server = await startDockerServer();
    await buildTestImages(server);
    repoDir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'berth-repo-')), 'shop');
    world = await createDeployWorld(server);
  }, 180_000);

  afterAll(async () => {
    await world?.dispose();
    await server?.stop();
  }, 120_000);

  const volumeMarker = async () => (await server.docker(['run', '--rm', '-v', 'shop_data:/data', 'berth-test/busybox:1', 'cat', '/data/marker'])).stdout.trim();

  it('deploys v1 built from git on the server and serves it through the proxy by its domain', async () => {
    await writeWebAppRepo(repoDir, 'v1');
    const record = await world.deploy(shopApp(repoDir));
    const log = world.logs.get(record.id) ?? '';
    expect(record.outcome, `${record.error}\n${log}`).toBe('succeeded');
    releases.v1 = record.id;
    expect(await getThroughProxy(server.address, 'shop.test')).toEqual({ status: 200, body: 'v1\n' });
    expect(log).toMatch(/docker .*build --force-rm/);
    expect(log).not.toContain('hunter2-secret-value');
    // Data written to the named volume must survive everything that follows.
    expect((await server.docker(['run', '--rm', '-v', 'shop_data:/data', 'berth-test/busybox:1', 'sh', '-c', 'echo kept > /data/marker'])).code).toBe(0);
    const env = await fs.readFile(path.join(server.home, '.berth/apps/shop/releases', record.id, '.env.db'));
    expect(env.toString()).toContain('hunter2-secret-value');
    expect((await fs.stat(path.join(server.home, '.berth/apps/shop/releases', record.id, '.env.db'))).mode & 0o777).toBe(0o600);
  }, 240_000);

  it('deploys v2 under load without a failed request; afterwards only v2 answers; db is unchanged', async () => {
    await writeWebAppRepo(repoDir, 'v2');
    const { plan } = await world.deploys.plan({ kind: 'deploy', app: shopApp(repoDir), destination: world.destination });
    expect(plan.services).toContainEqual(expect.objectContaining({ service: 'db', mode: 'unchanged' }));
    expect(plan.services).toContainEqual(expect.objectContaining({ service: 'web', mode: 'beside' }));
    const load = loadLoop(server.address, "shop.test", 20, 200_000);
    const record = await world.deploy(shopApp(repoDir));
    const { sent, failed } = await load.finish();
    console.log(`v2 deploy under load: ${sent} requests, ${failed} failed`);
    expect(record.outcome, record.error).toBe('succeeded');
    releases.v2 = record.id;
    expect(load.failures.slice(0, 5)).toEqual([]);
    expect(sent).toBeGreaterThan(100);
    expect(new Set(load.answers)).toEqual(new Set(['v1', 'v2']));
    for (let i = 0; i < 20; i++) expect((await getThroughProxy(server.address, 'shop.test')).body).toBe('v2\n');
    expect(await volumeMarker()).toBe('kept');
  }, 240_000);
});
