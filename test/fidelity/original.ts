import path from 'node:path';
import { load } from 'js-yaml';
import { parse } from 'yaml';
import { isRecord, parseDocument, parseService, unescapeDollars, type ComposeDocument, type ComposeService } from './compose-model.js';
import { interpolate, variablesIn } from './interpolate.js';

/**
 * The original app as Compose runs it. From `docker-compose config` where the
 * real Compose accepts the file (interpolation, extends, -f merging done by
 * Compose itself); otherwise from the raw YAML, interpolated and merged here
 * by the Compose specification's rules, and marked so in the counts.
 */
export interface Original {
  source: 'compose-config' | 'raw';
  /** Why docker-compose was not used: its refusal, shortened. */
  fallbackReason?: string;
  projectDir: string;
  doc: ComposeDocument;
  /** Services in profiles: Compose does not start them unless a profile is selected. */
  excluded: string[];
  /** Variables each service's raw definition refers to (Coolify's SERVICE_URL_* routes show only here). */
  variablesUsed: Record<string, string[]>;
  dotenv: Record<string, string>;
  /** Files and directories beside the compose file: absolute path → content, null for a directory. */
  files: Record<string, string | null>;
  /** The compose files' text as written (main file and overrides), before interpolation. */
  rawText: string;
}

export interface OriginalContext {
  projectDir: string;
  dotenv: Record<string, string>;
  files: Record<string, string | null>;
  /** The main file's raw text, for the variables each service uses. */
  mainText: string;
  /** Every compose file's raw text (main and overrides). */
  rawText: string;
}

/** Coolify's own keys: it writes `content` to the bind source and strips the rest before running Compose. */
export function stripCoolifyExtensions(doc: unknown): unknown {
  if (!isRecord(doc) || !isRecord(doc.services)) return doc;
  const services = Object.fromEntries(Object.entries(doc.services).map(([name, s]) => {
    if (!isRecord(s)) return [name, s];
    const { exclude_from_hc: _hc, ...rest } = s;
    if (Array.isArray(rest.volumes)) {
      rest.volumes = rest.volumes.map((v) => {
        if (!isRecord(v)) return v;
        const { content: _c, is_directory: _d, isDirectory: _d2, ...volume } = v;
        return volume;
      });
    }
    return [name, rest];
  }));
  return { ...doc, services };
}

function rawVariables(mainText: string): Record<string, string[]> {
  let doc: unknown;
  try {
    doc = load(mainText, { json: true });
  } catch {
    return {};
  }
  const services = isRecord(doc) && isRecord(doc.services) ? doc.services : {};
  const collect = (v: unknown, into: Set<string>) => {
    if (typeof v === 'string') for (const n of variablesIn(v)) into.add(n);
    else if (Array.isArray(v)) for (const x of v) collect(x, into);
    else if (isRecord(v)) for (const [k, x] of Object.entries(v)) if (k !== 'content') { for (const n of variablesIn(k)) into.add(n); collect(x, into); }
  };
  return Object.fromEntries(Object.entries(services).map(([name, s]) => {
    const names = new Set<string>();
    collect(s, names);
    return [name, [...names]];
  }));
}

function finish(source: Original['source'], doc: ComposeDocument, ctx: OriginalContext, fallbackReason?: string): Original {
  const excluded = Object.values(doc.services).filter((s) => s.profiles.length > 0).map((s) => s.name);
  for (const name of excluded) delete doc.services[name];
  return { source, fallbackReason, projectDir: ctx.projectDir, doc, excluded, variablesUsed: rawVariables(ctx.mainText), dotenv: ctx.dotenv, files: ctx.files, rawText: ctx.rawText };
}

/** `docker-compose config` output: already interpolated and merged; `$$` stands for `$`. */
export function originalFromConfig(stdout: string, ctx: OriginalContext): Original {
  const doc = unescapeDollars(load(stdout));
  return finish('compose-config', parseDocument(doc, ctx.projectDir), ctx);
}

// ---- the raw fallback ----

export interface RawSources {
  /** Reads a file by absolute path; undefined when missing. */
  readFile: (file: string) => string | undefined;
  /** The main file, then its overrides (compose.override.yaml…), absolute. */
  files: string[];
}

function interpolateTree(v: unknown, vars: Record<string, string>, key?: string): unknown {
  if (typeof v === 'string') return key === 'content' ? v : interpolate(v, vars);
  if (Array.isArray(v)) return v.map((x) => interpolateTree(x, vars));
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, interpolateTree(x, vars, k)]));
  return v;
}

function loadYaml(file: string, sources: RawSources, vars: Record<string, string>): Record<string, unknown> {
  const text = sources.readFile(file);
  if (text === undefined) throw new Error(`${file} not found`);
  const doc = parse(text, { merge: true, maxAliasCount: -1 });
  return isRecord(doc) ? (stripCoolifyExtensions(interpolateTree(doc, vars)) as Record<string, unknown>) : {};
}

/** Fields a later file replaces whole when it sets their compose key. */
const REPLACED: Array<[keyof ComposeService, string]> = [
  ['image', 'image'], ['build', 'build'], ['command', 'command'], ['entrypoint', 'entrypoint'], ['healthcheck', 'healthcheck'],
  ['networkMode', 'network_mode'], ['containerName', 'container_name'], ['restart', 'restart'], ['profiles', 'profiles'],
  ['deployMode', 'deploy'], ['envFiles', 'env_file'], ['volumesFrom', 'volumes_from'], ['links', 'links'],
];

/** Sequences (cap_add, dns, tmpfs…) are unions and mappings (sysctls, logging…) merge; what REPLACED names is replaced. */
function mergeRaw(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const replaced = new Set(REPLACED.map(([, key]) => key));
  const out = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const was = base[key];
    if (replaced.has(key) || was === undefined) out[key] = value;
    else if (Array.isArray(was) && Array.isArray(value)) out[key] = [...new Map([...was, ...value].map((x) => [JSON.stringify(x), x])).values()];
    else if (isRecord(was) && isRecord(value)) out[key] = { ...was, ...value };
    else out[key] = value;
  }
  return out;
}

/** Merges service `over` onto `base` by the specification's rules: maps by key, mounts by target, ports appended, the rest replaced. */
export function mergeServices(base: ComposeService, over: ComposeService): ComposeService {
  const byTarget = <T extends { target: string }>(a: T[], b: T[]) => [...a.filter((x) => !b.some((y) => y.target === x.target)), ...b];
  const unique = <T>(a: T[]) => [...new Map(a.map((x) => [JSON.stringify(x), x])).values()];
  const merged: ComposeService = {
    ...base,
    environment: { ...base.environment, ...over.environment },
    ports: unique([...base.ports, ...over.ports]),
    expose: unique([...base.expose, ...over.expose]),
    networks: over.raw.networks === undefined ? base.networks : { ...(base.raw.networks !== undefined ? base.networks : {}), ...over.networks },
    dependsOn: { ...base.dependsOn, ...over.dependsOn },
    mounts: byTarget(base.mounts, over.mounts),
    secrets: byTarget(base.secrets, over.secrets),
    configs: byTarget(base.configs, over.configs),
    raw: mergeRaw(base.raw, over.raw),
  };
  for (const [field, key] of REPLACED) if (over.raw[key] !== undefined) (merged as unknown as Record<string, unknown>)[field] = over[field];
  return merged;
}

function resolveExtends(name: string, services: Record<string, Record<string, unknown>>, file: string, sources: RawSources, vars: Record<string, string>, seen = new Set<string>()): ComposeService {
  const raw = services[name] ?? {};
  const dir = path.dirname(file);
  const own = parseService(name, raw, dir);
  const ext = raw.extends;
  if (ext === undefined || seen.has(`${file}#${name}`)) return own;
  seen.add(`${file}#${name}`);
  const spec = isRecord(ext) ? ext : { service: String(ext) };
  const from = spec.file !== undefined ? path.resolve(dir, String(spec.file)) : file;
  const fromServices = from === file ? services : (loadYaml(from, sources, vars).services as Record<string, Record<string, unknown>> | undefined) ?? {};
  const base = resolveExtends(String(spec.service), fromServices, from, sources, vars, seen);
  return mergeServices({ ...base, dependsOn: {}, links: [], volumesFrom: [] }, own);
}

function loadProject(file: string, sources: RawSources, vars: Record<string, string>): ComposeDocument {
  const root = loadYaml(file, sources, vars);
  const services = (isRecord(root.services) ? root.services : {}) as Record<string, Record<string, unknown>>;
  const doc = parseDocument({ ...root, services: {} }, path.dirname(file));
  for (const name of Object.keys(services)) doc.services[name] = resolveExtends(name, services, file, sources, vars);
  for (const entry of Array.isArray(root.include) ? root.include : []) {
    const paths = isRecord(entry) ? (Array.isArray(entry.path) ? entry.path : [entry.path]) : [entry];
    for (const p of paths) {
      const included = loadProject(path.resolve(path.dirname(file), String(p)), sources, vars);
      // An included resource that the including file also defines is a conflict in Compose; the including file is kept.
      for (const section of ['services', 'volumes', 'networks', 'secrets', 'configs'] as const) {
        doc[section] = { ...included[section], ...doc[section] } as never;
      }
    }
  }
  return doc;
}

export function originalFromRaw(sources: RawSources, ctx: OriginalContext, fallbackReason: string): Original {
  const [main, ...overrides] = sources.files;
  const doc = loadProject(main!, sources, ctx.dotenv);
  for (const file of overrides) {
    const over = loadProject(file, sources, ctx.dotenv);
    for (const [name, s] of Object.entries(over.services)) doc.services[name] = doc.services[name] ? mergeServices(doc.services[name]!, s) : s;
    for (const section of ['volumes', 'networks', 'secrets', 'configs'] as const) doc[section] = { ...doc[section], ...over[section] };
  }
  return finish('raw', doc, ctx, fallbackReason);
}

/** The line of Compose's refusal that says why, without the temp paths. */
export function refusalReason(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/variable is not set|^WARNING/i.test(l));
  const because = lines.findIndex((l) => /is invalid because:$/.test(l));
  const line = because >= 0 && lines[because + 1] ? lines[because + 1]! : lines.find((l) => /invalid|not|error|unsupported|must/i.test(l)) ?? lines[0] ?? 'refused';
  return line.replace(/\/\S*\/(\S+)/g, '$1').slice(0, 140);
}
