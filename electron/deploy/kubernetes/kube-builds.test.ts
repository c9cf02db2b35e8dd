import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App, KubernetesDestination } from '../../../shared/model/app.js';
import { renderFinal } from '../../../shared/translate/render/render-app.js';
import type { ExecResult, Host } from '../../hosts/host.js';
import { importArgv, planKubeBuilds, saveAndImportArgv, type KubeServer } from './kube-builds.js';

const execFileAsync = promisify(execFile);
const COMMIT = '3f9c2a71be04d5e6f7a8b9c0d1e2f3a4b5c6d7e8';

const app = (build = true) => App.parse({
  apiVersion: 'berth.dev/v1', kind: 'App', name: 'shop',
  services: {
    web: build ? { build: { git: 'https://git.example/shop.git', ref: COMMIT }, ports: [{ port: 8080 }] } : { image: 'nginx:1.27' },
    cache: { image: 'redis:7' },
  },
});
const destination = (extra: Record<string, unknown> = {}) => KubernetesDestination.parse({ type: 'kubernetes', name: 'prod', context: 'prod', namespace: 'shop', ...extra });

/** A server that answers the plan's read-only probes from a table (argv joined by spaces → result). */
function fakeHost(label: string, answers: (argv: readonly string[]) => Partial<ExecResult> | undefined): Host & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    id: label, label, calls,
    async exec(argv: readonly string[]) {
      calls.push([...argv]);
      return { exitCode: 1, stdout: '', stderr: '', ...answers(argv) };
    },
  } as unknown as Host & { calls: string[][] };
}

const tools = (facts: string) => (argv: readonly string[]) => (argv[0] === 'sh' && argv[2]?.startsWith('printf "home=') ? { exitCode: 0, stdout: facts } : undefined);

describe('Kubernetes builds: import into an SSH cluster, or push to the registry', () => {
  it("imports with each distribution's ctr, in containerd's k8s.io namespace", () => {
    const host = {} as Host;
    expect(importArgv({ host, distribution: 'k3s', program: '/usr/local/bin/k3s' })).toEqual(['/usr/local/bin/k3s', 'ctr', '--namespace=k8s.io', 'images', 'import', '-']);
    expect(importArgv({ host, distribution: 'k0s' })).toEqual(['k0s', 'ctr', '--namespace=k8s.io', 'images', 'import', '-']);
    expect(importArgv({ host, distribution: 'microk8s', program: '/snap/bin/microk8s' })).toEqual(['/snap/bin/microk8s', 'ctr', '--namespace=k8s.io', 'image', 'import', '-']);
  });

  it('builds nothing when no service is built from source', async () => {
    expect(await planKubeBuilds({ app: app(false), destination: destination(), secrets: {}, releaseId: 'r1' })).toEqual({ builtImages: {}, warnings: [], source: {} });
  });

  it('refuses a build for a cluster that is neither an SSH cluster nor given a registry, saying what to set', async () => {
    await expect(planKubeBuilds({ app: app(), destination: destination(), secrets: {}, releaseId: 'r1' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/web is built from source.*Set `registry` on the destination/s),
    });
  });

  it('pushes to the registry from this computer: build, then docker push of <registry>/<app>-<service>:<commit>', async () => {
    const local = fakeHost('this computer', () => undefined);
    const plan = await planKubeBuilds({ app: app(), destination: destination({ registry: 'ghcr.io/acme/' }), secrets: {}, releaseId: 'r1', local, localCheckoutDir: () => '/data/build-src/abc' });
    expect(plan.builtImages).toEqual({ web: { ref: `ghcr.io/acme/shop-web:${COMMIT.slice(0, 12)}`, imported: false } });
    const argvs = plan.step!.actions.map((a) => (a.kind === 'exec' ? `${a.on}: ${a.argv.join(' ')}` : a.kind));
    expect(argvs.at(-1)).toBe(`local: docker push ghcr.io/acme/shop-web:${COMMIT.slice(0, 12)}`);
    expect(argvs.some((a) => a.startsWith(`local: docker build --force-rm --label berth.app.commit=${COMMIT}`))).toBe(true);
  });

  it('imports as the SSH user when it can reach containerd, and through sudo -n when sudo allows that exact command', async () => {
    const direct = fakeHost('web1', (argv) => tools('home=/home/deploy\ndocker=27.3.1\nbuildkit=1\n')(argv) ?? (argv.join(' ') === 'k3s ctr --namespace=k8s.io version' ? { exitCode: 0 } : undefined));
    const plan = await planKubeBuilds({ app: app(), destination: destination(), secrets: {}, releaseId: 'r1', server: { host: direct, distribution: 'k3s' } });
    expect(plan.builtImages).toEqual({ web: { ref: `shop-web:${COMMIT.slice(0, 12)}`, imported: true } });
    const last = plan.step!.actions.at(-1)!;
    expect(last.kind === 'exec' && last.argv.slice(3)).toEqual(['sh', `shop-web:${COMMIT.slice(0, 12)}`, 'k3s', 'ctr', '--namespace=k8s.io', 'images', 'import', '-']);
    expect(plan.step!.actions.some((a) => a.kind === 'exec' && a.argv[0] === 'env' && a.argv[1] === 'DOCKER_BUILDKIT=1')).toBe(true);
    expect(plan.step!.actions.some((a) => a.kind === 'exec' && a.argv.join(' ').includes('/home/deploy/.berth/apps/shop/src/'))).toBe(true);

    const sudo = fakeHost('web1', (argv) => tools('home=/home/deploy\ndocker=27.3.1\n')(argv) ?? (argv.join(' ') === 'sudo -n -l -- k3s ctr --namespace=k8s.io images import -' ? { exitCode: 0 } : undefined));
    const viaSudo = await planKubeBuilds({ app: app(), destination: destination(), secrets: {}, releaseId: 'r1', server: { host: sudo, distribution: 'k3s' } });
    const imp = viaSudo.step!.actions.at(-1)!;
    expect(imp.kind === 'exec' && imp.argv.slice(5)).toEqual(['sudo', '-n', '--', 'k3s', 'ctr', '--namespace=k8s.io', 'images', 'import', '-']);
  });

  it('says what to allow when sudo asks for a password', async () => {
    const host = fakeHost('web1', (argv) => tools('home=/home/deploy\ndocker=27.3.1\n')(argv) ?? (argv[0] === 'sudo' ? { exitCode: 1, stderr: 'sudo: a password is required\n' } : undefined));
    await expect(planKubeBuilds({ app: app(), destination: destination(), secrets: {}, releaseId: 'r1', server: { host, distribution: 'k3s', program: '/usr/local/bin/k3s' } })).rejects.toMatchObject({
      code: 'AUTH_FAILED',
      message: expect.stringContaining('asks for a password, which Berth never types. Allow it without a password in /etc/sudoers.d, e.g. `<user> ALL=(root) NOPASSWD: /usr/local/bin/k3s ctr --namespace=k8s.io images import -`'),
    });
  });

  it('on a server with nerdctl or buildctl but no Docker, says so and builds on this computer, piping docker save into ctr over SSH', async () => {
    const host = fakeHost('web1', (argv) => tools('home=/home/deploy\nnerdctl=1\nbuildctl=1\n')(argv) ?? (argv.includes('version') ? { exitCode: 0 } : undefined));
    const server: KubeServer = { host, distribution: 'k3s' };
    await expect(planKubeBuilds({ app: app(), destination: destination(), secrets: {}, releaseId: 'r1', server })).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('has no Docker to build with (it has nerdctl and buildctl, which Berth does not build with yet)') });
    const local = fakeHost('this computer', () => undefined);
    const plan = await planKubeBuilds({ app: app(), destination: destination(), secrets: {}, releaseId: 'r1', server, local, localCheckoutDir: () => '/data/build-src/abc' });
    expect(plan.warnings.join(' ')).toContain('nerdctl and buildctl');
    expect(plan.step!.actions.at(-1)).toEqual({ kind: 'pipe', from: ['docker', 'save', `shop-web:${COMMIT.slice(0, 12)}`], to: ['k3s', 'ctr', '--namespace=k8s.io', 'images', 'import', '-'], gzip: false });
  });

  it('renders the built ref with imagePullPolicy IfNotPresent when imported, and only the ref when pushed', () => {
    const container = (builtImages: Record<string, { ref: string; imported?: boolean }>, registry?: string) => {
      const render = renderFinal(app(), destination(registry ? { registry } : {}), { kubernetes: { builtImages } });
      if (render.target !== 'kubernetes') throw new Error('not kubernetes');
      const pods = render.objects.filter((o) => o.kind === 'Deployment') as Array<{ metadata: { name: string }; spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } }>;
      return (name: string) => pods.find((p) => p.metadata.name === name)!.spec.template.spec.containers[0]!;
    };
    const imported = container({ web: { ref: 'shop-web:3f9c2a71be04', imported: true } });
    expect(imported('web')).toMatchObject({ image: 'shop-web:3f9c2a71be04', imagePullPolicy: 'IfNotPresent' });
    expect(imported('cache').imagePullPolicy).toBeUndefined();
    const pushed = container({ web: { ref: 'ghcr.io/acme/shop-web:3f9c2a71be04', imported: false } }, 'ghcr.io/acme');
    expect(pushed('web').image).toBe('ghcr.io/acme/shop-web:3f9c2a71be04');
    expect(pushed('web').imagePullPolicy).toBeUndefined();
  });
});

describe('docker save | ctr import on the server', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-save-import-'));
    // A docker that "saves" a known archive, or fails for the ref "missing".
    await fs.writeFile(path.join(dir, 'docker'), '#!/bin/sh\n[ "$1" = save ] || exit 2\n[ "$2" = missing ] && { echo "No such image: $2" >&2; exit 1; }\nprintf "archive of %s" "$2"\n', { mode: 0o755 });
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  const run = async (ref: string, importer: string[]) => {
    const [cmd, ...args] = saveAndImportArgv(ref, importer);
    return execFileAsync(cmd!, args, { env: { PATH: `${dir}:/usr/bin:/bin` } }).then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);
  };

  it('pipes the archive into the importer', async () => {
    const out = path.join(dir, 'imported');
    expect((await run('shop-web:1', ['sh', '-c', 'cat > "$0"', out])).code).toBe(0);
    expect(await fs.readFile(out, 'utf8')).toBe('archive of shop-web:1');
  });

  it('fails when docker save fails, even though the importer took the empty input', async () => {
    const result = await run('missing', ['sh', '-c', 'cat > /dev/null']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('docker save missing failed');
  });

  it('fails with the importer', async () => {
    expect((await run('shop-web:1', ['sh', '-c', 'cat > /dev/null; exit 3'])).code).toBe(3);
  });
});
