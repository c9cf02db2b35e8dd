import { describe, expect, it } from 'vitest';
import { looksSensitive } from '../../shared/translate/import/secrets.js';
import { codes, importOk, service } from './helpers.js';

// Issue #9 item 8: any value that interpolates a secret is a secret; no secret value is left in plain text.
describe('secrets', () => {
  const envFile = 'PG_PASS=hunter2\nPG_USER=app\n';

  it('a value that is a secret variable references it; a value that embeds one is a template (item 8)', () => {
    const r = importOk('services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${PG_PASS}\n      POSTGRES_USER: ${PG_USER}\n  app:\n    image: app\n    environment:\n      DATABASE_URL: postgres://u:${PG_PASS}@db/x\n', { envFile });
    expect(service(r, 'db').env).toEqual({ POSTGRES_PASSWORD: { secret: 'PG_PASS', scope: 'runtime' }, POSTGRES_USER: 'app' });
    expect(service(r, 'app').env).toEqual({ DATABASE_URL: { template: 'postgres://u:${secret:PG_PASS}@db/x', scope: 'runtime' } });
    expect(r.secrets).toEqual({ PG_PASS: 'hunter2' });
    expect(JSON.stringify(r.app)).not.toContain('hunter2');
  });

  it('_PASS / _PWD names are credentials, PASSENGER, PATH and BYPASS are not (item 8)', () => {
    for (const name of ['SMTP_PASS', 'DB_PASS', 'MYSQL_PWD', 'PASS', 'ADMIN_PASS_HASH']) expect(looksSensitive(name), name).toBe(true);
    for (const name of ['PASSENGER', 'PATH', 'BYPASS', 'COMPASS_URL', 'PASSIVE_PORTS', 'POSTGRES_PASSWORD_FILE']) expect(looksSensitive(name), name).toBe(false);
    const r = importOk('services:\n  app:\n    image: app\n    environment: {SMTP_PASS: s3cret-mail}\n');
    expect(service(r, 'app').env.SMTP_PASS).toEqual({ secret: 'SMTP_PASS', scope: 'runtime' });
    expect(JSON.stringify(r.app)).not.toContain('s3cret-mail');
  });

  it('a variable a credential takes its value from is a secret everywhere it is used', () => {
    const r = importOk('services:\n  db:\n    image: mysql\n    environment: {MYSQL_ROOT_PASSWORD: $ROOT}\n  app:\n    image: app\n    environment: {DSN: "mysql://root:${ROOT}@db/app"}\n', { envFile: 'ROOT=topsecret\n' });
    expect(service(r, 'db').env.MYSQL_ROOT_PASSWORD).toEqual({ secret: 'ROOT', scope: 'runtime' });
    expect(service(r, 'app').env.DSN).toEqual({ template: 'mysql://root:${secret:ROOT}@db/app', scope: 'runtime' });
    expect(JSON.stringify(r.app)).not.toContain('topsecret');
  });

  it('one .env variable used by two services is one secret (item 8)', () => {
    const r = importOk('services:\n  a:\n    image: x\n    environment: {DB_PASSWORD: "${PG_PASS}"}\n  b:\n    image: x\n    environment: {PASSWORD: "${PG_PASS}"}\n', { envFile });
    expect(service(r, 'a').env.DB_PASSWORD).toEqual({ secret: 'PG_PASS', scope: 'runtime' });
    expect(service(r, 'b').env.PASSWORD).toEqual({ secret: 'PG_PASS', scope: 'runtime' });
    expect(r.secrets).toEqual({ PG_PASS: 'hunter2' });
  });

  it('no secret value stays in plain text in commands, labels or compose keys (item 8)', () => {
    const r = importOk(`services:
  db:
    image: postgres:16
    command: ["sh", "-c", "psql postgres://u:\${PG_PASS}@db/x"]
    labels: {backup.password: "\${PG_PASS}"}
    healthcheck: {test: "pg_isready && psql -c 'select 1' postgres://u:\${PG_PASS}@localhost/x"}
    logging: {driver: syslog, options: {tag: "\${PG_PASS}"}}
`, { envFile });
    expect(JSON.stringify(r.app)).not.toContain('hunter2');
    const db = service(r, 'db');
    expect(db.command).toEqual(['sh', '-c', 'psql postgres://u:${PG_PASS}@db/x']);
    expect(db.env.PG_PASS).toEqual({ secret: 'PG_PASS', scope: 'runtime' });
    expect(r.diagnostics.find((d) => d.code === 'IMPORT_SECRET_OUTSIDE_ENV')!.message).toMatch(/labels, compose/);
  });

  it('compose file secrets become secret files; *_FILE variables stay as written (item 8)', () => {
    const r = importOk(`services:
  db:
    image: postgres:16
    environment: {POSTGRES_PASSWORD_FILE: /run/secrets/db_password}
    secrets:
      - db_password
      - {source: api_key, target: /etc/app/key, mode: 0400}
secrets:
  db_password: {file: ./db_password.txt}
  api_key: {environment: API_KEY}
`, { envFile: 'API_KEY=k-123\n', loadFile: (p) => (p === './db_password.txt' ? 's3cret\n' : undefined) });
    const db = service(r, 'db');
    expect(db.env).toEqual({ POSTGRES_PASSWORD_FILE: '/run/secrets/db_password' });
    expect(db.secretFiles).toEqual([{ secret: 'db_password' }, { secret: 'api_key', path: '/etc/app/key', mode: '0400' }]);
    expect(r.secrets).toEqual({ db_password: 's3cret', api_key: 'k-123' });
    expect(JSON.stringify(r.app)).not.toMatch(/s3cret|k-123/);
    expect(codes(r)).not.toContain('IMPORT_SECRET_FILE_UNSUPPORTED');
  });
});

describe('a secret value written out again', () => {
  it('the password of a connection URL that repeats a credential becomes a template', () => {
    const r = importOk('services:\n  db:\n    image: postgres:16\n    environment: {POSTGRES_PASSWORD: example}\n  app:\n    image: app\n    environment:\n      DATABASE_URL: postgres://app:example@db/app\n      DSN: "host=db user=app password=example"\n      GREETING: example\n');
    expect(service(r, 'app').env).toEqual({
      DATABASE_URL: { template: 'postgres://app:${secret:POSTGRES_PASSWORD}@db/app', scope: 'runtime' },
      DSN: { template: 'host=db user=app password=${secret:POSTGRES_PASSWORD}', scope: 'runtime' },
      GREETING: 'example',
    });
  });
});

describe('a credential repeated in a shell line', () => {
  it('reads it from the variable that holds it', () => {
    const r = importOk('services:\n  db:\n    image: mcr.microsoft.com/mssql/server\n    environment: {SA_PASSWORD: example_123}\n    healthcheck: {test: ["CMD-SHELL", "sqlcmd -S localhost -U sa -P example_123 -Q \'SELECT 1\'"]}\n');
    expect(service(r, 'db').healthcheck?.command).toBe("sqlcmd -S localhost -U sa -P ${SA_PASSWORD} -Q 'SELECT 1'");
    expect(JSON.stringify(r.app)).not.toContain('example_123');
  });
});
