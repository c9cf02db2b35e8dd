import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../../shared/translate/import/diagnostics.js';
import { importCompose } from '../../shared/translate/import/index.js';
import { discoverOverride, loadProject } from '../../shared/translate/import/project.js';
import { parseComposeYaml, parseYaml, YamlParseError } from '../../shared/translate/import/yaml-source.js';
import { codes, importOk, service } from './helpers.js';

const files = (map: Record<string, string>) => (p: string) => map[p.replace(/^\.\//, '')];

describe('compose YAML is parsed as Compose parses it (item 10)', () => {
  const FLOW = 'services:\n  web:\n    image: nginx\n    command: [\n      "nginx",\n      "-g", "daemon off;"\n    ]\n    environment: {\n      A: "1"\n    }\n';

  it('accepts a flow sequence whose closing ] sits at the parent key’s indentation (js-yaml refused it)', () => {
    expect(() => load(FLOW)).toThrow(/deficient indentation/);
    const r = importOk(FLOW);
    expect(service(r, 'web')).toMatchObject({ command: ['nginx', '-g', 'daemon off;'], env: { A: '1' } });
  });

  it('keeps YAML 1.2 core scalars: restart: no is the string "no", yes/on stay strings', () => {
    expect(parseYaml('restart: no\na: yes\nb: on\nc: 0755\nd: ~\n').value).toEqual({ restart: 'no', a: 'yes', b: 'on', c: 755, d: null });
    expect(service(importOk('services:\n  web:\n    image: x\n    restart: no\n'), 'web').restart).toBe('no');
  });

  it('resolves merge keys: explicit keys win, of several sources the first wins, aliases are shared', () => {
    const doc = parseYaml('x-a: &a {image: a, user: "1"}\nx-b: &b {image: b, init: true}\nweb:\n  <<: [*a, *b]\n  user: "2"\n').value as Record<string, unknown>;
    expect(doc.web).toEqual({ image: 'a', user: '2', init: true });
    // A plain anchor used far more than the yaml package's maxAliasCount (100) allows.
    const many = `x-log: &log {driver: json-file}\nservices:\n${Array.from({ length: 150 }, (_, i) => `  s${i}: {image: x, logging: *log}`).join('\n')}\n`;
    expect(Object.keys(importOk(many).app.services)).toHaveLength(150);
  });

  it('points at file:line:column for any key path, through aliases and merge keys', () => {
    const doc = parseYaml('x-base: &base\n  image: x\n  restart: always\nservices:\n  a:\n    <<: *base\n    user: "1000"\n    ports:\n      - "80:80"\n', 'c.yml');
    expect(doc.positionOf(['services', 'a', 'user'])).toEqual({ file: 'c.yml', line: 7, column: 5 });
    expect(doc.positionOf(['services', 'a', 'restart'])).toEqual({ file: 'c.yml', line: 3, column: 3 });
    expect(doc.positionOf(['services', 'a', 'ports', 0])).toEqual({ file: 'c.yml', line: 9, column: 9 });
    expect(doc.positionOf(['services', 'a', 'nope', 'deeper'])).toEqual({ file: 'c.yml', line: 5, column: 3 });
  });

  it('reports invalid YAML, duplicate keys and merges of lists as coded errors with a position', () => {
    const dup = importCompose('services:\n  a:\n    image: x\n    image: y\n', { fileName: 'c.yml' });
    expect(dup.diagnostics[0]).toMatchObject({ code: 'IMPORT_YAML_INVALID', file: 'c.yml', line: 4, message: expect.stringMatching(/"image" appears twice/) });
    const seq = importCompose('x: &l [1]\nservices:\n  a:\n    <<: *l\n', { fileName: 'c.yml' });
    expect(seq.diagnostics[0]).toMatchObject({ code: 'IMPORT_YAML_MERGE_SEQUENCE', file: 'c.yml', line: 4 });
    const unknown = importCompose('services:\n  a: *nope\n', { fileName: 'c.yml' });
    expect(unknown.diagnostics[0]).toMatchObject({ code: 'IMPORT_YAML_INVALID', line: 2, message: expect.stringMatching(/\*nope has no anchor/) });
  });

  it('refuses deep nesting and recursive aliases fast, with the limit in the message', () => {
    const start = performance.now();
    const deep = importCompose(`services:\n  a:\n    image: x\n    command: ${'['.repeat(500_000)}`);
    expect(deep.diagnostics).toEqual([expect.objectContaining({ code: 'IMPORT_YAML_TOO_LARGE', message: expect.stringMatching(/nested more than 64 levels/) })]);
    let block = 'services:\n';
    for (let i = 0; i < 80; i++) block += `${' '.repeat(2 * i + 2)}k${i}:\n`;
    expect(codes(importCompose(block))).toEqual(['IMPORT_YAML_TOO_LARGE']);
    expect(() => parseYaml('a: &a [1, *a]\n')).toThrow(/used inside the node it names/);
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('refuses a document of more values than the limit before the yaml package builds it', () => {
    const start = performance.now();
    const wide = `services:\n  a:\n    image: x\n    command: [${'1,'.repeat(300_000)}1]\n`;
    expect(importCompose(wide).diagnostics).toEqual([expect.objectContaining({ code: 'IMPORT_YAML_TOO_LARGE', message: expect.stringMatching(/more than 100,000 values/) })]);
    expect(performance.now() - start).toBeLessThan(5000);
  });

  it('reads !reset and !override and every document of a multi-document file', () => {
    const [first, second] = parseComposeYaml('services:\n  web:\n    image: x\n---\nservices:\n  web:\n    ports: !reset []\n    environment: !override {A: "1"}\n');
    expect(first!.value).toEqual({ services: { web: { image: 'x' } } });
    expect(second).toMatchObject({ value: { services: { web: { environment: { A: '1' } } } }, resets: [['services', 'web', 'ports']], overrides: [['services', 'web', 'environment']] });
    const r = importOk('services:\n  web:\n    image: x\n    environment: {A: "1"}\n---\nservices:\n  web:\n    image: y\n');
    expect(service(r, 'web')).toMatchObject({ image: 'y', env: { A: '1' } });
  });

  it('throws YamlParseError, never a yaml package error', () => {
    expect(() => parseYaml('a: [x\n')).toThrow(YamlParseError);
  });
});

describe('override files and -f (item 11)', () => {
  const COMPOSE = 'name: shop\nservices:\n  web:\n    image: nginx:1\n    environment:\n      MODE: prod\n      KEEP: "1"\n    command: [serve, --prod]\n';
  const OVERRIDE = 'services:\n  web:\n    image: nginx:2\n    environment:\n      - MODE=dev\n    command: [serve]\n    frobnicate: 1\n  debug:\n    image: busybox\n    command: [sleep, infinity]\n';

  it('merges the override over the compose file, says which files were merged and where each finding is', () => {
    const r = importOk(COMPOSE, { fileName: 'compose.yaml', overrideFiles: [{ name: 'compose.override.yaml', content: OVERRIDE }] });
    expect(service(r, 'web')).toMatchObject({ image: 'nginx:2', env: { MODE: 'dev', KEEP: '1' }, command: ['serve'] });
    expect(Object.keys(r.app.services)).toEqual(['web', 'debug']);
    expect(r.diagnostics).toContainEqual(expect.objectContaining({ severity: 'info', code: 'IMPORT_FILES_MERGED', message: expect.stringMatching(/compose\.yaml \(compose file\), compose\.override\.yaml \(override\)/) }));
    const unknown = r.diagnostics.find((d) => d.code === 'IMPORT_UNKNOWN_KEY' || /frobnicate/.test(d.message));
    expect(unknown).toMatchObject({ file: 'compose.override.yaml', line: 7 });
  });

  it('the top-level name: names the app; the name option wins; the default comes last', () => {
    expect(importOk(COMPOSE).app.name).toBe('shop');
    expect(importOk(COMPOSE, { name: 'mine', defaultName: 'dir' }).app.name).toBe('mine');
    expect(importOk('services:\n  a:\n    image: x\n', { defaultName: 'dir' }).app.name).toBe('dir');
    expect(importOk(COMPOSE, { overrideFiles: [{ name: 'b.yml', content: 'name: other\n' }] }).app.name).toBe('other');
  });

  it('finds the override compose reads by default, only beside a default-named compose file', () => {
    const dir = files({ 'compose.override.yaml': 'a', 'docker-compose.override.yml': 'b' });
    expect(discoverOverride('compose.yaml', dir)).toEqual({ name: 'compose.override.yaml', content: 'a' });
    expect(discoverOverride('proj/docker-compose.yml', files({ 'docker-compose.override.yml': 'b' }))).toEqual({ name: 'proj/docker-compose.override.yml', content: 'b' });
    expect(discoverOverride('compose.yml', files({ 'compose.override.yml': 'c', 'compose.override.yaml': 'a' }))?.content).toBe('c');
    expect(discoverOverride('prod.yml', dir)).toBeUndefined();
  });

  it('merges -f files in order and reports a broken one by its name', () => {
    const r = importOk(COMPOSE, { overrideFiles: [{ name: 'a.yml', content: 'services:\n  web:\n    image: a\n' }, { name: 'b.yml', content: 'services:\n  web:\n    image: b\n' }] });
    expect(service(r, 'web').image).toBe('b');
    const broken = importCompose(COMPOSE, { overrideFiles: [{ name: 'b.yml', content: 'services:\n  web: [x\n' }] });
    expect(broken.diagnostics[0]).toMatchObject({ code: 'IMPORT_YAML_INVALID', file: 'b.yml' });
    expect(importCompose(COMPOSE, { overrideFiles: [{ name: 'b.yml', content: '- a\n' }] }).diagnostics[0]).toMatchObject({ code: 'IMPORT_OVERRIDE_INVALID', file: 'b.yml' });
  });

  it('secrets in the override are found before any file is interpolated', () => {
    const r = importOk('services:\n  app:\n    image: x\n    environment:\n      DATABASE_URL: postgres://u:${PG_PASS}@db/x\n', {
      envFile: 'PG_PASS=hunter2\n',
      overrideFiles: [{ name: 'o.yml', content: 'services:\n  db:\n    image: postgres\n    environment:\n      POSTGRES_PASSWORD: ${PG_PASS}\n' }],
    });
    expect(JSON.stringify(r.app)).not.toContain('hunter2');
  });
});

describe('include (item 11)', () => {
  const sink = () => new DiagnosticSink();
  const project = (main: string, map: Record<string, string>, s = sink()) => ({
    sink: s,
    result: loadProject(
      { main: { name: 'proj/compose.yaml', content: main }, overrides: [], loadFile: files(map), variables: { TAG: '1' } },
      { sink: s, prepare: () => {}, interpolate: (v) => v },
    ),
  });

  it('brings in included services (short and long syntax) with their paths made relative to the project', () => {
    const { result, sink: s } = project('include:\n  - db/compose.yaml\n  - path: [cache/compose.yaml, cache/extra.yaml]\n    project_directory: cache\nservices:\n  web:\n    image: x\n', {
      'db/compose.yaml': 'services:\n  db:\n    image: postgres\n    volumes: ["./data:/var/lib/postgresql/data", "pg:/x"]\n    env_file: db.env\n    build: .\nvolumes:\n  pg: {}\n',
      'cache/compose.yaml': 'services:\n  cache:\n    image: redis\n',
      'cache/extra.yaml': 'services:\n  cache:\n    command: [redis-server, --save, ""]\n',
    });
    expect(s.items.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result!.value).toEqual({
      services: {
        db: { image: 'postgres', volumes: ['./db/data:/var/lib/postgresql/data', 'pg:/x'], env_file: './db/db.env', build: './db' },
        cache: { image: 'redis', command: ['redis-server', '--save', ''] },
        web: { image: 'x' },
      },
      volumes: { pg: {} },
    });
    expect(result!.files.map((f) => `${f.file}:${f.role}`)).toEqual(['proj/compose.yaml:compose file', 'proj/db/compose.yaml:include', 'proj/cache/compose.yaml:include', 'proj/cache/extra.yaml:include']);
    expect(result!.source.positionOf(['services', 'db', 'image'])).toEqual({ file: 'proj/db/compose.yaml', line: 3, column: 5 });
    expect(result!.source.positionOf(['services', 'web', 'image'])).toEqual({ file: 'proj/compose.yaml', line: 7, column: 5 });
  });

  it('interpolates an included project with its env_file over the main variables', () => {
    const seen: Array<Record<string, string>> = [];
    const s = sink();
    loadProject(
      { main: { name: 'compose.yaml', content: 'include:\n  - path: sub/compose.yaml\n    env_file: sub/vars.env\nservices:\n  web: {image: x}\n' }, overrides: [], loadFile: files({ 'sub/compose.yaml': 'services:\n  s: {image: y}\n', 'sub/vars.env': 'B=2\n' }), variables: { A: '1' } },
      { sink: s, prepare: () => {}, interpolate: (v, _s, _f, vars) => (seen.push(vars), v) },
    );
    expect(seen).toEqual([{ A: '1' }, { A: '1', B: '2' }]);
  });

  it('a service defined in two included files is an error naming both; the including file overrides an included one', () => {
    const clash = project('include: [a/compose.yaml, b/compose.yaml]\nservices:\n  web: {image: x}\n', { 'a/compose.yaml': 'services:\n  db: {image: postgres:15}\n', 'b/compose.yaml': 'services:\n  db: {image: postgres:16}\n' });
    expect(clash.result).toBeUndefined();
    expect(clash.sink.items).toContainEqual(expect.objectContaining({ severity: 'error', code: 'IMPORT_INCLUDE_CONFLICT', file: 'proj/compose.yaml', message: expect.stringMatching(/"db" is defined both in proj\/a\/compose\.yaml and in proj\/b\/compose\.yaml/) }));
    const local = project('include: [a/compose.yaml]\nservices:\n  db: {environment: {X: "1"}}\n', { 'a/compose.yaml': 'services:\n  db: {image: postgres:15}\n' });
    expect(local.result!.value.services).toEqual({ db: { image: 'postgres:15', environment: { X: '1' } } });
    expect(local.sink.items).toContainEqual(expect.objectContaining({ severity: 'info', code: 'IMPORT_INCLUDE_OVERRIDDEN', file: 'proj/compose.yaml', line: 3 }));
  });

  it('reports a missing included file, a bad entry and a cycle', () => {
    expect(project('include: [nope.yaml]\nservices:\n  web: {image: x}\n', {}).sink.items).toContainEqual(expect.objectContaining({ code: 'IMPORT_INCLUDE_MISSING', file: 'proj/compose.yaml', line: 1, message: expect.stringMatching(/proj\/nope\.yaml cannot be read/) }));
    expect(project('include: [{project_directory: x}]\nservices:\n  web: {image: x}\n', {}).sink.items[0]).toMatchObject({ code: 'IMPORT_INCLUDE_INVALID' });
    const cycle = project('include: [a.yaml]\nservices:\n  web: {image: x}\n', { 'a.yaml': 'include: [b.yaml]\n', 'b.yaml': 'include: [a.yaml]\n' });
    expect(cycle.sink.items).toContainEqual(expect.objectContaining({ code: 'IMPORT_INCLUDE_CYCLE' }));
  });

  it('imports an app from an included file end to end, with no unsupported-include warning', () => {
    const r = importOk('include:\n  - db.yaml\nservices:\n  web:\n    image: x\n    depends_on: [db]\n', { loadFile: files({ 'db.yaml': 'services:\n  db:\n    image: postgres:16\n' }) });
    expect(Object.keys(r.app.services).sort()).toEqual(['db', 'web']);
    expect(codes(r)).not.toContain('IMPORT_UNSUPPORTED_INCLUDE');
    expect(codes(r)).toContain('IMPORT_FILES_MERGED');
  });
});
