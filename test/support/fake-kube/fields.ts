/**
 * Server-side apply and `metadata.managedFields` (FieldsV1), after structured-merge-diff as kube-apiserver runs it:
 * field sets per manager and operation, associative lists merged by their `x-kubernetes-list-map-keys`, atomic
 * values owned whole, conflicts when another manager owns a field with a different value, and fields a manager stops
 * applying removed unless another manager still owns them.
 */
import { type Schema, shapeOf, isAtomic, childSchema, defaultKeyValue, type Shape } from './openapi.js';
import { clone, type KObj } from './store.js';

type Path = string[];
export type FieldTree = { [k: string]: FieldTree };

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldTree;
  subresource?: string;
}

export function nowRFC3339(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const IDENTITY_META = ['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields',
  'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generateName'];

/** The part of an object field ownership is tracked for: no identity fields; status only on the status subresource. */
export function trackedPart(obj: Record<string, unknown>, subresource: string | undefined): Record<string, unknown> {
  const o = clone(obj);
  delete o.apiVersion;
  delete o.kind;
  const m = o.metadata as Record<string, unknown> | undefined;
  if (m) {
    for (const k of IDENTITY_META) delete m[k];
    if (Object.keys(m).length === 0) delete o.metadata;
  }
  if (subresource === 'status') {
    return o.status === undefined ? {} : { status: o.status };
  }
  delete o.status;
  return o;
}

function keyOf(item: unknown, sh: Extract<Shape, { t: 'list' }>): string {
  const rec = (item && typeof item === 'object' ? item : {}) as Record<string, unknown>;
  const k: Record<string, unknown> = {};
  for (const key of [...sh.keys].sort()) {
    const v = rec[key] ?? defaultKeyValue(sh.items, key);
    if (v !== undefined) k[key] = v;
  }
  return JSON.stringify(k);
}

function matchesKey(item: unknown, key: string, sh: Extract<Shape, { t: 'list' }>): boolean {
  return keyOf(item, sh) === key;
}

/** All owned paths of a value: leaves, and `.` for list items (and, for updates, maps). */
export function fieldPaths(value: unknown, schema: Schema | undefined, mode: 'apply' | 'update', prefix: Path = [], out = new Set<string>()): Set<string> {
  const sh = shapeOf(schema);
  const add = (p: Path) => { if (p.length) out.add(JSON.stringify(p)); };
  if (value === null || value === undefined || typeof value !== 'object' || isAtomic(sh)) { add(prefix); return out; }
  if (sh.t === 'list') {
    if (!Array.isArray(value)) { add(prefix); return out; }
    if (value.length === 0) { add(prefix); return out; }
    for (const item of value) {
      if (sh.listType === 'set') { add([...prefix, `v:${JSON.stringify(item)}`]); continue; }
      const p = [...prefix, `k:${keyOf(item, sh)}`];
      add([...p, '.']);
      fieldPaths(item, sh.items, mode, p, out);
    }
    return out;
  }
  if (sh.t === 'struct' || sh.t === 'map') {
    if (Array.isArray(value)) { add(prefix); return out; }
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) { add(prefix); return out; }
    if (mode === 'update' && sh.t === 'map' && prefix.length) add([...prefix, '.']);
    for (const [k, v] of entries) fieldPaths(v, childSchema(sh, k), mode, [...prefix, `f:${k}`], out);
    return out;
  }
  add(prefix);
  return out;
}

export function treeOf(paths: Set<string>): FieldTree {
  const root: FieldTree = {};
  const sorted = [...paths].map((p) => JSON.parse(p) as Path).sort((a, b) => (a.join('\u0000') < b.join('\u0000') ? -1 : 1));
  for (const p of sorted) {
    let node = root;
    for (const el of p) {
      node[el] ??= {};
      node = node[el];
    }
  }
  return root;
}

export function pathsOf(tree: FieldTree | undefined, prefix: Path = [], out = new Set<string>()): Set<string> {
  if (!tree) return out;
  for (const [k, child] of Object.entries(tree)) {
    const p = [...prefix, k];
    if (k === '.' || Object.keys(child).length === 0) out.add(JSON.stringify(p));
    else pathsOf(child, p, out);
  }
  return out;
}

/** structured-merge-diff's path spelling: `.spec.template.spec.containers[name="web"].image` */
export function pathString(path: Path): string {
  let s = '';
  for (const el of path) {
    if (el === '.') continue;
    if (el.startsWith('f:')) s += `.${el.slice(2)}`;
    else if (el.startsWith('k:')) {
      const k = JSON.parse(el.slice(2)) as Record<string, unknown>;
      s += `[${Object.entries(k).map(([a, b]) => `${a}=${JSON.stringify(b)}`).join(',')}]`;
    } else if (el.startsWith('v:')) s += `[=${el.slice(2)}]`;
    else if (el.startsWith('i:')) s += `[${el.slice(2)}]`;
  }
  return s;
}

function listShapeAt(schema: Schema | undefined, path: Path): Shape {
  let sh = shapeOf(schema);
  for (const el of path) {
    if (el === '.') continue;
    if (el.startsWith('f:')) sh = shapeOf(childSchema(sh, el.slice(2)));
    else if (sh.t === 'list') sh = shapeOf(sh.items);
  }
  return sh;
}

const ABSENT = Symbol('absent');

export function getAt(obj: unknown, path: Path, schema: Schema | undefined): unknown {
  let cur: unknown = obj;
  let sh = shapeOf(schema);
  for (const el of path) {
    if (el === '.') continue;
    if (cur === undefined || cur === null || typeof cur !== 'object') return ABSENT;
    if (el.startsWith('f:')) {
      const k = el.slice(2);
      if (!Object.prototype.hasOwnProperty.call(cur, k)) return ABSENT;
      cur = (cur as Record<string, unknown>)[k];
      sh = shapeOf(childSchema(sh, k));
    } else if (el.startsWith('k:') && sh.t === 'list' && Array.isArray(cur)) {
      const key = el.slice(2);
      const lsh = sh;
      cur = cur.find((it) => matchesKey(it, key, lsh));
      if (cur === undefined) return ABSENT;
      sh = shapeOf(lsh.items);
    } else if (el.startsWith('v:') && Array.isArray(cur)) {
      const want = el.slice(2);
      const found = cur.find((it) => JSON.stringify(it) === want);
      return found === undefined ? ABSENT : found;
    } else return ABSENT;
  }
  return cur;
}

function removeAt(obj: unknown, path: Path, schema: Schema | undefined): void {
  const p = path[path.length - 1] === '.' ? path.slice(0, -1) : path;
  if (p.length === 0) return;
  const parentPath = p.slice(0, -1);
  const last = p[p.length - 1] ?? '';
  const parent = getAt(obj, parentPath, schema);
  if (parent === ABSENT || parent === null || typeof parent !== 'object') return;
  if (last.startsWith('f:')) {
    delete (parent as Record<string, unknown>)[last.slice(2)];
  } else if (Array.isArray(parent)) {
    const sh = listShapeAt(schema, parentPath);
    const idx = last.startsWith('k:') && sh.t === 'list'
      ? parent.findIndex((it) => matchesKey(it, last.slice(2), sh))
      : parent.findIndex((it) => JSON.stringify(it) === last.slice(2));
    if (idx >= 0) parent.splice(idx, 1);
  }
}

/** After a removal: a list or map left empty, owned by nobody as a whole, goes too (as structured-merge-diff leaves it). */
function pruneEmpty(obj: unknown, path: Path, schema: Schema | undefined, entries: ManagedFieldsEntry[], selfId: string): void {
  for (let p = path; p.length > 0; p = p.slice(0, -1)) {
    const last = p[p.length - 1] as string;
    if (!last.startsWith('f:')) return;
    const v = getAt(obj, p, schema);
    const empty = (Array.isArray(v) && v.length === 0) || (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);
    if (!empty || ownedByOthers(entries, selfId, JSON.stringify(p), false)) return;
    const parent = getAt(obj, p.slice(0, -1), schema);
    if (parent && typeof parent === 'object' && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[last.slice(2)];
  }
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ak = Object.keys(a as object);
  const bk = Object.keys(b as object);
  if (ak.length !== bk.length) return false;
  return ak.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Merges an applied configuration into the live object, as structured-merge-diff does. */
export function mergeApplied(live: unknown, applied: unknown, schema: Schema | undefined): unknown {
  const sh = shapeOf(schema);
  if (applied === null || typeof applied !== 'object' || isAtomic(sh) || live === null || typeof live !== 'object') return clone(applied);
  if (sh.t === 'list') {
    if (!Array.isArray(applied) || !Array.isArray(live)) return clone(applied);
    const out = clone(live) as unknown[];
    for (const item of applied) {
      if (sh.listType === 'set') {
        if (!out.some((x) => deepEqual(x, item))) out.push(clone(item));
        continue;
      }
      const key = keyOf(item, sh);
      const idx = out.findIndex((x) => matchesKey(x, key, sh));
      if (idx >= 0) out[idx] = mergeApplied(out[idx], item, sh.items);
      else out.push(clone(item));
    }
    return out;
  }
  if (Array.isArray(applied) || Array.isArray(live)) return clone(applied);
  const out = { ...(live as Record<string, unknown>) };
  for (const [k, v] of Object.entries(applied as Record<string, unknown>)) {
    out[k] = mergeApplied(out[k], v, childSchema(sh, k));
  }
  return out;
}

export interface Conflict { manager: ManagedFieldsEntry; path: Path }

function managerIdentity(e: ManagedFieldsEntry): string {
  return JSON.stringify([e.manager, e.operation, e.subresource ?? '', e.operation === 'Apply' ? '' : e.apiVersion]);
}

export function printManager(e: ManagedFieldsEntry): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += ` using ${e.apiVersion}`;
  return s;
}

/** kube-apiserver's message for apply conflicts (fieldmanager/internal/conflict.go) */
export function conflictMessage(conflicts: Conflict[]): string {
  if (conflicts.length === 1) {
    const c = conflicts[0] as Conflict;
    return `Apply failed with 1 conflict: conflict with ${printManager(c.manager)}: ${pathString(c.path)}`;
  }
  const by = new Map<string, { e: ManagedFieldsEntry; paths: Path[] }>();
  for (const c of conflicts) {
    const id = printManager(c.manager);
    const g = by.get(id) ?? { e: c.manager, paths: [] };
    g.paths.push(c.path);
    by.set(id, g);
  }
  const msgs: string[] = [];
  for (const id of [...by.keys()].sort()) {
    msgs.push(`conflicts with ${id}:`);
    for (const p of (by.get(id) as { paths: Path[] }).paths) msgs.push(`- ${pathString(p)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${msgs.join('\n')}`;
}

function entriesOf(obj: KObj | undefined): ManagedFieldsEntry[] {
  const mf = obj?.metadata.managedFields;
  return Array.isArray(mf) ? clone(mf as ManagedFieldsEntry[]) : [];
}

function ownedByOthers(entries: ManagedFieldsEntry[], self: string, path: string, prefixMatch: boolean): boolean {
  for (const e of entries) {
    if (managerIdentity(e) === self) continue;
    const ps = pathsOf(e.fieldsV1);
    if (ps.has(path)) return true;
    if (prefixMatch) {
      const base = JSON.parse(path) as Path;
      const stem = base[base.length - 1] === '.' ? base.slice(0, -1) : base;
      for (const q of ps) {
        const qp = JSON.parse(q) as Path;
        if (qp.length >= stem.length && stem.every((el, i) => qp[i] === el)) return true;
      }
    }
  }
  return false;
}

export interface ApplyResult { object: KObj; conflicts: Conflict[] }

/**
 * Server-side apply of `applied` by `manager` onto `live` (undefined: create). Returns the merged object with its
 * managedFields, or the conflicts (when not forced; nothing is changed then).
 */
export function serverSideApply(live: KObj | undefined, applied: KObj, opts: {
  manager: string; force: boolean; schema: Schema | undefined; apiVersion: string; subresource?: string;
}): ApplyResult {
  const { schema, manager } = opts;
  const entries = entriesOf(live);
  const self: ManagedFieldsEntry = {
    manager, operation: 'Apply', apiVersion: opts.apiVersion, time: nowRFC3339(), fieldsType: 'FieldsV1', fieldsV1: {},
    ...(opts.subresource ? { subresource: opts.subresource } : {}),
  };
  const selfId = managerIdentity(self);
  const cfg = trackedPart(applied, opts.subresource);
  const newPaths = fieldPaths(cfg, schema, 'apply');
  const prev = entries.find((e) => managerIdentity(e) === selfId);
  const prevPaths = pathsOf(prev?.fieldsV1);
  const liveTracked = live ? trackedPart(live, opts.subresource) : {};

  const conflicts: Conflict[] = [];
  for (const p of newPaths) {
    const path = JSON.parse(p) as Path;
    if (path[path.length - 1] === '.') continue;
    for (const e of entries) {
      if (managerIdentity(e) === selfId) continue;
      if (!pathsOf(e.fieldsV1).has(p)) continue;
      const lv = getAt(liveTracked, path, schema);
      const av = getAt(cfg, path, schema);
      if (lv === ABSENT || !deepEqual(lv, av)) conflicts.push({ manager: e, path });
    }
  }
  if (conflicts.length && !opts.force) return { object: live as KObj, conflicts };
  if (conflicts.length) {
    for (const c of conflicts) {
      const id = managerIdentity(c.manager);
      const e = entries.find((x) => managerIdentity(x) === id);
      if (!e) continue;
      const ps = pathsOf(e.fieldsV1);
      ps.delete(JSON.stringify(c.path));
      e.fieldsV1 = treeOf(ps);
    }
  }

  // merge into the live object (status and identity untouched on the main resource)
  const base: KObj = live ? clone(live) : { apiVersion: applied.apiVersion, kind: applied.kind, metadata: clone(applied.metadata ?? {}) } as KObj;
  const merged = mergeApplied(liveTracked, cfg, schema) as Record<string, unknown>;
  // fields this manager no longer applies, owned by no one else, are removed (deepest first)
  const removedAll = [...prevPaths].filter((p) => !newPaths.has(p)).map((p) => JSON.parse(p) as Path);
  // whole list items first (shallowest first), then leaves (deepest first)
  const removed = [
    ...removedAll.filter((p) => p[p.length - 1] === '.').sort((a, b) => a.length - b.length),
    ...removedAll.filter((p) => p[p.length - 1] !== '.').sort((a, b) => b.length - a.length),
  ];
  for (const path of removed) {
    const isNode = path[path.length - 1] === '.';
    if (ownedByOthers(entries, selfId, JSON.stringify(path), isNode)) continue;
    if (isNode) {
      // keep the item when this manager still applies something inside it
      const stem = path.slice(0, -1);
      const stillApplied = [...newPaths].some((q) => { const qp = JSON.parse(q) as Path; return stem.every((el, i) => qp[i] === el); });
      if (stillApplied) continue;
    }
    removeAt(merged, path, schema);
    pruneEmpty(merged, path.filter((el) => el !== '.').slice(0, -1), schema, entries, selfId);
  }
  const out = clone(base);
  for (const k of Object.keys(out)) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata' && (opts.subresource === 'status' ? k === 'status' : k !== 'status')) delete out[k];
  for (const [k, v] of Object.entries(merged)) {
    if (k === 'metadata') {
      const m = out.metadata;
      delete m.labels; delete m.annotations; delete m.finalizers; delete m.ownerReferences;
      Object.assign(m, v as Record<string, unknown>);
    } else out[k] = v;
  }
  if (!merged.metadata) { delete out.metadata.labels; delete out.metadata.annotations; delete out.metadata.finalizers; delete out.metadata.ownerReferences; }
  if (live) { out.apiVersion = live.apiVersion; out.kind = live.kind; }

  self.fieldsV1 = treeOf(newPaths);
  const next = entries.filter((e) => managerIdentity(e) !== selfId && pathsOf(e.fieldsV1).size > 0);
  if (newPaths.size > 0) {
    const idx = entries.findIndex((e) => managerIdentity(e) === selfId);
    if (idx >= 0) next.splice(Math.min(idx, next.length), 0, self); else next.push(self);
  }
  out.metadata.managedFields = next;
  return { object: out, conflicts };
}

/**
 * Ownership after a non-apply write (create, update, patch): the writer owns every field it changed; other managers
 * lose the fields that changed or disappeared.
 */
export function recordUpdate(oldObj: KObj | undefined, newObj: KObj, opts: {
  manager: string; schema: Schema | undefined; apiVersion: string; subresource?: string;
}): void {
  const entries = entriesOf(oldObj);
  const incoming = newObj.metadata.managedFields;
  if (Array.isArray(incoming) && oldObj && !deepEqual(incoming, oldObj.metadata.managedFields)) {
    // the client replaced managedFields (kubectl's client-side to server-side apply migration does this)
    const valid = (incoming as ManagedFieldsEntry[]).filter((e) => e && typeof e === 'object' && e.manager !== undefined && e.fieldsV1);
    newObj.metadata.managedFields = valid;
    return;
  }
  const { schema } = opts;
  const oldT = oldObj ? trackedPart(oldObj, opts.subresource) : {};
  const newT = trackedPart(newObj, opts.subresource);
  const newPaths = fieldPaths(newT, schema, 'update');
  const oldPaths = fieldPaths(oldT, schema, 'update');
  const changed = new Set<string>();
  for (const p of newPaths) {
    const path = JSON.parse(p) as Path;
    if (!oldPaths.has(p) || !deepEqual(getAt(oldT, path, schema), getAt(newT, path, schema))) changed.add(p);
  }
  const gone = [...oldPaths].filter((p) => !newPaths.has(p));
  const self: ManagedFieldsEntry = {
    manager: opts.manager, operation: 'Update', apiVersion: opts.apiVersion, time: nowRFC3339(), fieldsType: 'FieldsV1', fieldsV1: {},
    ...(opts.subresource ? { subresource: opts.subresource } : {}),
  };
  const selfId = managerIdentity(self);
  for (const e of entries) {
    const ps = pathsOf(e.fieldsV1);
    if (managerIdentity(e) === selfId) continue;
    for (const c of changed) ps.delete(c);
    for (const g of gone) ps.delete(g);
    e.fieldsV1 = treeOf(ps);
  }
  const prev = entries.find((e) => managerIdentity(e) === selfId);
  const mine = pathsOf(prev?.fieldsV1);
  for (const c of changed) mine.add(c);
  for (const g of gone) mine.delete(g);
  for (const p of [...mine]) if (!newPaths.has(p)) mine.delete(p);
  const next = entries.filter((e) => managerIdentity(e) !== selfId && pathsOf(e.fieldsV1).size > 0);
  if (mine.size > 0) {
    if (changed.size === 0 && prev) self.time = prev.time;
    self.fieldsV1 = treeOf(mine);
    const idx = entries.findIndex((e) => managerIdentity(e) === selfId);
    if (idx >= 0) next.splice(Math.min(idx, next.length), 0, self); else next.push(self);
  }
  newObj.metadata.managedFields = next;
}
