import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../../shared/translate/import/diagnostics.js';
import { isRecord, toPairs } from '../../shared/translate/import/lists.js';
import { discoverOverride, loadProject } from '../../shared/translate/import/project.js';

/**
 * The override merge against the real Compose: docker-compose v1 (what
 * Debian ships) merges the same files, and the services it prints are
 * compared with Berth's merged document for the keys both write the same
 * way once normalised. Run with --no-interpolate: the merge is what is
 * compared here (interpolation has its own tests), and v1 would otherwise
 * read the machine's environment.
 */
const BINARY = '/usr/bin/docker-compose';
const available = fs.existsSync(BINARY);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-merge-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

function composeConfig(dir: string, files: string[]): Record<string, unknown> {
  const args = [...files.flatMap((f) => ['-f', f]), 'config', '--no-interpolate'];
  const r = spawnSync(BINARY, args, { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: dir } });
  if (r.status !== 0) throw new Error(`docker-compose config failed: ${r.stderr}`);
  return (load(r.stdout) as { services: Record<string, unknown> }).services;
}

function berthMerge(dir: string, main: string, overrides: string[] | 'default'): Record<string, unknown> {
  const read = (p: string) => (fs.existsSync(path.join(dir, p)) ? fs.readFileSync(path.join(dir, p), 'utf8') : undefined);
  const extra = overrides === 'default' ? [discoverOverride(main, read)!] : overrides.map((name) => ({ name, content: read(name)! }));
  const sink = new DiagnosticSink();
  const merged = loadProject(
    { main: { name: main, content: read(main)! }, overrides: extra, loadFile: read, variables: {} },
    { sink, prepare: () => {}, interpolate: (v) => v },
  );
  expect(sink.items.filter((d) => d.severity === 'error')).toEqual([]);
  return merged!.value.services as Record<string, unknown>;
}

const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const keyed = (v: unknown) => Object.fromEntries(toPairs(v).map(([k, val]) => [k, val ?? null]));
const list = (v: unknown) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).map(text));
function port(p: unknown): string {
  if (isRecord(p)) return `${p.published ?? ''}:${p.target}`;
  const parts = text(p).split(':');
  return parts.length === 1 ? `:${parts[0]}` : `${parts[parts.length - 2]}:${parts[parts.length - 1]}`;
}
function mount(v: unknown): string {
  const [source, target] = isRecord(v) ? [text(v.source), text(v.target)] : text(v).split(':');
  return `${target}<-${path.basename(source ?? '')}`;
}
const names = (v: unknown) => (Array.isArray(v) ? v.map(text) : isRecord(v) ? Object.keys(v) : []).sort();

/** The keys both write comparably: what each service runs, its variables, labels, ports, mounts and friends. */
function comparable(services: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(services).map(([name, raw]) => {
    const s = raw as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of ['image', 'command', 'entrypoint', 'user', 'restart']) if (s[key] !== undefined) out[key] = s[key];
    if (s.environment !== undefined) out.environment = keyed(s.environment);
    if (s.labels !== undefined) out.labels = keyed(s.labels);
    if (s.ports !== undefined) out.ports = (s.ports as unknown[]).map(port).sort();
    if (s.volumes !== undefined) out.volumes = (s.volumes as unknown[]).map(mount).sort();
    for (const key of ['dns', 'expose', 'cap_add']) if (s[key] !== undefined) out[key] = list(s[key]);
    if (isRecord(s.healthcheck)) out.healthcheck = { test: s.healthcheck.test, interval: s.healthcheck.interval };
    if (s.depends_on !== undefined) out.depends_on = names(s.depends_on);
    if (s.networks !== undefined) out.networks = names(s.networks);
    if (isRecord(s.build)) out.build = { target: s.build.target, args: keyed(s.build.args) };
    return [name, out];
  }));
}

describe.skipIf(!available)('the override merge matches docker-compose config', () => {
  it('docker-compose.yml with the docker-compose.override.yml beside it', () => {
    const dir = project({
      'docker-compose.yml': 'services:\n  web:\n    image: nginx:1\n    command: [serve, --prod]\n    environment:\n      MODE: prod\n      KEEP: "1"\n    ports: ["8080:80", "443:443"]\n    volumes: ["./html:/usr/share/nginx/html", "logs:/var/log/nginx"]\n    labels: [a=1]\n    dns: 8.8.8.8\n    expose: ["3000"]\n    healthcheck:\n      test: [CMD, curl, -f, http://localhost]\n      interval: 5s\nvolumes:\n  logs: {}\n',
      'docker-compose.override.yml': 'services:\n  web:\n    image: nginx:2\n    command: [serve]\n    environment: [MODE=dev, EXTRA=$X]\n    ports: ["8080:80", "9000:9000"]\n    volumes: ["./dev-html:/usr/share/nginx/html:ro"]\n    labels: {b: "2"}\n    dns: [1.1.1.1]\n    expose: ["3001"]\n    healthcheck:\n      test: [CMD, wget, -q, http://localhost]\n  db:\n    image: postgres\n',
    });
    const compose = comparable(composeConfig(dir, []));
    expect(compose.web).toMatchObject({ image: 'nginx:2', ports: ['443:443', '8080:80', '9000:9000'] });
    expect(comparable(berthMerge(dir, 'docker-compose.yml', 'default'))).toEqual(compose);
  });

  it('-f base -f dev -f local, in order: build, depends_on, networks, entrypoint, cap_add', () => {
    const dir = project({
      'base.yml': 'services:\n  api:\n    build:\n      context: .\n      args: {A: "1"}\n    depends_on: [db]\n    networks: [front]\n    entrypoint: [/entry]\n    cap_add: [NET_ADMIN]\n  db:\n    image: postgres:15\n    restart: always\nnetworks:\n  front: {}\n  back: {}\n',
      'dev.yml': 'services:\n  api:\n    build:\n      target: dev\n      args: {B: "2"}\n    depends_on: [cache]\n    networks: [back]\n    cap_add: [NET_ADMIN, SYS_TIME]\n  cache:\n    image: redis\n',
      'local.yml': 'services:\n  api:\n    entrypoint: [/local]\n    user: "1000"\n  db:\n    image: postgres:16\n',
    });
    const files = ['base.yml', 'dev.yml', 'local.yml'];
    expect(comparable(berthMerge(dir, files[0]!, files.slice(1)))).toEqual(comparable(composeConfig(dir, files)));
  });

  it('anchors and merge keys across a base and an override', () => {
    const dir = project({
      'docker-compose.yml': 'x-common: &common\n  restart: unless-stopped\n  environment: {TZ: UTC}\nservices:\n  a:\n    <<: *common\n    image: a\n  b:\n    <<: *common\n    image: b\n    environment: {TZ: Europe/Paris, B: "1"}\n',
      'docker-compose.override.yml': 'services:\n  a:\n    environment: {A: "1"}\n    ports: ["80:80"]\n  b:\n    restart: "no"\n',
    });
    expect(comparable(berthMerge(dir, 'docker-compose.yml', 'default'))).toEqual(comparable(composeConfig(dir, [])));
  });
});
