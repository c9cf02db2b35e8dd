import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli, runBerth } from '../support/built-cli.js';
import { kubectlMissing, startKubectlWorld, type KubectlWorld } from '../kube/kubectl.js';

const skip = kubectlMissing();

const app = (image: string) => `apiVersion: berth.dev/v1
kind: App
name: cli-shop
services:
  web:
    image: ${image}
    ports: [{ port: 80 }]
    env:
      API_TOKEN: { secret: api-token }
`;

/** The built CLI against the FAKE Kubernetes API server, found through $KUBECONFIG as kubectl finds it; no terminal. */
describe.skipIf(skip)('berth diff and deploy --context on the command line', () => {
  let world: KubectlWorld;
  let home: string;
  let appFile: string;
  const berth = (args: string[]) => runBerth(args, {
    PATH: process.env.PATH, HOME: home, BERTH_HOME: path.join(home, 'berth'), KUBECONFIG: world.kubeconfig, SHELL: '/bin/sh', BERTH_SECRET_API_TOKEN: 'tok-5b1c9e',
  });

  beforeAll(async () => {
    await ensureBuiltCli();
    world = await startKubectlWorld();
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-cli-kube-'));
    appFile = path.join(home, 'berth.yaml');
  }, 120_000);

  afterAll(async () => {
    await world?.stop();
    if (home) await fs.rm(home, { recursive: true, force: true });
  });

  it('deploys, diffs a change without applying it, and lists releases', async () => {
    await fs.writeFile(appFile, app('nginx:1.27'));
    const deployed = await berth(['deploy', appFile, '--context', 'fake-kube', '--namespace', 'cli']);
    expect(deployed.code, deployed.stderr + deployed.stdout).toBe(0);
    expect(deployed.stdout).toMatch(/==> Watch the rollout/);
    expect(deployed.stdout).not.toContain('tok-5b1c9e');

    const same = await berth(['diff', appFile, '--context', 'fake-kube', '--namespace', 'cli']);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toBe('');

    await fs.writeFile(appFile, app('nginx:1.28'));
    const changed = await berth(['diff', appFile, '--context', 'fake-kube', '--namespace', 'cli']);
    expect(changed.code, changed.stderr).toBe(1);
    expect(changed.stdout).toMatch(/^--- live\/Deployment\.apps cli\/web/m);
    expect(changed.stdout).toMatch(/^-\s+image: nginx:1\.27$/m);
    expect(changed.stdout).toMatch(/^\+\s+image: nginx:1\.28$/m);
    expect(changed.stdout).not.toContain('tok-5b1c9e');
    const live = await world.run(['get', 'deployment', 'web', '-n', 'cli', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
    expect(live.stdout).toBe('nginx:1.27');

    const releases = await berth(['releases', 'cli-shop', '--context', 'fake-kube', '--namespace', 'cli']);
    expect(releases.code, releases.stderr).toBe(0);
    expect(releases.stdout).toMatch(/^r\d{8}-\d{6}-[a-z0-9]{4}\s+serving\s+nginx:1\.27/m);

    const unknown = await berth(['deploy', appFile, '--context', 'nope']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/no Kubernetes context named nope.*fake-kube/);
  }, 120_000);
});
