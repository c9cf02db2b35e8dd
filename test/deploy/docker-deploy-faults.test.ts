import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { skipUnlessAvailable } from '../support/infra.js';
import { buildTestImages, dockerServerUnavailableReason, startDockerServer, writeWebAppRepo, type DockerServer } from '../support/docker-server.js';
import { createDeployWorld, getThroughProxy, shopApp, useDockerServer, type DeployWorld } from './deploy-world.js';

const execFileAsync = promisify(execFile);
const skip = skipUnlessAvailable('a Docker server in a network namespace', dockerServerUnavailableReason());

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function processesMatching(pattern: string): Promise<string[]> {
  const { stdout } = await execFileAsync('ps', ['-eo', 'pid=,args=']);
  return stdout.split('\n').filter((line) => line.includes(pattern) && !line.includes('ps -eo'));
}

/** Makes the next build take long: a Dockerfile step that sleeps. */
async function slowBuild(repo: string, seconds: number) {
  const file = path.join(repo, 'Dockerfile');
  const text = await fs.readFile(file, 'utf8');
  await fs.writeFile(file, text.replace('COPY www /www', `RUN sleep ${seconds}\nCOPY www /www`));
  const git = (args: string[]) => execFileAsync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t.invalid', ...args]);
  await git(['commit', '-qam', 'slow build']);
}

describe.skipIf(skip)('deploys that are cancelled, interrupted or built on this computer', () => {
  const setup = useDockerServer('shop');
  let server: DockerServer;
  let world: DeployWorld;
  let repoDir: string;
  beforeAll(() => {
    [server, world, repoDir] = [setup.server(), setup.world(), setup.repo()];
  });

  it('cancel mid-build kills the remote build, leaves nothing behind and frees the lock', async () => {
    await writeWebAppRepo(repoDir, 'v1');
    await slowBuild(repoDir, 97);
    const { planId } = await world.deploys.plan({ kind: 'deploy', app: shopApp(repoDir), destination: world.destination });
    const record = await world.deploys.start(planId);
    await until('the build to run its slow step', async () => (await processesMatching('sleep 97')).length > 0);
    world.deploys.cancel(record.id);
    const final = await world.deploys.wait(record.id);
    expect(final.outcome).toBe('cancelled');
    expect(final.steps.find((s) => s.id === 'source')?.status).toBe('cancelled');
    await until('the build processes to end', async () => (await processesMatching('sleep 97')).length === 0 && (await processesMatching('build --force-rm')).length === 0, 30_000);
    // Only the proxy, which was ensured before the build, remains: no build container, no half-started release.
    const names = async () => (await server.docker(['ps', '-a', '--format', '{{.Names}}'])).stdout.trim().split('\n');
    await until('the build container to be removed', async () => (await names()).join() === 'berth-proxy', 30_000).catch(async () => {
      expect(await names()).toEqual(['berth-proxy']);
    });
    expect(await fs.stat(path.join(server.home, '.berth/apps/shop/lock')).catch(() => 'gone')).toBe('gone');
  }, 240_000);

  it('a dropped connection marks the deploy interrupted; the next deploy cleans up and succeeds', async () => {
    await writeWebAppRepo(repoDir, 'v1');
    expect((await world.deploy(shopApp(repoDir))).outcome).toBe('succeeded');
    await writeWebAppRepo(repoDir, 'v2');
    const { planId } = await world.deploys.plan({ kind: 'deploy', app: shopApp(repoDir), destination: world.destination });
    const record = await world.deploys.start(planId);
    await until('the new release to start', () => (world.logs.get(record.id) ?? '').includes('Wait for health'));
    await server.ssh!.kill();
    const final = await world.deploys.wait(record.id);
    expect(final.outcome).toBe('interrupted');
    expect(await fs.readFile(world.deploys.records.logPath(final), 'utf8')).toContain('marked interrupted');
    // v1 kept serving the whole time: the proxy and its containers do not depend on SSH.
    expect((await getThroughProxy(server.address, 'shop.test')).body).toBe('v1\n');
    await server.ssh!.restart();
    const next = await world.deploy(shopApp(repoDir));
    const log = world.logs.get(next.id) ?? '';
    expect(next.outcome, `${next.error}\n${log}`).toBe('succeeded');
    expect(log).toContain(`The lock left by this computer's interrupted deploy ${record.id} is removed first`);
    expect(log).toContain('Clean up an interrupted deploy');
    expect((await server.docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=shop-${record.id}`])).stdout.trim()).toBe('');
    expect((await getThroughProxy(server.address, 'shop.test')).body).toBe('v2\n');
  }, 300_000);

  it('builds on this computer and streams the image over the same SSH connection', async () => {
    // A second Docker daemon in its own namespace stands in for this computer's.
    const local = await startDockerServer({ sshd: false });
    const saved = process.env.DOCKER_HOST;
    try {
      await buildTestImages(local);
      process.env.DOCKER_HOST = local.dockerHost;
      await writeWebAppRepo(repoDir, 'v-local');
      const accepted = (await fs.readFile(server.ssh!.logPath, 'utf8')).split('\n').filter((l) => l.includes('Accepted publickey')).length;
      const record = await world.deploy(shopApp(repoDir), { buildOn: 'local' });
      const log = world.logs.get(record.id) ?? '';
      expect(record.outcome, `${record.error}\n${log}`).toBe('succeeded');
      expect(log).toMatch(/\$ docker build --force-rm/);
      expect(log).toMatch(/docker save shop-web\\?:[0-9a-f]{12} \| gzip \| ssh <server> docker .*load/);
      expect(log).toMatch(/Loaded image: shop-web:[0-9a-f]{12}/);
      expect((await getThroughProxy(server.address, 'shop.test')).body).toBe('v-local\n');
      const after = (await fs.readFile(server.ssh!.logPath, 'utf8')).split('\n').filter((l) => l.includes('Accepted publickey')).length;
      expect(after - accepted).toBeLessThanOrEqual(1);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
      await local.stop();
    }
  }, 300_000);

  it('clones a private repository over SSH with a deploy key that exists only while git runs', async () => {
    // The server's own sshd serves the repository; the deploy key is a key it accepts.
    const privateRepo = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'berth-private-')), 'shop');
    await writeWebAppRepo(privateRepo, 'private-v1');
    const sshDir = path.join(server.home, '.ssh');
    await fs.mkdir(sshDir, { recursive: true, mode: 0o700 });
    await fs.writeFile(path.join(sshDir, 'known_hosts'), `${server.address} ${server.ssh!.hostPublicKey}\n`);
    for (const p of [sshDir, path.join(sshDir, 'known_hosts')]) await fs.chown(p, server.uid, server.gid);
    const key = await fs.readFile(server.ssh!.clientKeyPath, 'utf8');
    const keyed = await createDeployWorld(server, {}, { BERTH_SECRET_REPO_KEY: key });
    try {
      const app = shopApp(`ssh://${server.user}@${server.address}${privateRepo}`);
      app.services.web!.build!.deployKey = 'REPO_KEY';
      const { plan } = await keyed.deploys.plan({ kind: 'deploy', app, destination: keyed.destination });
      expect(JSON.stringify(plan)).not.toContain('PRIVATE KEY');
      expect(JSON.stringify(plan)).toContain('(deploy key, from the secret store)');
      const record = await keyed.deploys.wait((await keyed.deploys.start(plan.releaseId)).id);
      const log = keyed.logs.get(record.id) ?? '';
      expect(record.outcome, `${record.error}\n${log}`).toBe('succeeded');
      expect(log).not.toContain('PRIVATE KEY');
      expect((await getThroughProxy(server.address, 'shop.test')).body).toBe('private-v1\n');
      const leftovers: string[] = [];
      for (const name of await fs.readdir('/tmp')) {
        const st = await fs.stat(path.join('/tmp', name)).catch(() => undefined);
        if (st?.isFile() && st.uid === server.uid) leftovers.push(name);
      }
      expect(leftovers).toEqual([]);
    } finally {
      await keyed.dispose();
    }
  }, 240_000);
});
