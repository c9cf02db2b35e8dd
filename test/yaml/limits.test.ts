import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppStore, parseAppText } from '../../electron/apps/app-store.js';
import { KubeconfigSource } from '../../electron/kube/kubeconfig-source.js';
import { applyExtrasYaml } from '../../renderer/src/features/apps/model/service-extras.js';
import { App } from '../../shared/model/app.js';
import { applyEdit, renderApp } from '../../shared/translate/index.js';
import { importCompose } from '../../shared/translate/import/index.js';
import { billionLaughs } from '../support/yaml-bomb.js';
import { app, caddy, cluster } from '../translate/support/apps.js';

/**
 * Every place Berth parses YAML a user gave it refuses the alias bomb fast
 * and with the limit in its message; strings of 2 MiB and more import, save,
 * reload and render.
 */
const BOMB = `services:\n  web:\n    image: nginx\n${billionLaughs()}`;
const MB2 = 2 * 1024 * 1024;
const repo = path.resolve(import.meta.dirname, '../..');
let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-yaml-limits-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function fast<T>(work: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await work();
  expect(performance.now() - start).toBeLessThan(1000);
  return result;
}

function berth(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repo, 'bin/berth.mjs'), ...args], {
      cwd: dir,
      env: { ...process.env, BERTH_HOME: dir, BERTH_CLI_DEV: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A bomb that is not refused runs for minutes; give up well before the test does.
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - start });
    });
  });
}

describe('a YAML alias bomb is refused wherever Berth reads YAML', () => {
  it('import (the UI and the web host)', async () => {
    const result = await fast(() => importCompose(BOMB, { fileName: 'bomb.yml' }));
    expect(result.app).toBeNull();
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', code: 'IMPORT_YAML_TOO_LARGE', file: 'bomb.yml', line: expect.any(Number), message: expect.stringMatching(/aliases.*more than 100,000 values/) }),
    ]);
  });

  it('edits of rendered compose and Kubernetes files', async () => {
    for (const [destination, file] of [[caddy, 'compose.yaml'], [cluster, 'kubernetes.yaml']] as const) {
      const result = await fast(() => applyEdit(app({ web: { image: 'nginx' } }), destination, file, BOMB));
      expect(result.diagnostics).toEqual([expect.objectContaining({ severity: 'error', code: 'EDIT_TOO_LARGE', message: expect.stringMatching(/aliases.*fewer nested aliases/) })]);
    }
  });

  it('app definitions, kubeconfig files and the form’s YAML field', async () => {
    await fast(() => expect(() => parseAppText(BOMB, 'bomb.berth.yaml')).toThrow(/bomb\.berth\.yaml cannot be read: The aliases/));
    const kubeconfig = path.join(dir, 'kubeconfig');
    await fs.writeFile(kubeconfig, BOMB);
    // A bad kubeconfig file is reported with the others still listed, not thrown.
    const listed = await fast(() => new KubeconfigSource({ env: { KUBECONFIG: kubeconfig } }).list());
    expect(listed).toMatchObject({ contexts: [], problems: [{ file: kubeconfig, message: expect.stringMatching(/kubeconfig was not read: The aliases/) }] });
    const extras = await fast(() => applyExtrasYaml({ image: 'x' }, billionLaughs()));
    expect(extras).toMatchObject({ ok: false, message: expect.stringMatching(/aliases/) });
  });

  it('berth import and berth validate exit at once with the limit, instead of growing to gigabytes', async () => {
    await fs.writeFile(path.join(dir, 'bomb.yml'), BOMB);
    const imported = await berth(['import', 'bomb.yml']);
    expect(imported).toMatchObject({ code: 1, stdout: '' });
    expect(imported.stderr).toMatch(/^bomb\.yml:\d+:\d+: error IMPORT_YAML_TOO_LARGE: The aliases \(\*name\) in this YAML expand it to more than 100,000 values/m);
    const validated = await berth(['validate', 'bomb.yml']);
    expect(validated.code).toBe(1);
    expect(validated.stderr).toContain('YAML_TOO_LARGE');
    // Both include starting tsx; the bomb itself costs milliseconds.
    expect(Math.max(imported.ms, validated.ms)).toBeLessThan(15_000);
  });

  it('a compose file over the size limit, with its size and the limit', () => {
    const result = importCompose(`services:\n  web:\n    image: nginx\n    environment:\n      BLOB: "${'x'.repeat(5 * 1024 * 1024)}"\n`);
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'IMPORT_YAML_TOO_LARGE', message: expect.stringMatching(/This YAML is 5\.0 MiB; Berth reads at most 4\.0 MiB/) })]);
  });
});

describe('strings of 2 MiB and more', () => {
  const blob = 'x'.repeat(MB2) + ' and more words ' + 'y'.repeat(1024);
  const compose = `services:\n  web:\n    image: nginx\n    environment:\n      BLOB: "${blob}"\n`;

  it('import, save, reload and render', async () => {
    const imported = importCompose(compose, { name: 'big' });
    expect(imported.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const big = imported.app!;
    expect(big.services.web?.env.BLOB).toBe(blob);

    const store = new AppStore(path.join(dir, 'data'));
    await store.save(big);
    expect((await store.get('big')).services.web?.env.BLOB).toBe(blob);

    const rendered = renderApp(big, caddy).files.find((f) => f.path === 'compose.yaml')!;
    expect((load(rendered.content) as { services: { web: { environment: Record<string, string> } } }).services.web.environment.BLOB).toBe(blob);
    const k8s = renderApp(big, cluster).files.find((f) => f.path === 'kubernetes.yaml')!;
    expect(k8s.content).toContain(blob);
  });

  it('berth import prints them', async () => {
    await fs.writeFile(path.join(dir, 'big.yml'), compose);
    const result = await berth(['import', 'big.yml', '--name', 'big']);
    expect(result.stderr).not.toMatch(/Maximum call stack/);
    expect(result.code).toBe(0);
    expect(App.parse(load(result.stdout)).services.web?.env.BLOB).toBe(blob);
  });
});
