import path from 'node:path';

/**
 * A compose service in one shape, whatever syntax the file used (short or long
 * ports, list or map environment…). Both the original (docker-compose config
 * output or raw YAML) and Berth's compose output are read through this, so the
 * checks compare like with like. Written from the Compose specification, not
 * from the translator.
 */
export interface ComposeService {
  name: string;
  image?: string;
  build?: { context?: string; dockerfile?: string; target?: string; args: Record<string, string | null>; cacheFrom: string[] };
  environment: Record<string, string | null>;
  envFiles: string[];
  command?: string[] | string;
  entrypoint?: string[] | string;
  healthcheck?: { test?: string[] | string; disable: boolean };
  ports: PortSpec[];
  expose: number[];
  /** Network name → attachment; a service without `networks` is on `default`. */
  networks: Record<string, { aliases: string[]; ipv4Address?: string; ipv6Address?: string }>;
  networkMode?: string;
  containerName?: string;
  restart?: string;
  dependsOn: Record<string, Dependency>;
  mounts: MountSpec[];
  /** `service:x:ro`, `x`, `container:c` alike: the service (or `container:c`) and the mode. */
  volumesFrom: Array<{ from: string; mode: string }>;
  secrets: Array<{ source: string; target: string }>;
  configs: Array<{ source: string; target: string }>;
  links: Array<{ service: string; alias: string }>;
  profiles: string[];
  deployMode?: string;
  /** The service mapping as written (after interpolation and merging), for key-by-key comparison. */
  raw: Record<string, unknown>;
}

export interface PortSpec { target: number; published?: string; hostIp?: string; protocol: string }
export interface MountSpec { type: string; source?: string; target: string; readOnly: boolean }
export interface Dependency { condition: string; required: boolean; restart: boolean }

export interface ComposeDocument {
  services: Record<string, ComposeService>;
  volumes: Record<string, Record<string, unknown>>;
  networks: Record<string, Record<string, unknown>>;
  secrets: Record<string, Record<string, unknown>>;
  configs: Record<string, Record<string, unknown>>;
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const records = (v: unknown): Record<string, Record<string, unknown>> =>
  isRecord(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, isRecord(x) ? x : {}])) : {};

/** `KEY=value` lists and maps both become maps; a bare `KEY` is null (taken from the shell in compose). */
export function keyValues(v: unknown, separator = '='): Record<string, string | null> {
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x === null || x === undefined ? null : String(x)]));
  const out: Record<string, string | null> = {};
  for (const item of list(v)) {
    const text = String(item);
    const i = text.indexOf(separator);
    if (i < 0) out[text] = null;
    else out[text.slice(0, i)] = text.slice(i + 1);
  }
  return out;
}

/** `[ip:][published:]target[/protocol]`, ranges expanded; long form objects as they are. */
export function parsePorts(v: unknown): PortSpec[] {
  const out: PortSpec[] = [];
  for (const item of list(v)) {
    if (isRecord(item)) {
      const target = Number(item.target);
      if (Number.isInteger(target)) out.push({ target, published: str(item.published), hostIp: str(item.host_ip), protocol: str(item.protocol) ?? 'tcp' });
      continue;
    }
    const text = String(item);
    const [spec, protocol = 'tcp'] = text.split('/');
    let rest = spec ?? '';
    let hostIp: string | undefined;
    const v6 = /^\[([^\]]+)\]:(.*)$/.exec(rest);
    if (v6) [hostIp, rest] = [v6[1], v6[2]!];
    const parts = rest.split(':');
    if (!v6 && parts.length === 3) hostIp = parts.shift();
    const targetSpec = parts.pop() ?? '';
    const published = parts.pop();
    const [from, to] = targetSpec.split('-').map(Number);
    if (!Number.isInteger(from)) continue;
    const last = Number.isInteger(to) ? Math.min(to!, from! + 100) : from!;
    const [pubFrom] = (published ?? '').split('-').map(Number);
    for (let p = from!; p <= last; p++) {
      const pub = published === undefined || published === '' ? undefined : Number.isInteger(pubFrom) && published.includes('-') ? String(pubFrom! + p - from!) : published;
      out.push({ target: p, published: pub, hostIp: hostIp || undefined, protocol });
    }
  }
  return out;
}

/** `/data/` and `/data` are one mount point. */
export const mountPath = (p: string) => (p.length > 1 ? path.posix.normalize(p).replace(/\/+$/, '') || '/' : p);

const isPathSource = (s: string) => s.startsWith('/') || s.startsWith('.') || s.startsWith('~') || /^[A-Za-z]:[\\/]/.test(s);

/** Short `source:target[:mode]` and long volume entries; relative bind sources resolved against `projectDir`. */
export function parseMounts(v: unknown, projectDir: string): MountSpec[] {
  const resolve = (s: string) => (s.startsWith('/') || s.startsWith('~') ? s : path.posix.resolve(projectDir, s));
  const out: MountSpec[] = [];
  for (const item of list(v)) {
    if (isRecord(item)) {
      const type = str(item.type) ?? (item.source === undefined ? 'volume' : isPathSource(String(item.source)) ? 'bind' : 'volume');
      const source = str(item.source);
      const target = str(item.target);
      if (!target) continue;
      out.push({ type, source: type === 'bind' && source ? resolve(source) : source, target: mountPath(target), readOnly: item.read_only === true });
      continue;
    }
    const parts = String(item).split(':');
    if (parts.length === 1) {
      out.push({ type: 'volume', target: mountPath(parts[0]!), readOnly: false });
      continue;
    }
    const [source, target, mode = ''] = parts;
    const bind = isPathSource(source!);
    out.push({ type: bind ? 'bind' : 'volume', source: bind ? resolve(source!).replace(/(.)\/+$/, '$1') : source, target: mountPath(target!), readOnly: mode.split(',').includes('ro') });
  }
  return out;
}

function parseDependsOn(v: unknown): Record<string, Dependency> {
  const out: Record<string, Dependency> = {};
  if (isRecord(v)) {
    for (const [name, d] of Object.entries(v)) {
      const def = isRecord(d) ? d : {};
      out[name] = { condition: str(def.condition) ?? 'service_started', required: def.required !== false, restart: def.restart === true };
    }
  } else for (const name of list(v)) out[String(name)] = { condition: 'service_started', required: true, restart: false };
  return out;
}

function parseNetworks(v: unknown): ComposeService['networks'] {
  if (v === undefined || v === null) return { default: { aliases: [] } };
  const out: ComposeService['networks'] = {};
  if (isRecord(v)) {
    for (const [name, n] of Object.entries(v)) {
      const def = isRecord(n) ? n : {};
      out[name] = { aliases: list(def.aliases).map(String), ipv4Address: str(def.ipv4_address), ipv6Address: str(def.ipv6_address) };
    }
  } else for (const name of list(v)) out[String(name)] = { aliases: [] };
  return out;
}

/** Secrets and configs mounted into a service; a relative or missing target is under /run/secrets (secrets) or / (configs). */
function parseFileRefs(v: unknown, base: string): Array<{ source: string; target: string }> {
  return list(v).map((item) => {
    const source = isRecord(item) ? String(item.source) : String(item);
    const target = isRecord(item) && item.target !== undefined ? String(item.target) : source;
    return { source, target: target.startsWith('/') ? target : path.posix.join(base, target) };
  });
}

function parseBuild(v: unknown): ComposeService['build'] {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) return { context: String(v), args: {}, cacheFrom: [] };
  return { context: str(v.context), dockerfile: str(v.dockerfile), target: str(v.target), args: keyValues(v.args), cacheFrom: list(v.cache_from).map(String) };
}

function parseHealthcheck(v: unknown): ComposeService['healthcheck'] {
  if (!isRecord(v)) return undefined;
  const test = Array.isArray(v.test) ? v.test.map(String) : str(v.test);
  const disable = v.disable === true || (Array.isArray(test) && test[0] === 'NONE') || test === 'NONE';
  return { test, disable };
}

const command = (v: unknown) => (Array.isArray(v) ? v.map(String) : str(v));

export function parseVolumesFrom(v: string): { from: string; mode: string } {
  const parts = v.split(':');
  if (parts[0] === 'container') return { from: `container:${parts[1]}`, mode: parts[2] ?? 'rw' };
  if (parts[0] === 'service') parts.shift();
  return { from: parts[0]!, mode: parts[1] ?? 'rw' };
}

export function parseService(name: string, raw: Record<string, unknown>, projectDir: string): ComposeService {
  const deploy = isRecord(raw.deploy) ? raw.deploy : {};
  return {
    name,
    image: str(raw.image),
    build: parseBuild(raw.build),
    environment: keyValues(raw.environment),
    envFiles: list(raw.env_file).map((e) => (isRecord(e) ? String(e.path) : String(e))),
    command: command(raw.command),
    entrypoint: command(raw.entrypoint),
    healthcheck: parseHealthcheck(raw.healthcheck),
    ports: parsePorts(raw.ports),
    expose: list(raw.expose).map((e) => Number(String(e).split('/')[0])).filter(Number.isInteger),
    networks: parseNetworks(raw.networks),
    networkMode: str(raw.network_mode),
    containerName: str(raw.container_name),
    restart: str(raw.restart),
    dependsOn: parseDependsOn(raw.depends_on),
    mounts: parseMounts(raw.volumes, projectDir),
    volumesFrom: list(raw.volumes_from).map(String).map(parseVolumesFrom),
    secrets: parseFileRefs(raw.secrets, '/run/secrets'),
    configs: parseFileRefs(raw.configs, '/'),
    links: list(raw.links).map(String).map((l) => {
      const [service, alias] = l.split(':');
      return { service: service!, alias: alias ?? service! };
    }),
    profiles: list(raw.profiles).map(String),
    deployMode: str(deploy.mode),
    raw,
  };
}

export function parseDocument(doc: unknown, projectDir: string): ComposeDocument {
  const root = isRecord(doc) ? doc : {};
  const services = isRecord(root.services) ? root.services : {};
  return {
    services: Object.fromEntries(Object.entries(services).map(([n, s]) => [n, parseService(n, isRecord(s) ? s : {}, projectDir)])),
    volumes: records(root.volumes),
    networks: records(root.networks),
    secrets: records(root.secrets),
    configs: records(root.configs),
  };
}

/** Compose writes a literal `$` as `$$`; reading a file that Compose will interpolate means undoing that. */
export function unescapeDollars(v: unknown): unknown {
  if (typeof v === 'string') return v.replaceAll('$$', '$');
  if (Array.isArray(v)) return v.map(unescapeDollars);
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unescapeDollars(x)]));
  return v;
}
