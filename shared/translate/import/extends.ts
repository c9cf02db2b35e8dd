import { isRecord, toPairs } from './lists.js';
import { parseMount } from './volumes.js';

/** The services of one compose file, already interpolated. */
export type ServiceMap = Record<string, unknown>;

export interface ExtendsContext {
  /** Services of another file named in `extends.file`; undefined when it cannot be read. */
  loadServices(file: string): { services: ServiceMap } | { error: string };
  problem(code: string, message: string): void;
}

const MAP_LIKE = new Set(['environment', 'labels', 'annotations']);
const REPLACED = new Set(['command', 'entrypoint']);
// Compose never inherits these: they name other services of the base's file.
const NOT_INHERITED = new Set(['depends_on', 'links', 'volumes_from', 'extends']);

const mountTarget = (entry: unknown) => {
  const parsed = parseMount(entry);
  return 'mount' in parsed ? parsed.mount.target : JSON.stringify(entry);
};

function mergeValues(key: string, base: unknown, local: unknown): unknown {
  if (local === undefined) return base;
  if (base === undefined || REPLACED.has(key)) return local;
  if (MAP_LIKE.has(key)) return Object.fromEntries([...toPairs(base), ...toPairs(local)].map(([k, v]) => [k, v ?? null]));
  if (key === 'volumes' && Array.isArray(base) && Array.isArray(local)) {
    const targets = new Set(local.map(mountTarget));
    return [...base.filter((e) => !targets.has(mountTarget(e))), ...local];
  }
  if (Array.isArray(base) && Array.isArray(local)) {
    const seen = new Set(base.map((e) => JSON.stringify(e)));
    return [...base, ...local.filter((e) => !seen.has(JSON.stringify(e)))];
  }
  if (isRecord(base) && isRecord(local)) return mergeService(base, local);
  return local;
}

export function mergeService(base: Record<string, unknown>, local: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(base), ...Object.keys(local)])) out[key] = mergeValues(key, base[key], local[key]);
  return out;
}

/** Applies `extends` (same file, or another via `file:`) recursively; cycles and missing bases are reported. */
export function resolveExtends(name: string, services: ServiceMap, ctx: ExtendsContext, chain: string[] = []): Record<string, unknown> | undefined {
  const service = services[name];
  if (!isRecord(service)) return undefined;
  const ext = service.extends;
  if (ext === undefined) return service;
  const spec = typeof ext === 'string' ? { service: ext } : isRecord(ext) ? ext : undefined;
  const own = Object.fromEntries(Object.entries(service).filter(([k]) => k !== 'extends'));
  if (!spec || typeof spec.service !== 'string') {
    ctx.problem('IMPORT_EXTENDS_INVALID', `extends in "${name}" needs a service name (extends: {service: NAME, file: FILE}).`);
    return own;
  }
  const file = typeof spec.file === 'string' ? spec.file : undefined;
  const link = `${file ?? ''}#${spec.service}`;
  if (chain.includes(link)) {
    ctx.problem('IMPORT_EXTENDS_CYCLE', `extends forms a cycle (${[...chain, link].join(' → ')}); break it so each service extends a different one.`);
    return own;
  }
  let source = services;
  if (file !== undefined) {
    const loaded = ctx.loadServices(file);
    if ('error' in loaded) {
      ctx.problem('IMPORT_EXTENDS_FILE_MISSING', `"${name}" extends a service in ${file}, which could not be read (${loaded.error}). Import from the directory that contains it.`);
      return own;
    }
    source = loaded.services;
  }
  if (!isRecord(source[spec.service])) {
    ctx.problem('IMPORT_EXTENDS_NOT_FOUND', `"${name}" extends "${spec.service}"${file ? ` in ${file}` : ''}, which does not exist. Fix the service name.`);
    return own;
  }
  const base = resolveExtends(spec.service, source, ctx, [...chain, link]) ?? {};
  const inherited = Object.fromEntries(Object.entries(base).filter(([k]) => !NOT_INHERITED.has(k)));
  return mergeService(inherited, own);
}
