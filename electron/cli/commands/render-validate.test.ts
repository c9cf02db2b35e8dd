import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { BERTH_BIN, ensureBuiltCli, SOURCE_FALLBACK_NOTICE } from '../../../test/support/built-cli.js';

async function cli(args: string[], env: NodeJS.ProcessEnv) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(args, { stdout, stderr, env });
  return { code, out, err };
}

const APP = `apiVersion: berth.dev/v1
kind: App
name: shop
services:
  web:
    image: nginx:1
    ports: [{ port: 80 }]
    routes: [{ domain: shop.test, port: 80 }]
    env: { PASS: { secret: db } }
`;

describe('berth render / validate', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-cli-'));
    env = { BERTH_HOME: path.join(dir, 'home') };
    await fs.writeFile(path.join(dir, 'berth.yaml'), APP);
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('prints compose.yaml on stdout and names the other files on stderr', async () => {
    const { code, out, err } = await cli(['render', path.join(dir, 'berth.yaml'), '--target', 'compose'], env);
    expect(code).toBe(0);
    expect(out).toMatch(/^name: shop\nservices:/);
    expect(err).toContain('caddy.json, .env.web');
    expect(err).toContain('warning SECRET_MISSING');
  });

  it('writes every file with --out, and renders kubernetes', async () => {
    const outDir = path.join(dir, 'out');
    expect((await cli(['render', path.join(dir, 'berth.yaml'), '--target', 'compose', '--out', outDir], env)).code).toBe(0);
    expect((await fs.readdir(outDir)).sort()).toEqual(['.env.web', 'caddy.json', 'compose.yaml']);
    // Any of them can hold a secret (compose.yaml with --reveal-secrets, caddy.json's routes), so all are 0600.
    for (const f of await fs.readdir(outDir)) expect([f, (await fs.stat(path.join(outDir, f))).mode & 0o777]).toEqual([f, 0o600]);
    const k8s = await cli(['render', path.join(dir, 'berth.yaml'), '--target', 'kubernetes'], env);
    expect(k8s.code).toBe(0);
    expect(k8s.out).toContain('kind: Ingress');
  });

  it('the built CLI writes --out files 0600 too, revealed secrets and all', async () => {
    await ensureBuiltCli();
    const outDir = path.join(dir, 'out-built');
    for (const target of ['compose', 'kubernetes']) {
      const r = spawnSync(process.execPath, [BERTH_BIN, 'render', path.join(dir, 'berth.yaml'), '--target', target, '--reveal-secrets', '--out', path.join(outDir, target)], {
        env: { PATH: process.env.PATH, ...env },
        encoding: 'utf8',
      });
      expect(r.stderr).not.toContain(SOURCE_FALLBACK_NOTICE);
      expect(r.stderr).toContain('wrote ');
      const files = await fs.readdir(path.join(outDir, target));
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect([f, (await fs.stat(path.join(outDir, target, f))).mode & 0o777]).toEqual([f, 0o600]);
    }
    expect((await fs.stat(outDir)).mode & 0o777).toBe(0o700);
  });

  it('exits non-zero on render errors and usage errors', async () => {
    await fs.writeFile(path.join(dir, 'bad.yaml'), APP.replace('port: 80 }]\n    env', 'port: 81 }]\n    env'));
    const bad = await cli(['render', path.join(dir, 'bad.yaml'), '--target', 'compose'], env);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('error ROUTE_PORT_UNDECLARED');
    expect((await cli(['render', path.join(dir, 'berth.yaml'), '--target', 'swarm'], env)).code).toBe(2);
  });

  it('validates app definitions, compose files and manifests, detecting which is which', async () => {
    const app = await cli(['validate', path.join(dir, 'berth.yaml')], env);
    expect(app).toMatchObject({ code: 0, out: expect.stringContaining('app definition, valid') });

    await fs.writeFile(path.join(dir, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n    restrat: always\n');
    const compose = await cli(['validate', path.join(dir, 'compose.yaml')], env);
    expect(compose.code).toBe(1);
    expect(compose.err).toContain('COMPOSE_SCHEMA');

    await fs.writeFile(path.join(dir, 'k8s.yaml'), [
      'apiVersion: v1\nkind: Service\nmetadata: { name: web }\nspec: { selector: { app: web }, ports: [{ port: 80, targetPort: 8080 }] }',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  selector: { matchLabels: { app: web } }\n  template:\n    metadata: { labels: { app: web } }\n    spec: { containers: [{ name: web, image: nginx, ports: [{ containerPort: 80 }] }] }',
    ].join('\n---\n'));
    const k8s = await cli(['validate', path.join(dir, 'k8s.yaml')], env);
    expect(k8s.code).toBe(1);
    expect(k8s.err).toContain('K8S_TARGET_PORT_MISSING');

    await fs.writeFile(path.join(dir, 'broken.yaml'), 'a: [\n');
    expect(await cli(['validate', path.join(dir, 'broken.yaml')], env)).toMatchObject({ code: 1, err: expect.stringContaining('YAML_INVALID') });
  });
});
