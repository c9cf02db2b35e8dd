import fs from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { skipUnlessAvailable } from '../support/infra.js';
import { dockerServerUnavailableReason, writeWebAppRepo, type DockerServer } from '../support/docker-server.js';
import { createDeployWorld, getThroughProxy, loadLoop, shopApp, useDockerServer, type DeployWorld } from './deploy-world.js';

const skip = skipUnlessAvailable('a Docker server in a network namespace', dockerServerUnavailableReason());

describe.skipIf(skip)('deploy to Docker over SSH', () => {
  const setup = useDockerServer('shop');
  let server: DockerServer;
  let world: DeployWorld;
  let repoDir: string;
  const releases: Record<string, string> = {};
  beforeAll(() => {
    [server, world, repoDir] = [setup.server(), setup.world(), setup.repo()];
  });

  const volumeMarker = async () => (await server.docker(['run', '--rm', '-v', 'shop_data:/data', 'berth-test/busybox:1', 'cat', '/data/marker'])).stdout.trim();

  it('deploys v1 built from git on the server and serves it through the proxy by its domain', async () => {
    await writeWebAppRepo(repoDir, 'v1');
    const record = await world.deploy(shopApp(repoDir));
    const log = world.logs.get(record.id) ?? '';
    expect(record.outcome, `${record.error}\n${log}`).toBe('succeeded');
    releases.v1 = record.id;
    expect(await getThroughProxy(server.address, 'shop.test')).toEqual({ status: 200, body: 'v1\n' });
    // Caddy reopens its listeners on each switch; queued connections must move to the new one, not be reset.
    expect((await server.docker(['inspect', '-f', '{{index .HostConfig.Sysctls "net.ipv4.tcp_migrate_req"}}', 'berth-proxy'])).stdout.trim()).toBe('1');
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
    expect(load.failures.length, load.failures.slice(0, 5).join('\n')).toBe(0);
    expect(sent).toBeGreaterThan(100);
    expect(new Set(load.answers)).toEqual(new Set(['v1', 'v2']));
    for (let i = 0; i < 20; i++) expect((await getThroughProxy(server.address, 'shop.test')).body).toBe('v2\n');
    expect(await volumeMarker()).toBe('kept');
  }, 240_000);

  it('fails v3 with a failing health check: explains why, keeps v2 serving without a failed request, removes v3', async () => {
    await writeWebAppRepo(repoDir, 'v3', { failHealth: true });
    const load = loadLoop(server.address, 'shop.test', 20, 200_000);
    const record = await world.deploy(shopApp(repoDir));
    const { sent, failed } = await load.finish();
    console.log(`failed v3 deploy under load: ${sent} requests, ${failed} failed`);
    const log = world.logs.get(record.id) ?? '';
    expect(record.outcome).toBe('failed');
    expect(record.failedStep).toBe('health');
    expect(load.failures.length, load.failures.slice(0, 5).join('\n')).toBe(0);
    expect(new Set(load.answers)).toEqual(new Set(['v2']));
    expect(log).toContain('is unhealthy');
    expect(log).toContain('Health check history');
    expect(log).toMatch(/exit 1: .*wget/);
    expect(log).toContain('Last 50 log lines');
    expect(log).toContain('web starting v3');
    expect(log).toContain('keeps serving');
    const left = await server.docker(['ps', '-a', '--filter', `label=com.docker.compose.project=shop-${record.id}`, '-q']);
    expect(left.stdout.trim()).toBe('');
    expect((await getThroughProxy(server.address, 'shop.test')).body).toBe('v2\n');
    const { releases: list } = await world.deploys.releases('shop', world.destination);
    expect(list.map((r) => [r.id, r.state])).toEqual([[record.id, 'failed'], [releases.v2, 'serving'], [releases.v1, 'kept']]);
    expect(await volumeMarker()).toBe('kept');
  }, 240_000);

  it('rolls back to v1 with its own files and images: no build, no pull, recorded as a release', async () => {
    const record = await world.rollback('shop', releases.v1);
    const log = world.logs.get(record.id) ?? '';
    expect(record.outcome, `${record.error}\n${log}`).toBe('succeeded');
    expect(log).not.toMatch(/docker .*(build|pull)/);
    expect((await getThroughProxy(server.address, 'shop.test')).body).toBe('v1\n');
    const { releases: list } = await world.deploys.releases('shop', world.destination);
    expect(list[0]).toMatchObject({ id: record.id, state: 'serving', kind: 'rollback', rollbackOf: releases.v1 });
    expect(list.find((r) => r.id === releases.v2)?.state).toBe('rolled-back');
    expect(await volumeMarker()).toBe('kept');
  }, 240_000);

  it('refuses a second deploy while one runs, naming the holder', async () => {
    await writeWebAppRepo(repoDir, 'v4');
    const first = await world.deploys.plan({ kind: 'deploy', app: shopApp(repoDir), destination: world.destination });
    const other = await createDeployWorld(server);
    try {
      const running = await world.deploys.start(first.planId);
      // Wait until the first deploy holds the lock, then a second installation tries.
      for (let i = 0; i < 100 && !(await fs.stat(path.join(server.home, '.berth/apps/shop/lock/info.json')).catch(() => undefined)); i++) await new Promise((r) => setTimeout(r, 100));
      const second = await other.deploy(shopApp(repoDir));
      expect(second.outcome).toBe('failed');
      expect(second.failedStep).toBe('lock');
      expect(second.error).toMatch(/being deployed by tester@berth-test \(release r[\d-]+[a-z0-9]+/);
      expect((await world.deploys.wait(running.id)).outcome).toBe('succeeded');
      expect((await getThroughProxy(server.address, 'shop.test')).body).toBe('v4\n');
    } finally {
      await other.dispose();
    }
  }, 240_000);

  it('shows a lock whose heartbeat stopped as stale and lets it be broken', async () => {
    const lock = path.join(server.home, '.berth/apps/shop/lock');
    await fs.mkdir(lock);
    await fs.writeFile(path.join(lock, 'info.json'), JSON.stringify({ by: 'ghost@crashed', berthVersion: '0.0.1', releaseId: 'r20260101-000000-dead', startedAt: '2026-01-01T00:00:00Z' }));
    await fs.writeFile(path.join(lock, 'heartbeat'), '');
    const old = new Date(Date.now() - 10 * 60_000);
    await fs.utimes(path.join(lock, 'heartbeat'), old, old);
    for (const p of [lock, path.join(lock, 'info.json'), path.join(lock, 'heartbeat')]) await fs.chown(p, server.uid, server.gid);
    const refused = await world.deploy(shopApp(repoDir));
    expect(refused.error).toMatch(/locked by ghost@crashed .*looks dead .*berth unlock shop/s);
    const { lock: info } = await world.deploys.releases('shop', world.destination);
    expect(info).toMatchObject({ by: 'ghost@crashed', stale: true });
    expect((await world.deploys.unlock('shop', world.destination)).removed?.by).toBe('ghost@crashed');
    const after = await world.deploy(shopApp(repoDir));
    expect(after.outcome, `${after.error}\n${world.logs.get(after.id)}`).toBe('succeeded');
  }, 240_000);
});
