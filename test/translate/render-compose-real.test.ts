import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { dump, load } from 'js-yaml';
import type { App, Destination } from '../../shared/model/app.js';
import type { RenderedFile } from '../../shared/api/contract.js';
import { renderFinal } from '../../shared/translate/render/render-app.js';
import { renderApp } from '../../shared/translate/index.js';
import { importCompose } from '../../shared/translate/import/index.js';
import { skipUnlessAvailable } from '../support/infra.js';
import { CORPUS_DESTINATIONS, corpusDir, corpusFiles } from '../corpus/corpus.js';
import { goldenCases } from './support/golden.js';
import { app, caddy, noProxy, traefik } from './support/apps.js';

/**
 * The real Compose on Berth's compose output: docker-compose v1 (what Debian
 * ships; no daemon needed for `config`). The golden cases and the rule apps
 * below run `docker-compose config -q` itself; the corpus (about 400 files,
 * each checked as written and as rendered) runs the same loader in one
 * Python process (support/compose-v1-config.py), since one process per file
 * costs ~0.4 s.
 *
 * v1 predates a few compose-spec keys Berth renders on purpose (checked by
 * the compose-spec schema in validate-output instead); v1Form rewrites just
 * those, the way the deploy's split does, and the test prints how often.
 */
const BINARY = '/usr/bin/docker-compose';
const interpreter = fs.existsSync(BINARY) ? /^#!\s*(\S+)/.exec(fs.readFileSync(BINARY, 'utf8').split('\n')[0] ?? '')?.[1] : undefined;
const skip = skipUnlessAvailable('docker-compose v1', interpreter ? undefined : `${BINARY} not found`);
const LOADER = path.join(import.meta.dirname, 'support/compose-v1-config.py');
const run = promisify(execFile);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-compose-real-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The keys v1 does not know, rewritten to their v1 form; `transforms` counts each kind. */
function v1Form(compose: Obj, transforms: Map<string, number>): { compose: Obj; files: Array<{ path: string; content: string }> } {
  const count = (what: string) => transforms.set(what, (transforms.get(what) ?? 0) + 1);
  const out = structuredClone(compose);
  const files: Array<{ path: string; content: string }> = [];
  if ('name' in out) {
    delete out.name;
    count('top-level name → -p');
  }
  for (const [key, config] of Object.entries(isObj(out.configs) ? out.configs : {})) {
    if (isObj(config) && typeof config.content === 'string') {
      files.push({ path: `.v1-configs/${key}`, content: config.content.replace(/\$\$/g, '$') });
      (out.configs as Obj)[key] = { file: `./.v1-configs/${key}` };
      count('configs content → file');
    }
  }
  for (const service of Object.values(isObj(out.services) ? out.services : {})) {
    if (!isObj(service)) continue;
    for (const dep of Object.values(isObj(service.depends_on) ? service.depends_on : {})) {
      if (isObj(dep) && ('required' in dep || 'restart' in dep)) {
        delete dep.required;
        delete dep.restart;
        count('depends_on required/restart dropped');
      }
    }
    if (isObj(service.build) && 'secrets' in service.build) {
      delete service.build.secrets;
      count('build.secrets dropped');
    }
    if (Array.isArray(service.ports)) {
      service.ports = service.ports.map((p: unknown) => {
        if (!isObj(p) || p.host_ip === undefined) return p;
        count('ports host_ip → short syntax');
        return `${String(p.host_ip)}:${String(p.published)}:${String(p.target)}/${String(p.protocol ?? 'tcp')}`;
      });
    }
    for (const v of Array.isArray(service.volumes) ? service.volumes : []) {
      if (isObj(v) && isObj(v.tmpfs) && 'mode' in v.tmpfs) {
        delete v.tmpfs.mode;
        count('tmpfs mode dropped');
      }
    }
  }
  return { compose: out, files };
}

let dirCount = 0;
/** compose.yaml and every file beside it, as the app folder would hold them; local build contexts exist as directories. */
function writeProject(compose: Obj, extraFiles: RenderedFile[], transforms: Map<string, number>): string {
  const dir = path.join(tmp, String(dirCount++));
  const v1 = v1Form(compose, transforms);
  const write = (file: string, content: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  };
  write('compose.yaml', dump(v1.compose, { noRefs: true, lineWidth: -1 }));
  for (const f of extraFiles) write(f.path, f.encoding === 'base64' ? Buffer.from(f.content, 'base64') : f.content);
  for (const f of v1.files) write(f.path, f.content);
  for (const service of Object.values(isObj(compose.services) ? compose.services : {})) {
    const context = isObj(service) && isObj(service.build) ? service.build.context : undefined;
    if (typeof context === 'string' && !context.includes('#')) fs.mkdirSync(path.resolve(dir, context), { recursive: true });
  }
  return dir;
}

/** A copy of a corpus file's folder with its local build contexts created (the corpus has no source trees). */
function withBuildDirs(file: string): string {
  const dir = path.join(tmp, `original-${dirCount++}`);
  // The folder's other files (env files, secrets) come along, unless it is a folder of many templates.
  if (fs.readdirSync(path.dirname(file)).length <= 20) fs.cpSync(path.dirname(file), dir, { recursive: true });
  else fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(file, path.join(dir, 'compose.yaml'));
  const doc = load(fs.readFileSync(file, 'utf8')) as Obj;
  for (const service of Object.values(isObj(doc.services) ? doc.services : {})) {
    const build = isObj(service) ? service.build : undefined;
    const context = typeof build === 'string' ? build : isObj(build) && typeof build.context === 'string' ? build.context : undefined;
    if (context && !/^(https?:|git@|github\.com)/.test(context)) fs.mkdirSync(path.resolve(dir, context), { recursive: true });
  }
  return dir;
}

function render(a: App, destination: Destination, transforms: Map<string, number>): string {
  const final = renderFinal(a, destination, { secrets: {}, revealSecrets: false });
  if (final.target !== 'compose') throw new Error('docker destination expected');
  return writeProject(final.compose, final.extraFiles, transforms);
}

/** `docker-compose -f compose.yaml -p <name> config -q`, two at a time. */
async function composeConfig(dirs: string[]): Promise<Array<{ dir: string; error?: string }>> {
  const results: Array<{ dir: string; error?: string }> = [];
  const queue = [...dirs];
  const worker = async () => {
    for (let dir = queue.shift(); dir !== undefined; dir = queue.shift()) {
      try {
        await run(BINARY, ['-f', 'compose.yaml', '-p', 'berth-check', 'config', '-q'], { cwd: dir, timeout: 30_000 });
        results.push({ dir });
      } catch (err) {
        results.push({ dir, error: String((err as { stderr?: string }).stderr || (err as Error).message) });
      }
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

/** The same loader in one process for many files. */
function composeLoader(items: Array<{ dir: string; file: string }>, timeoutMs: number): Promise<Array<{ ok: boolean; error?: string }>> {
  return new Promise((resolve, reject) => {
    const child = spawn(interpreter!, [LOADER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const lines = stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { ok: boolean; error?: string });
      if (code !== 0 || lines.length !== items.length) reject(new Error(`compose loader exited ${code} after ${lines.length}/${items.length} files: ${stderr.slice(-2000)}`));
      else resolve(lines);
    });
    child.stdin.end(JSON.stringify(items));
  });
}

/** One app per compose rule of issue #9, so every new key meets the real parser. */
const ruleApps: Array<[string, App, Destination]> = [
  ['depends_on conditions and restart', app({
    db: { image: 'postgres:16', healthcheck: { command: ['pg_isready'] }, restart: 'on-failure' },
    migrate: { image: 'busybox', command: ['sh', '-c', 'echo done'], restart: 'no', runs: 'once' },
    web: { image: 'web:1', dependsOn: ['db', { service: 'migrate', condition: 'completed' }, { service: 'db', condition: 'healthy', required: false, restart: true }] },
  }), caddy],
  ['local and git builds', app({
    web: { build: { context: '.', target: 'prod', args: { A: '1' }, cacheFrom: ['web:cache'] }, env: { B: { value: '2', scope: 'build' }, TOKEN: { secret: 'TOKEN', scope: 'build' } } },
    api: { build: { context: './api', dockerfile: 'Dockerfile.prod' } },
    remote: { build: { git: 'https://github.com/acme/shop.git', ref: 'v2', context: 'web' } },
  }), caddy],
  ['env templates and file secrets', app({
    app: { image: 'app:1', env: { DATABASE_URL: { template: 'postgres://u:${secret:PG_PASS}@db/x' }, DB_PASS_FILE: '/run/secrets/pg_pass' }, secretFiles: [{ secret: 'pg_pass' }, { secret: 'api_key', path: '/etc/app/key', mode: '0440' }] },
  }), caddy],
  ['binary and text files', app({
    web: { image: 'nginx', files: [{ path: '/etc/nginx/conf.d/default.conf', content: 'set $x 1;\n' }, { path: '/etc/ssl/ca.der', content: Buffer.from([0, 1, 2, 255]).toString('base64'), encoding: 'base64', mode: '0444' }] },
  }), caddy],
  ['host ip, aliases, container name, fixed addresses', app({
    web: { image: 'nginx', ports: [{ port: 80, publish: 8080, hostIp: '127.0.0.1' }, { port: 53, protocol: 'udp', publish: 5353 }], aliases: ['xmpp.meet.jitsi', 'web-internal'], containerName: 'shop-web' },
    site: { image: 'nginx', ports: [{ port: 80 }], routes: [{ domain: 'a.example.com', port: 80 }], aliases: ['site.internal'] },
    dns: { image: 'pihole/pihole', ipv4Address: '172.28.0.53', ipv6Address: 'fd00:28::53' },
  }, { network: { subnet: '172.28.0.0/16', ipv6Subnet: 'fd00:28::/64' } }), caddy],
  ['how the container runs', app({
    vpn: {
      image: 'wireguard', capAdd: ['NET_ADMIN'], capDrop: ['ALL'], privileged: true, readOnly: true, init: true, stopSignal: 'SIGINT', shmSize: '256Mi',
      tmpfs: [{ path: '/tmp' }, { path: '/run', size: '64Mi', mode: '1777' }], sysctls: { 'net.ipv4.ip_forward': 1 },
      extraHosts: [{ host: 'host.docker.internal', ip: 'host-gateway' }, { host: 'v6', ip: '::1' }], healthcheck: { disable: true }, mode: 'global',
    },
  }), caddy],
  ['verbatim compose keys', app({
    media: {
      image: 'jellyfin', replicas: 1, resources: { limits: { memory: '1Gi' } },
      compose: {
        logging: { driver: 'json-file', options: { 'max-size': '10m' } }, ulimits: { nofile: { soft: 65536, hard: 65536 } }, devices: ['/dev/dri:/dev/dri'],
        dns: ['1.1.1.1'], dns_search: ['lan'], security_opt: ['no-new-privileges:true'], pids_limit: 100, hostname: 'media', tty: true, stdin_open: true,
        deploy: { resources: { reservations: { devices: [{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }] } } },
      },
    },
    ha: { image: 'homeassistant', compose: { network_mode: 'host' } },
  }), traefik],
  ['no proxy publishes every port', app({ web: { image: 'nginx', ports: [{ port: 80, hostIp: '127.0.0.1' }], routes: [{ domain: 'a.example.com', port: 80 }] } }), noProxy],
];

describe.skipIf(skip)('docker-compose v1 accepts the compose output', () => {
  it('for every golden case and every compose rule', { timeout: 120_000 }, async () => {
    const transforms = new Map<string, number>();
    const cases = [
      ...goldenCases().map((c) => [`golden ${c.name}`, c.app, c.destinations.compose] as const),
      ...ruleApps.map(([name, a, d]) => [`rule ${name}`, a, d] as const),
    ];
    // The compose-spec schema and reference checks (validate-output) accept them too.
    for (const [name, a, d] of cases) expect(renderApp(a, d).diagnostics.filter((x) => x.code.startsWith('COMPOSE_') && x.code !== 'COMPOSE_VERBATIM_KEY_CONFLICT'), name).toEqual([]);
    const dirs = cases.map(([, a, d]) => render(a, d, transforms));
    const results = await composeConfig(dirs);
    const rejected = results.filter((r) => r.error).map((r) => `${cases[dirs.indexOf(r.dir)]![0]}: ${r.error}`);
    console.log(`\ndocker-compose config -q: ${results.length - rejected.length}/${results.length} golden and rule outputs accepted; v1 rewrites: ${[...transforms].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    expect(rejected).toEqual([]);
  });

  const corpus = corpusFiles(corpusDir());
  it.skipIf(!corpus)('for every corpus file whose original it accepts', { timeout: 120_000 }, async () => {
    const started = Date.now();
    const originals = await composeLoader(corpus!.map((f) => ({ dir: path.dirname(f), file: path.basename(f) })), 60_000);
    // The corpus holds compose files without their source trees: an original refused only for a missing build
    // directory is checked again in a copy of its folder with those directories created.
    const missingBuild = corpus!.filter((_, i) => /^build path .* either does not exist/.test(originals[i]!.error ?? ''));
    const copies = missingBuild.map(withBuildDirs);
    const retried = await composeLoader(copies.map((c) => ({ dir: c, file: 'compose.yaml' })), 60_000);
    const accepted = corpus!.filter((f, i) => originals[i]!.ok || retried[missingBuild.indexOf(f)]?.ok);
    const transforms = new Map<string, number>();
    const rendered: Array<{ file: string; destination: string; dir: string }> = [];
    let notImported = 0;
    for (const file of accepted) {
      const read = (p: string) => path.resolve(path.dirname(file), p);
      const imported = importCompose(fs.readFileSync(file, 'utf8'), {
        fileName: path.basename(file),
        name: path.basename(path.dirname(file)),
        loadFile: (p) => { try { return fs.readFileSync(read(p), 'utf8'); } catch { return undefined; } },
        loadBytes: (p) => { try { return fs.readFileSync(read(p)); } catch { return undefined; } },
        listDir: (p) => { try { return fs.readdirSync(read(p), { withFileTypes: true }).map((e) => (e.isDirectory() ? `${e.name}/` : e.name)); } catch { return undefined; } },
      });
      if (!imported.app) {
        notImported++;
        continue;
      }
      for (const destination of CORPUS_DESTINATIONS.filter((d) => d.type === 'docker')) {
        rendered.push({ file, destination: destination.name, dir: render(imported.app, destination, transforms) });
      }
    }
    const results = await composeLoader(rendered.map((r) => ({ dir: r.dir, file: 'compose.yaml' })), 60_000);
    const rejected = rendered.flatMap((r, i) => (results[i]!.ok ? [] : [`${path.relative(corpusDir(), r.file)} (${r.destination}): ${results[i]!.error}`]));
    console.log(`\ncompose corpus through docker-compose v1 in ${((Date.now() - started) / 1000).toFixed(1)} s: ${corpus!.length} files, ${accepted.length} originals accepted (${retried.filter((r) => r.ok).length} once their build directories existed), ${notImported} of those not imported, ${rendered.length - rejected.length}/${rendered.length} rendered outputs accepted (docker-traefik, docker-caddy); v1 rewrites: ${[...transforms].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    expect(rejected).toEqual([]);
  });
});
