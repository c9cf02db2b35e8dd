import { isRecord } from './lists.js';
import type { ParsedYaml, YamlPath } from './yaml-source.js';

/**
 * Compose's merge of one compose file over another (`-f a -f b`, the
 * override file, includes overridden by the including file), rule by rule as
 * compose-go's override package: mappings merge recursively, lists append,
 * and the keys below have their own rules. Values are never mutated: parts
 * may be shared YAML aliases.
 */

/** A compose document and where each of its parts was written. */
export interface Layer {
  value: Record<string, unknown>;
  source: ParsedYaml;
  /** `!reset` paths of this layer: what the layers under it put there is dropped. */
  resets?: readonly YamlPath[];
  /** `!override` paths: this layer's value replaces what is under it instead of merging. */
  overrides?: readonly YamlPath[];
}

type Indexer = (entry: unknown) => string;

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));

const keyValue: Indexer = (v) => {
  const s = text(v);
  const eq = s.indexOf('=');
  return eq < 0 ? s : s.slice(0, eq);
};
/** The container path of a mount: `src:dst[:mode]`, `dst` alone, or the long form's `target`. */
const mountTarget: Indexer = (v) => {
  if (isRecord(v)) return text(v.target);
  const parts = text(v).split(':');
  return parts.length === 1 ? parts[0]! : parts[1]!;
};
const mountedAt = (prefix: string): Indexer => (v) => {
  if (!isRecord(v)) return `${prefix}/${text(v)}`;
  return v.target !== undefined ? text(v.target) : `${prefix}/${text(v.source)}`;
};
const port: Indexer = (v) => {
  if (!isRecord(v)) return text(v);
  return `${text(v.host_ip ?? '0.0.0.0')}:${text(v.published ?? '')}:${text(v.target)}/${text(v.protocol ?? 'tcp')}`;
};
const envFile: Indexer = (v) => (isRecord(v) ? text(v.path) : text(v));

/** Lists whose entries are unique by a key: a later entry replaces an earlier one in its place (compose-go `EnforceUnicity`). */
const UNIQUE: Record<string, Indexer> = {
  'networks.*.labels': keyValue,
  'volumes.*.labels': keyValue,
  'services.*.annotations': keyValue,
  'services.*.build.args': keyValue,
  'services.*.build.additional_contexts': keyValue,
  'services.*.build.labels': keyValue,
  'services.*.build.platforms': keyValue,
  'services.*.build.tags': keyValue,
  'services.*.cap_add': keyValue,
  'services.*.cap_drop': keyValue,
  'services.*.configs': mountedAt(''),
  'services.*.deploy.labels': keyValue,
  'services.*.devices': mountTarget,
  'services.*.dns': keyValue,
  'services.*.dns_opt': keyValue,
  'services.*.dns_search': keyValue,
  'services.*.environment': keyValue,
  'services.*.env_file': envFile,
  'services.*.label_file': envFile,
  'services.*.expose': text,
  'services.*.labels': keyValue,
  'services.*.links': keyValue,
  'services.*.networks.*.aliases': keyValue,
  'services.*.networks.*.link_local_ips': keyValue,
  'services.*.ports': port,
  'services.*.profiles': keyValue,
  'services.*.secrets': mountedAt('/run/secrets'),
  'services.*.sysctls': keyValue,
  'services.*.tmpfs': keyValue,
  'services.*.volumes': mountTarget,
};

/** `KEY=VALUE` collections, written as a list or a mapping: merged by key either way. */
const KEYED = new Set([
  'networks.*.labels', 'volumes.*.labels', 'services.*.annotations', 'services.*.build.args', 'services.*.build.additional_contexts',
  'services.*.build.labels', 'services.*.deploy.labels', 'services.*.environment', 'services.*.labels', 'services.*.sysctls',
]);
/** Strings or lists of strings: a string is a list of one. */
const LISTS = new Set(['services.*.dns', 'services.*.dns_opt', 'services.*.dns_search', 'services.*.env_file', 'services.*.label_file', 'services.*.tmpfs']);
/** Replaced, never merged: a command is one thing. */
const REPLACED = new Set(['services.*.command', 'services.*.entrypoint', 'services.*.healthcheck.test']);

function pattern(path: readonly string[]): string[] {
  // services.<name>.x, networks.<name>.x, volumes.<name>.x, services.<name>.networks.<name>.x, services.<name>.ulimits.<name>
  const out = [...path];
  if (out.length > 1 && ['services', 'networks', 'volumes', 'secrets', 'configs'].includes(out[0]!)) out[1] = '*';
  if (out[0] === 'services' && (out[2] === 'networks' || out[2] === 'ulimits') && out.length > 3) out[3] = '*';
  return out;
}

/** A list or map in list form: `KEY=VALUE` strings, `KEY` alone for a null value (as compose). */
function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isRecord(value)) return Object.entries(value).map(([k, v]) => (v === null || v === undefined ? k : `${k}=${text(v)}`));
  return value === null || value === undefined ? [] : [value];
}

type Place = (out: YamlPath, side: 0 | 1, from: YamlPath) => void;

interface Item {
  value: unknown;
  side: 0 | 1;
  from: YamlPath;
}

function listItems(value: unknown, side: 0 | 1, from: YamlPath): Item[] {
  if (isRecord(value)) {
    const keys = Object.keys(value);
    return asList(value).map((entry, i) => ({ value: entry, side, from: [...from, keys[i]!] }));
  }
  return asList(value).map((entry, i) => ({ value: entry, side, from: Array.isArray(value) ? [...from, i] : from }));
}

function placeList(items: Item[], out: YamlPath, place: Place): unknown[] {
  items.forEach((item, i) => place([...out, i], item.side, item.from));
  return items.map((item) => item.value);
}

function unique(items: Item[], indexer: Indexer): Item[] {
  const out: Item[] = [];
  const seen = new Map<string, number>();
  for (const item of items) {
    const key = indexer(item.value);
    const at = seen.get(key);
    if (at === undefined) {
      seen.set(key, out.length);
      out.push(item);
    } else out[at] = item;
  }
  return out;
}

function toMapping(value: unknown, fill: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return Object.fromEntries(value.map((name) => [text(name), fill === null ? null : { ...(fill as object) }]));
}

function setEntry(out: Record<string, unknown>, key: string, value: unknown, place: Place, at: YamlPath, side: 0 | 1, from: YamlPath): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
  place(at, side, from);
}

interface Sides {
  base: unknown;
  top: unknown;
  baseFrom: YamlPath;
  topFrom: YamlPath;
}

function mergeMappings(path: string[], base: Record<string, unknown>, top: Record<string, unknown>, s: Omit<Sides, 'base' | 'top'>, place: Place): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // A mapping in both is where it was first written; its keys are placed one by one.
  place(path, 0, s.baseFrom);
  for (const key of new Set([...Object.keys(base), ...Object.keys(top)])) {
    const value = mergeValue([...path, key], { base: base[key], top: top[key], baseFrom: [...s.baseFrom, key], topFrom: [...s.topFrom, key] }, place);
    if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}

function mergeValue(path: string[], s: Sides, place: Place): unknown {
  const { base, top } = s;
  const take = (side: 0 | 1) => {
    place(path, side, side === 0 ? s.baseFrom : s.topFrom);
    return side === 0 ? base : top;
  };
  if (top === undefined) return take(0);
  if (base === undefined) return take(1);
  const rule = pattern(path).join('.');
  if (REPLACED.has(rule)) return take(1);
  // compose-go: `key: null` in the later file leaves the earlier value (use !reset to remove it).
  if (top === null) return take(0);
  const indexer = UNIQUE[rule];
  if (KEYED.has(rule) && isRecord(base) && isRecord(top)) {
    // By key, the later value winning even when it is empty (`KEY:` takes the value from the environment).
    place(path, 0, s.baseFrom);
    const out: Record<string, unknown> = {};
    for (const key of new Set([...Object.keys(base), ...Object.keys(top)])) {
      const side = Object.hasOwn(top, key) ? 1 : 0;
      setEntry(out, key, side ? top[key] : base[key], place, [...path, key], side, [...(side ? s.topFrom : s.baseFrom), key]);
    }
    return out;
  }
  if (KEYED.has(rule) || LISTS.has(rule) || (indexer && Array.isArray(base) && Array.isArray(top))) {
    const items = [...listItems(base, 0, s.baseFrom), ...listItems(top, 1, s.topFrom)];
    return placeList(indexer ? unique(items, indexer) : items, path, place);
  }
  if (rule === 'services.*.extra_hosts') {
    const earlier = listItems(base, 0, s.baseFrom);
    const known = new Set(earlier.map((i) => text(i.value)));
    return placeList([...earlier, ...listItems(top, 1, s.topFrom).filter((i) => !known.has(text(i.value)))], path, place);
  }
  if (rule === 'services.*.build') {
    const asBuild = (v: unknown) => (typeof v === 'string' ? { context: v } : v);
    const [b, t] = [asBuild(base), asBuild(top)];
    if (isRecord(b) && isRecord(t)) return mergeMappings(path, b, t, s, place);
    return take(1);
  }
  if (rule === 'services.*.depends_on' || rule === 'services.*.networks') {
    const fill = rule === 'services.*.depends_on' ? { condition: 'service_started', required: true } : null;
    const [b, t] = [toMapping(base, fill), toMapping(top, fill)];
    if (isRecord(b) && isRecord(t)) return mergeMappings(path, b, t, s, place);
    return take(1);
  }
  if (rule === 'services.*.logging' && isRecord(base) && isRecord(top)) {
    // Options of one driver merge; another driver replaces the whole setting.
    if (base.driver === undefined || top.driver === undefined || base.driver === top.driver) return mergeMappings(path, base, top, s, place);
    return take(1);
  }
  if (isRecord(base) && isRecord(top)) return mergeMappings(path, base, top, s, place);
  if (Array.isArray(base) && Array.isArray(top)) return placeList([...listItems(base, 0, s.baseFrom), ...listItems(top, 1, s.topFrom)], path, place);
  return take(1);
}

/** The value without what is at `path` (a copy along the path; the rest is shared). */
function without(value: unknown, path: YamlPath): unknown {
  if (path.length === 0 || !isRecord(value)) return value;
  const [head, ...rest] = path;
  const key = String(head);
  if (!Object.hasOwn(value, key)) return value;
  const out = { ...value };
  if (rest.length === 0) delete out[key];
  else out[key] = without(value[key], rest);
  return out;
}

const SEPARATOR = '\u001f';
const keyOf = (path: YamlPath) => path.join(SEPARATOR);

/** Merges a plain compose document over another (no positions); for tests and for callers that need only the value. */
export function mergeCompose(base: Record<string, unknown>, top: Record<string, unknown>): Record<string, unknown> {
  return mergeLayers({ value: base, source: { value: base, positionOf: () => undefined } }, { value: top, source: { value: top, positionOf: () => undefined } }).value;
}

/**
 * `top` merged over `base`, as compose merges a later file over the earlier
 * ones. Positions of the result point into whichever file each part came
 * from.
 */
export function mergeLayers(base: Layer, top: Layer): Layer {
  const places = new Map<string, { source: ParsedYaml; from: YamlPath }>();
  const place: Place = (out, side, from) => places.set(keyOf(out), { source: side === 0 ? base.source : top.source, from });
  let trimmed: unknown = base.value;
  for (const path of [...(top.resets ?? []), ...(top.overrides ?? [])]) trimmed = without(trimmed, path);
  const value = mergeValue([], { base: trimmed, top: top.value, baseFrom: [], topFrom: [] }, place) as Record<string, unknown>;
  return {
    value,
    source: {
      value,
      positionOf(path) {
        for (let n = path.length; n >= 0; n--) {
          const placed = places.get(keyOf(path.slice(0, n)));
          if (!placed) continue;
          const position = placed.source.positionOf([...placed.from, ...path.slice(n)]);
          if (position) return position;
        }
        return undefined;
      },
    },
  };
}
