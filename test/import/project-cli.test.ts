import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../shared/model/app.js';
import { BERTH_BIN, ensureBuiltCli, SOURCE_FALLBACK_NOTICE } from '../support/built-cli.js';

let dir: string;

function berth(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BERTH_BIN, 'import', ...args], { cwd, encoding: 'utf8', env: { ...process.env, BERTH_HOME: dir } });
  expect(r.stderr).not.toContain(SOURCE_FALLBACK_NOTICE);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, app: r.status === 0 ? App.parse(load(r.stdout)) : undefined };
}

beforeAll(async () => {
  await ensureBuiltCli();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-import-project-'));
  fs.mkdirSync(path.join(dir, 'shop'));
  fs.writeFileSync(path.join(dir, 'shop/compose.yaml'), 'services:\n  web:\n    image: nginx:1\n    environment:\n      MODE: prod\n');
  fs.writeFileSync(path.join(dir, 'shop/compose.override.yaml'), 'services:\n  web:\n    image: nginx:2\n    environment:\n      MODE: dev\n    bogus_key: 1\n');
  fs.writeFileSync(path.join(dir, 'shop/prod.yml'), 'name: storefront\nservices:\n  web:\n    image: nginx:3\n');
});
afterAll(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

describe('berth import merges files as docker compose does', () => {
  it('merges the override beside compose.yaml and names the files in its findings', () => {
    const r = berth(dir, 'shop/compose.yaml');
    expect(r.code).toBe(0);
    expect(r.app?.services.web).toMatchObject({ image: 'nginx:2', env: { MODE: 'dev' } });
    expect(r.app?.name).toBe('shop');
    expect(r.stderr).toMatch(/^shop\/compose\.yaml: info IMPORT_FILES_MERGED: shop\/compose\.yaml \(compose file\), shop\/compose\.override\.yaml \(override\)/m);
    expect(r.stderr).toMatch(/^shop\/compose\.override\.yaml:6:5: /m);
  });

  it('-f merges exactly the files given, in order, and the top-level name names the app', () => {
    const r = berth(path.join(dir, 'shop'), '-f', 'compose.yaml', '-f', 'prod.yml');
    expect(r.code).toBe(0);
    expect(r.app).toMatchObject({ name: 'storefront', services: { web: { image: 'nginx:3', env: { MODE: 'prod' } } } });
    expect(berth(path.join(dir, 'shop'), '-f', 'compose.yaml', '-f', 'prod.yml', '--name', 'mine').app?.name).toBe('mine');
    expect(berth(path.join(dir, 'shop'), '-f', 'compose.yaml', '-f', 'missing.yml')).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot read missing.yml') });
  });
});
