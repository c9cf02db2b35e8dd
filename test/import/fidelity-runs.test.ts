import { describe, expect, it } from 'vitest';
import { codes, importOk, service } from './helpers.js';

// Issue #9 items 1–3 and 12: restart, once vs continuously, depends_on conditions, deploy.mode.
describe('restart and runs come from how a service is used', () => {
  it('a service without restart gets compose\'s default "no", written out (item 1)', () => {
    const r = importOk('services:\n  migrate:\n    image: busybox\n    command: [sh, -c, "echo done"]\n');
    expect(service(r, 'migrate').restart).toBe('no');
  });

  it('a one-shot service runs once, with a diagnostic saying why and how to change it (item 1)', () => {
    const r = importOk('services:\n  migrate:\n    image: busybox\n    command: [sh, -c, "echo done"]\n');
    expect(service(r, 'migrate').runs).toBe('once');
    const d = r.diagnostics.find((x) => x.code === 'IMPORT_RUNS_ONCE');
    expect(d).toMatchObject({ severity: 'info', field: 'services.migrate.runs' });
    expect(d!.message).toContain('runs: continuously');
  });

  it('restart: on-failure does not turn a server into a task (item 2)', () => {
    const r = importOk('services:\n  db:\n    image: postgres:16\n    restart: on-failure\n');
    expect(service(r, 'db')).toMatchObject({ restart: 'on-failure', runs: 'continuously' });
    expect(service(r, 'db').ports).toEqual([{ port: 5432, protocol: 'tcp' }]);
    expect(codes(r)).not.toContain('IMPORT_RUNS_ONCE');
  });

  it('a service others reach runs continuously even without restart or ports (item 2)', () => {
    const r = importOk('services:\n  tika:\n    image: apache/tika\n  app:\n    image: app\n    restart: always\n    environment: {TIKA: "http://tika:9998"}\n');
    expect(service(r, 'tika')).toMatchObject({ restart: 'no', runs: 'continuously' });
  });

  it('restart always or unless-stopped means continuously (item 2)', () => {
    const r = importOk('services:\n  worker:\n    image: x\n    restart: unless-stopped\n  cron:\n    image: x\n    restart: always\n');
    expect(service(r, 'worker').runs).toBe('continuously');
    expect(service(r, 'cron').runs).toBe('continuously');
  });

  it('a service depended on with service_completed_successfully runs once, whatever its restart (item 2)', () => {
    const r = importOk(`services:
  migrate:
    image: app
    restart: on-failure
    command: ["./migrate"]
  app:
    image: app
    restart: always
    ports: ["8080:80"]
    depends_on:
      migrate: {condition: service_completed_successfully}
`);
    expect(service(r, 'migrate').runs).toBe('once');
    expect(service(r, 'app').runs).toBe('continuously');
  });

  it('a service others wait for to start keeps running, unless the file says restart: "no"', () => {
    const r = importOk('services:\n  backend:\n    build: ./backend\n  init:\n    image: busybox\n    restart: "no"\n    command: [touch, /db/app.db]\n  proxy:\n    image: nginx\n    restart: always\n    ports: ["80:80"]\n    depends_on: [backend, init]\n');
    expect(service(r, 'backend').runs).toBe('continuously');
    expect(service(r, 'init').runs).toBe('once');
  });

  it('keeps depends_on conditions exactly: short form started, long form as written (item 3)', () => {
    const r = importOk(`services:
  db: {image: postgres:16, restart: always}
  migrate: {image: app, command: ["./migrate"]}
  cache: {image: redis:7}
  app:
    image: app
    restart: always
    depends_on:
      db: {condition: service_healthy, restart: true}
      migrate: {condition: service_completed_successfully}
      cache: {condition: service_started, required: false}
  worker:
    image: app
    restart: always
    depends_on: [db, cache]
`);
    expect(service(r, 'app').dependsOn).toEqual([
      { service: 'db', condition: 'healthy', required: true, restart: true },
      { service: 'migrate', condition: 'completed', required: true, restart: false },
      { service: 'cache', condition: 'started', required: false, restart: false },
    ]);
    expect(service(r, 'worker').dependsOn).toEqual(['db', 'cache']);
  });

  it('deploy.mode global becomes mode: global; replicated gets no warning (item 12)', () => {
    const r = importOk('services:\n  agent:\n    image: x\n    restart: always\n    deploy: {mode: global}\n  web:\n    image: x\n    restart: always\n    deploy: {mode: replicated, replicas: 2}\n');
    expect(service(r, 'agent').mode).toBe('global');
    expect(service(r, 'web').mode).toBeUndefined();
    expect(service(r, 'web').replicas).toBe(2);
    expect(r.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
  });
});
