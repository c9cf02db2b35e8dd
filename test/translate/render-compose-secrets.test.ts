import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import dotenv from 'dotenv';
import { renderApp } from '../../shared/translate/index.js';
import { app, caddy } from './support/apps.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rendered YAML
const composeOf = (r: ReturnType<typeof renderApp>) => load(r.files.find((f) => f.path === 'compose.yaml')!.content) as Obj;
const fileOf = (r: ReturnType<typeof renderApp>, path: string) => r.files.find((f) => f.path === path)?.content;

// Issue #9, item 8: `DATABASE_URL: postgres://u:${PG_PASS}@db/x` with PG_PASS=hunter2 in .env.
const withTemplate = app({
  app: {
    image: 'app:1',
    env: {
      DATABASE_URL: { template: 'postgres://u:${secret:PG_PASS}@db/x' },
      SMTP_URL: { template: 'smtp://${secret:SMTP_USER}:${secret:SMTP_PASS}@mail:587' },
      PLAIN: 'x',
    },
  },
});

describe('env templates with secrets inside', () => {
  it('fills the template into the service env file when revealed, never into compose.yaml', () => {
    const result = renderApp(withTemplate, caddy, { secrets: { PG_PASS: 'hunter2', SMTP_USER: 'me', SMTP_PASS: 's3cret' }, revealSecrets: true });
    const compose = composeOf(result);
    expect(compose.services.app.environment).toEqual({ PLAIN: 'x' });
    expect(compose.services.app.env_file).toEqual(['.env.app']);
    expect(dotenv.parse(fileOf(result, '.env.app')!)).toEqual({ DATABASE_URL: 'postgres://u:hunter2@db/x', SMTP_URL: 'smtp://me:s3cret@mail:587' });
    expect(fileOf(result, 'compose.yaml')).not.toMatch(/hunter2|s3cret|secret:/);
    expect(result.diagnostics.filter((d) => d.code === 'SECRET_MISSING')).toEqual([]);
  });

  it('masks the whole value unless revealed', () => {
    const result = renderApp(withTemplate, caddy, { secrets: { PG_PASS: 'hunter2', SMTP_USER: 'me', SMTP_PASS: 's3cret' } });
    expect(dotenv.parse(fileOf(result, '.env.app')!)).toEqual({ DATABASE_URL: '********', SMTP_URL: '********' });
  });

  it('reports SECRET_MISSING for each missing secret of a template', () => {
    const result = renderApp(withTemplate, caddy, { secrets: { SMTP_USER: 'me' }, revealSecrets: true });
    const missing = result.diagnostics.filter((d) => d.code === 'SECRET_MISSING');
    expect(missing.map((d) => [d.severity, d.field, /"(\w+)"/.exec(d.message)?.[1]])).toEqual([
      ['error', 'services.app.env.DATABASE_URL', 'PG_PASS'],
      ['error', 'services.app.env.SMTP_URL', 'SMTP_PASS'],
    ]);
    expect(dotenv.parse(fileOf(result, '.env.app')!).SMTP_URL).toBe('smtp://me:********@mail:587');
  });

  it('passes a build-scope template as a BuildKit secret, filled', () => {
    const result = renderApp(app({ api: { build: { context: '.' }, env: { NPM_URL: { template: 'https://${secret:NPM_TOKEN}@npm.acme', scope: 'build' } } } }), caddy, { secrets: { NPM_TOKEN: 't0k' }, revealSecrets: true });
    expect(composeOf(result).services.api.build.secrets).toEqual([{ source: 'api-NPM_URL', target: 'NPM_URL' }]);
    expect(fileOf(result, '.secrets/api/NPM_URL')).toBe('https://t0k@npm.acme');
  });
});

describe('file secrets (compose secrets:)', () => {
  const pg = app({
    db: {
      image: 'postgres:16',
      env: { POSTGRES_PASSWORD_FILE: '/run/secrets/pg_pass' },
      secretFiles: [{ secret: 'pg_pass' }],
    },
    app: { image: 'app:1', env: { DB_PASS_FILE: '/etc/app/db-pass' }, secretFiles: [{ secret: 'pg_pass', path: '/etc/app/db-pass', mode: '0440' }] },
  });

  it('mounts each secret as a file from .secrets/<name>, one file per secret, at its path; *_FILE variables keep pointing there', () => {
    const result = renderApp(pg, caddy, { secrets: { pg_pass: 'hunter2' }, revealSecrets: true });
    const compose = composeOf(result);
    expect(compose.secrets).toEqual({ pg_pass: { file: './.secrets/pg_pass' } });
    expect(compose.services.db.secrets).toEqual([{ source: 'pg_pass', target: '/run/secrets/pg_pass' }]);
    expect(compose.services.app.secrets).toEqual([{ source: 'pg_pass', target: '/etc/app/db-pass', mode: 0o440 }]);
    expect(compose.services.db.environment).toEqual({ POSTGRES_PASSWORD_FILE: '/run/secrets/pg_pass' });
    expect(compose.services.app.environment).toEqual({ DB_PASS_FILE: '/etc/app/db-pass' });
    expect(result.files.filter((f) => f.path === '.secrets/pg_pass').map((f) => f.content)).toEqual(['hunter2']);
    expect(fileOf(result, 'compose.yaml')).not.toContain('hunter2');
  });

  it('masks the file unless revealed and reports a missing secret', () => {
    expect(fileOf(renderApp(pg, caddy, { secrets: { pg_pass: 'hunter2' } }), '.secrets/pg_pass')).toBe('********');
    const missing = renderApp(pg, caddy, {}).diagnostics.filter((d) => d.code === 'SECRET_MISSING');
    expect(missing.map((d) => d.field)).toEqual(['services.db.secretFiles[0].secret']);
  });
});

describe('file secret names', () => {
  it('never become a path outside .secrets/', () => {
    const result = renderApp(app({ web: { image: 'web', secretFiles: [{ secret: '../../etc/cron.d/x' }] } }), caddy, { secrets: { '../../etc/cron.d/x': 'v' }, revealSecrets: true });
    const files = result.files.filter((f) => f.path.startsWith('.secrets/'));
    expect(files).toHaveLength(1);
    expect(files[0]!.path).toMatch(/^\.secrets\/secret-[0-9a-f]{12}$/);
    expect(files[0]!.content).toBe('v');
  });
});
