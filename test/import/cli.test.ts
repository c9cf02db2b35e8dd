import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { App } from '../../shared/model/app.js';
import { BERTH_BIN, ensureBuiltCli, SOURCE_FALLBACK_NOTICE } from '../support/built-cli.js';

let dir: string;

/** The built CLI, as users run it: every call checks it did not fall back to the sources. */
function berth(...args: string[]) {
  const r = spawnSync(process.execPath, [BERTH_BIN, 'import', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, BERTH_CLI_CANARY: 'from-host-env', BERTH_HOME: dir },
  });
  expect(r.stderr).not.toContain(SOURCE_FALLBACK_NOTICE);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  await ensureBuiltCli();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-import-'));
  fs.writeFileSync(path.join(dir, 'compose.yml'), [
    'services:',
    '  web_app:',
    '    image: "nginx:${TAG}"',
    '    container_name: web',
    '    environment:',
    '      DB_PASSWORD: ${DB_PASSWORD}',
    '      BERTH_CLI_CANARY:',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, '.env'), 'TAG=1.27\nDB_PASSWORD=hunter2\n');
  fs.writeFileSync(path.join(dir, 'other.env'), 'TAG=2.0\nDB_PASSWORD=other\n');
  fs.writeFileSync(path.join(dir, 'profiles.yml'), 'services:\n  web:\n    image: x\n  debug:\n    image: y\n    profiles: [dev]\n');
  fs.writeFileSync(path.join(dir, 'broken.yml'), 'services:\n  a:\n    image: x\n  a_b:\n    image: x\n  a-b:\n    image: x\n');
  fs.mkdirSync(path.join(dir, 'site/conf.d'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'site/nginx.conf'), 'events {}\n');
  fs.writeFileSync(path.join(dir, 'site/conf.d/app.conf'), 'server { location / { proxy_pass http://app:3000; } }\n');
  fs.writeFileSync(path.join(dir, 'site/logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]));
  fs.writeFileSync(path.join(dir, 'site/compose.yml'), [
    'services:',
    '  web:',
    '    image: nginx',
    '    restart: always',
    '    volumes: ["./nginx.conf:/etc/nginx/nginx.conf:ro", "./conf.d:/etc/nginx/conf.d:ro", "./logo.png:/srv/logo.png:ro", "./data:/data"]',
    '  app:',
    '    image: app',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'site/missing.yml'), 'services:\n  web:\n    image: nginx\n    volumes: ["./default.conf:/etc/nginx/conf.d/default.conf:ro"]\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('berth import', () => {
  it('prints the app definition, reads .env beside the file, keeps secrets as references', () => {
    const r = berth('compose.yml', '--name', 'shop');
    expect(r.code).toBe(0);
    const app = App.parse(load(r.stdout));
    expect(app.name).toBe('shop');
    expect(app.services['web-app']?.image).toBe('nginx:1.27');
    expect(app.services['web-app']?.env.DB_PASSWORD).toEqual({ secret: 'DB_PASSWORD', scope: 'runtime' });
    expect(r.stdout).not.toContain('hunter2');
    expect(r.stderr).not.toContain('hunter2');
    expect(r.stdout + r.stderr).not.toContain('from-host-env');
    expect(app.services['web-app']?.containerName).toBe('web');
    expect(r.stderr).toMatch(/^compose\.yml:2:3: warning IMPORT_NAME_NORMALISED: /m);
  });

  it('uses --env-file and --profile', () => {
    expect(load(berth('compose.yml', '--env-file', 'other.env').stdout)).toMatchObject({ services: { 'web-app': { image: 'nginx:2.0' } } });
    expect(Object.keys((load(berth('profiles.yml').stdout) as { services: object }).services)).toEqual(['web']);
    expect(Object.keys((load(berth('profiles.yml', '--profile', 'dev').stdout) as { services: object }).services)).toEqual(['web', 'debug']);
  });

  it('exits non-zero with coded errors when the import fails', () => {
    const r = berth('broken.yml');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^broken\.yml:6:3: error IMPORT_NAME_COLLISION: /m);
  });

  it('inlines the files and config directories bound beside the compose file; a missing one is an error', () => {
    const r = berth('site/compose.yml');
    expect(r.code).toBe(0);
    const web = App.parse(load(r.stdout)).services.web!;
    expect(web.files).toEqual([
      { path: '/etc/nginx/nginx.conf', content: 'events {}\n', source: './nginx.conf' },
      { path: '/etc/nginx/conf.d/app.conf', content: 'server { location / { proxy_pass http://app:3000; } }\n', source: './conf.d/app.conf' },
      { path: '/srv/logo.png', content: 'iVBORw0KGgoA/w==', encoding: 'base64', source: './logo.png' },
    ]);
    expect(web.mounts).toEqual([{ hostPath: './data', path: '/data', readOnly: false }]);
    expect(App.parse(load(r.stdout)).services.app!.ports).toEqual([{ port: 3000, protocol: 'tcp' }]);
    const missing = berth('site/missing.yml');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^site\/missing\.yml:4:15: error IMPORT_BIND_SOURCE_MISSING: .*\.\/default\.conf/m);
  });

  it('rejects a missing file and bad usage', () => {
    expect(berth('nope.yml').code).toBe(1);
    expect(berth().code).toBe(2);
    expect(berth('compose.yml', '--bogus').code).toBe(2);
  });
});
