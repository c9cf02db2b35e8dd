import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DestinationStore } from '../../electron/apps/destination-store.js';
import { DockerDestination } from '../../shared/model/app.js';
import { skipUnlessAvailable } from '../support/infra.js';
import { ensureBuiltCli, runBerth } from '../support/built-cli.js';
import { TEST_IMAGES, buildTestImages, dockerServerUnavailableReason, startDockerServer, writeWebAppRepo, type DockerServer } from '../support/docker-server.js';
import { getThroughProxy, shopApp } from './deploy-world.js';

const skip = skipUnlessAvailable('a Docker server in a network namespace', dockerServerUnavailableReason());

describe.skipIf(skip)('berth deploy, releases, rollback, status, logs and unlock on the command line', () => {
  let server: DockerServer;
  let home: string;
  let appFile: string;
  let repo: string;
  const secretEnv = { BERTH_SECRET_DB_PASSWORD: 'cli-secret-9f8e7d' };

  // No terminal: a CI job's situation. The CLI must run without asking.
  const berth = (args: string[], env: Record<string, string> = {}) => runBerth(args, { PATH: process.env.PATH, HOME: home, BERTH_HOME: path.join(home, 'berth'), ...env });

  beforeAll(async () => {
    await ensureBuiltCli();
    server = await startDockerServer();
    await buildTestImages(server);
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-cli-deploy-'));
    await fs.mkdir(path.join(home, '.ssh'));
    await fs.writeFile(path.join(home, '.ssh', 'known_hosts'), `${server.ssh!.host} ${server.ssh!.hostPublicKey}\n`);
    repo = path.join(home, 'repo');
    await writeWebAppRepo(repo, 'v1');
    appFile = path.join(home, 'berth.yaml');
    await fs.writeFile(appFile, dump(shopApp(repo)));
    const added = await berth(['servers', 'add', 'vps', '--host', server.ssh!.host, '--user', server.ssh!.user, '--key', server.ssh!.clientKeyPath]);
    expect(added.code, added.stderr).toBe(0);
    await new DestinationStore(path.join(home, 'berth')).save(DockerDestination.parse({ type: 'docker', name: 'vps-fast', server: 'vps', proxyImage: TEST_IMAGES.caddy, drainSeconds: 1, readinessSeconds: 1 }));
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    if (home) await fs.rm(home, { recursive: true, force: true });
  }, 120_000);

  it('refuses a deploy whose secret has no value before touching the server, naming the secret', async () => {
    const run = await berth(['deploy', appFile, '--server', 'vps', '--proxy-image', TEST_IMAGES.caddy]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('DB_PASSWORD');
    expect(run.stderr).toContain('BERTH_SECRET_DB_PASSWORD');
    expect(await fs.stat(path.join(server.home, '.berth')).catch(() => 'absent')).toBe('absent');
  });

  it('prints the plan with exact commands and masked secrets, and changes nothing', async () => {
    const run = await berth(['deploy', appFile, '--server', 'vps', '--proxy-image', TEST_IMAGES.caddy, '--plan'], secretEnv);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Plan: deploy shop → vps as release r\d{8}-\d{6}-[a-z0-9]{4}/);
    expect(run.stdout).toContain('db: created');
    expect(run.stdout).toMatch(/\$ docker .*build --force-rm/);
    expect(run.stdout).toContain("| PASSWORD='********'");
    expect(run.stdout).not.toContain(secretEnv.BERTH_SECRET_DB_PASSWORD);
    expect(await fs.stat(path.join(server.home, '.berth')).catch(() => 'absent')).toBe('absent');
  });

  it('deploys without a terminal, streams the log, exits 0 once serving; releases, status and logs report it', async () => {
    const run = await berth(['deploy', appFile, '--destination', 'vps-fast'], secretEnv);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('==> Wait for health');
    expect(run.stdout).toMatch(/✓ r[\d-]+[a-z0-9]+ is serving/);
    expect(run.stdout).not.toContain(secretEnv.BERTH_SECRET_DB_PASSWORD);
    expect((await getThroughProxy(server.address, 'shop.test')).body).toBe('v1\n');

    const releases = await berth(['releases', 'shop', '--destination', 'vps-fast']);
    expect(releases.stdout).toMatch(/^r[\d-]+[a-z0-9]+\s+serving\s+commit [0-9a-f]{12}/m);
    const status = await berth(['status', 'shop', '--destination', 'vps-fast', '--json']);
    const containers = JSON.parse(status.stdout) as Array<{ service: string; state: string; health?: string }>;
    expect(containers).toContainEqual(expect.objectContaining({ service: 'web', state: 'running', health: 'healthy' }));
    expect(containers).toContainEqual(expect.objectContaining({ service: 'db', state: 'running' }));
    const logs = await berth(['logs', 'shop', '--destination', 'vps-fast', '--service', 'web', '--tail', '5']);
    expect(logs.stdout).toMatch(/^web \| web starting v1$/m);
  }, 240_000);

  it('rolls back from the command line to the release before the serving one', async () => {
    await writeWebAppRepo(repo, 'v2');
    expect((await berth(['deploy', appFile, '--destination', 'vps-fast', '--yes'], secretEnv)).code).toBe(0);
    expect((await getThroughProxy(server.address, 'shop.test')).body).toBe('v2\n');
    const run = await berth(['rollback', 'shop', '--destination', 'vps-fast'], secretEnv);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect((await getThroughProxy(server.address, 'shop.test')).body).toBe('v1\n');
    const releases = await berth(['releases', 'shop', '--destination', 'vps-fast']);
    expect(releases.stdout.split('\n')[0]).toMatch(/serving\s+rollback of r/);
    expect(releases.stdout).toMatch(/rolled-back/);
    const unlock = await berth(['unlock', 'shop', '--destination', 'vps-fast']);
    expect(unlock.stdout).toBe('shop was not locked.\n');
  }, 240_000);
});
