/**
 * The OpenAPI subset (Kubernetes 1.32, trimmed to the served kinds): served as `/openapi/v2` (JSON) and converted to
 * `/openapi/v3/<group-version>` documents, which is what kubectl 1.32 reads to learn that the server validates fields
 * itself. The same schema drives unknown-field rejection and the structure server-side apply merges by.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export type Schema = Record<string, unknown> & {
  $ref?: string; type?: string; properties?: Record<string, Schema>; additionalProperties?: Schema | boolean;
  items?: Schema; format?: string; required?: string[];
};

interface OpenAPIDoc { definitions: Record<string, Schema>; paths: Record<string, Record<string, unknown>> }

const here = dirname(fileURLToPath(import.meta.url));
const doc = JSON.parse(readFileSync(join(here, 'kubernetes-1.32-openapi-subset.json'), 'utf8')) as OpenAPIDoc;

export const definitions = doc.definitions;

const byGVK = new Map<string, string>();
for (const [name, def] of Object.entries(doc.definitions)) {
  const gvks = def['x-kubernetes-group-version-kind'] as Array<{ group: string; version: string; kind: string }> | undefined;
  for (const g of gvks ?? []) byGVK.set(`${g.group}/${g.version}/${g.kind}`, name);
}

export function schemaForKind(group: string, version: string, kind: string): Schema | undefined {
  const name = byGVK.get(`${group}/${version}/${kind}`);
  return name ? doc.definitions[name] : undefined;
}

export function resolve(s: Schema | undefined): Schema | undefined {
  let cur = s;
  for (let i = 0; cur && cur.$ref && i < 20; i++) {
    cur = doc.definitions[cur.$ref.replace('#/definitions/', '')];
  }
  return cur;
}

export type Shape =
  | { t: 'struct'; props: Record<string, Schema>; atomic: boolean }
  | { t: 'map'; value: Schema; atomic: boolean }
  | { t: 'list'; items: Schema; listType: 'atomic' | 'set' | 'map'; keys: string[] }
  | { t: 'scalar'; type: string; format?: string }
  | { t: 'any' };

export function shapeOf(s0: Schema | undefined): Shape {
  const s = resolve(s0);
  if (!s) return { t: 'any' };
  if (s.type === 'array' && s.items) {
    const lt = s['x-kubernetes-list-type'] as string | undefined;
    const keys = (s['x-kubernetes-list-map-keys'] as string[] | undefined)
      ?? (s['x-kubernetes-patch-merge-key'] ? [s['x-kubernetes-patch-merge-key'] as string] : []);
    if (lt === 'map' || (!lt && keys.length > 0 && String(s['x-kubernetes-patch-strategy'] ?? '').includes('merge'))) {
      return { t: 'list', items: s.items, listType: 'map', keys };
    }
    if (lt === 'set') return { t: 'list', items: s.items, listType: 'set', keys: [] };
    return { t: 'list', items: s.items, listType: 'atomic', keys: [] };
  }
  if (s.properties) return { t: 'struct', props: s.properties, atomic: s['x-kubernetes-map-type'] === 'atomic' };
  if (s.additionalProperties && typeof s.additionalProperties === 'object') {
    return { t: 'map', value: s.additionalProperties, atomic: s['x-kubernetes-map-type'] === 'atomic' };
  }
  if (s.type === 'object') return { t: 'any' };
  return { t: 'scalar', type: s.type ?? 'string', format: s.format };
}

/** A shape whose value is owned and replaced as a whole by server-side apply. */
export function isAtomic(sh: Shape): boolean {
  return sh.t === 'scalar' || sh.t === 'any' || (sh.t === 'list' && sh.listType === 'atomic') || ((sh.t === 'struct' || sh.t === 'map') && sh.atomic);
}

export function childSchema(sh: Shape, key: string): Schema | undefined {
  if (sh.t === 'struct') return sh.props[key];
  if (sh.t === 'map') return sh.value;
  return undefined;
}

/** Defaults the real schema declares for list-map keys (ports' protocol). */
export function defaultKeyValue(itemSchema: Schema, key: string): unknown {
  const s = resolve(itemSchema);
  const p = resolve(s?.properties?.[key]);
  if (p && 'default' in p) return p.default;
  if (key === 'protocol') return 'TCP';
  return undefined;
}

export interface FieldProblem { path: string; strictPath: string; message: string }

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'number') return 'numeric';
  return typeof v;
}

/**
 * Unknown and mistyped fields, in two spellings: structured-merge-diff's (`.spec.foo: field not declared in schema`,
 * `.spec.template.spec.containers[name="web"].bad`) and the strict JSON decoder's (`spec.foo`, `containers[0].bad`).
 */
export function findFieldProblems(obj: unknown, schema: Schema | undefined): FieldProblem[] {
  const out: FieldProblem[] = [];
  walk(obj, schema, '', '', out);
  return out;
}

function walk(v: unknown, schema: Schema | undefined, path: string, strictPath: string, out: FieldProblem[]): void {
  const sh = shapeOf(schema);
  if (v === null || v === undefined) return;
  switch (sh.t) {
    case 'any': return;
    case 'scalar': {
      const ok = sh.format === 'int-or-string' ? (typeof v === 'string' || typeof v === 'number')
        : sh.type === 'integer' ? (typeof v === 'number' && Number.isInteger(v))
          : sh.type === 'number' ? typeof v === 'number'
            : sh.type === 'boolean' ? typeof v === 'boolean'
              : typeof v === 'string';
      if (!ok) {
        const expected = sh.type === 'integer' || sh.type === 'number' ? 'numeric (int or float)' : sh.type === 'boolean' ? 'boolean' : 'string';
        out.push({ path, strictPath, message: `expected ${expected}, got ${typeName(v)}` });
      }
      return;
    }
    case 'struct': {
      if (typeof v !== 'object' || Array.isArray(v)) { out.push({ path, strictPath, message: `expected map, got ${typeName(v)}` }); return; }
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
        const cs = sh.props[k];
        const p = `${path}.${k}`;
        const sp = strictPath ? `${strictPath}.${k}` : k;
        if (!cs) { out.push({ path: p, strictPath: sp, message: 'field not declared in schema' }); continue; }
        walk(child, cs, p, sp, out);
      }
      return;
    }
    case 'map': {
      if (typeof v !== 'object' || Array.isArray(v)) { out.push({ path, strictPath, message: `expected map, got ${typeName(v)}` }); return; }
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) walk(child, sh.value, `${path}.${k}`, strictPath ? `${strictPath}.${k}` : k, out);
      return;
    }
    case 'list': {
      if (!Array.isArray(v)) { out.push({ path, strictPath, message: `expected list, got ${typeName(v)}` }); return; }
      v.forEach((item, i) => {
        let seg = `[${i}]`;
        if (sh.listType === 'map' && item && typeof item === 'object') {
          const parts = sh.keys.filter((k) => (item as Record<string, unknown>)[k] !== undefined)
            .map((k) => `${k}=${JSON.stringify((item as Record<string, unknown>)[k])}`);
          if (parts.length) seg = `[${parts.join(',')}]`;
        } else if (sh.listType === 'set') seg = `[=${JSON.stringify(item)}]`;
        walk(item, sh.items, `${path}${seg}`, `${strictPath}[${i}]`, out);
      });
      return;
    }
  }
}

// ---- serving -----------------------------------------------------------------------------------------------------

export function openapiV2(): unknown {
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths: doc.paths,
    definitions: doc.definitions,
  };
}

function gvOfPath(p: string): string | undefined {
  const m = /^\/(api\/v1|apis\/[^/]+\/[^/]+)\//.exec(p);
  return m?.[1];
}

function rewriteRefs(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(rewriteRefs);
  if (x && typeof x === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) {
      o[k] = k === '$ref' && typeof v === 'string' ? v.replace('#/definitions/', '#/components/schemas/') : rewriteRefs(v);
    }
    return o;
  }
  return x;
}

function v3Param(p: Record<string, unknown>): Record<string, unknown> {
  const { type, uniqueItems, ...rest } = p;
  const out: Record<string, unknown> = { ...rest, schema: { type: type ?? 'string', uniqueItems } };
  if (uniqueItems === undefined) delete (out.schema as Record<string, unknown>).uniqueItems;
  return out;
}

function v3Operation(op: Record<string, unknown>): Record<string, unknown> {
  const params = (op.parameters as Array<Record<string, unknown>> | undefined) ?? [];
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(op)) {
    if (k === 'parameters' || k === 'consumes' || k === 'produces' || k === 'responses') continue;
    out[k] = v;
  }
  const body = params.find((p) => p.in === 'body');
  out.parameters = params.filter((p) => p.in !== 'body').map(v3Param);
  const consumes = (op.consumes as string[] | undefined) ?? ['*/*'];
  if (body) {
    out.requestBody = { content: Object.fromEntries(consumes.map((c) => [c, { schema: rewriteRefs(body.schema) }])), required: !!body.required };
  }
  const produces = (op.produces as string[] | undefined) ?? ['application/json'];
  const responses: Record<string, unknown> = {};
  for (const [code, r] of Object.entries((op.responses as Record<string, Record<string, unknown>>) ?? {})) {
    responses[code] = { description: 'OK', content: Object.fromEntries(produces.map((c) => [c, { schema: rewriteRefs(r.schema) }])) };
  }
  out.responses = responses;
  return out;
}

const v3Docs = new Map<string, string>();
for (const [p, item] of Object.entries(doc.paths)) {
  const gv = gvOfPath(p);
  if (!gv) continue;
  const entry: Record<string, unknown> = {};
  for (const [method, op] of Object.entries(item)) {
    if (method === 'parameters') entry.parameters = (op as Array<Record<string, unknown>>).map(v3Param);
    else entry[method] = v3Operation(op as Record<string, unknown>);
  }
  const existing = v3Docs.get(gv);
  const d = existing ? JSON.parse(existing) as { paths: Record<string, unknown> } : { paths: {} };
  d.paths[p] = entry;
  v3Docs.set(gv, JSON.stringify(d));
}
const schemasV3 = rewriteRefs(doc.definitions);
const v3Final = new Map<string, { body: string; hash: string }>();
for (const [gv, text] of v3Docs) {
  const d = JSON.parse(text) as { paths: unknown };
  const body = JSON.stringify({
    openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: d.paths, components: { schemas: schemasV3 },
  });
  v3Final.set(gv, { body, hash: createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase() });
}

export function openapiV3Index(): unknown {
  const paths: Record<string, unknown> = {};
  for (const [gv, d] of v3Final) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${d.hash}` };
  return { paths };
}

export function openapiV3Doc(gv: string): string | undefined {
  return v3Final.get(gv)?.body;
}
