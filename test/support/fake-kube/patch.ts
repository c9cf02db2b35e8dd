/** JSON patch (RFC 6902), JSON merge patch (RFC 7386) and strategic merge patch (keyed lists per the schema). */
import { type Schema, resolve, shapeOf, childSchema } from './openapi.js';
import { clone } from './store.js';
import { deepEqual as deepEqualLoose } from './fields.js';
import { badRequest, KubeError } from './errors.js';

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return clone(patch);
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** How kube-apiserver answers a JSON patch that does not apply: 422 Invalid, the json-patch error as the cause. */
function patchFailed(message: string): KubeError {
  return new KubeError(422, 'Invalid', 'the server rejected our request due to an error in our request', { causes: [{ reason: 'UnexpectedServerResponse', message }] });
}

export function jsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let root = clone(doc);
  for (const raw of ops) {
    const op = raw as { op?: string; path?: string; value?: unknown; from?: string };
    const parse = (p: string | undefined) => {
      if (p === undefined) throw badRequest(`the server rejected our request due to an error in our request`);
      return p === '' ? [] : p.split('/').slice(1).map(unescape);
    };
    const get = (parts: string[]): unknown => {
      let cur: unknown = root;
      for (const seg of parts) {
        if (cur === null || typeof cur !== 'object') throw patchFailed(`${String(op.op)} operation does not apply: doc is missing path: "/${parts.join('/')}": missing value`);
        cur = Array.isArray(cur) ? cur[Number(seg)] : (cur as Record<string, unknown>)[seg];
      }
      return cur;
    };
    const parentOf = (parts: string[]) => {
      const parent = get(parts.slice(0, -1));
      if (parent === null || typeof parent !== 'object') {
        throw patchFailed(`${String(op.op)} operation does not apply: doc is missing path: "/${parts.join('/')}": missing value`);
      }
      return parent as Record<string, unknown> | unknown[];
    };
    const add = (parts: string[], value: unknown) => {
      if (parts.length === 0) { root = clone(value); return; }
      const parent = parentOf(parts);
      const last = parts[parts.length - 1] as string;
      if (Array.isArray(parent)) {
        const idx = last === '-' ? parent.length : Number(last);
        parent.splice(idx, 0, clone(value));
      } else parent[last] = clone(value);
    };
    const remove = (parts: string[]) => {
      const parent = parentOf(parts);
      const last = parts[parts.length - 1] as string;
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else {
        if (!(last in parent)) throw patchFailed(`${String(op.op)} operation does not apply: doc is missing key: /${parts.join('/')}: missing value`);
        delete parent[last];
      }
    };
    {
      switch (op.op) {
        case 'add': add(parse(op.path), op.value); break;
        case 'remove': remove(parse(op.path)); break;
        case 'replace': { const p = parse(op.path); if (p.length) remove(p); add(p, op.value); break; }
        case 'move': { const from = parse(op.from); const v = get(from); remove(from); add(parse(op.path), v); break; }
        case 'copy': add(parse(op.path), get(parse(op.from))); break;
        case 'test':
          if (!deepEqualLoose(get(parse(op.path)), op.value)) throw patchFailed(`testing value ${String(op.path)} failed: test failed`);
          break;
        default: throw badRequest(`Unexpected kind: ${String(op.op)}`);
      }
    }
  }
  return root;
}

export function strategicMergePatch(target: unknown, patch: unknown, schema: Schema | undefined): unknown {
  if (patch === null || typeof patch !== 'object') return clone(patch);
  const sh = shapeOf(schema);
  if (Array.isArray(patch)) {
    const s = resolve(schema);
    const strategy = String(s?.['x-kubernetes-patch-strategy'] ?? '');
    const key = s?.['x-kubernetes-patch-merge-key'] as string | undefined;
    if (!strategy.includes('merge') || !Array.isArray(target)) {
      return patch.filter((x) => !(x && typeof x === 'object' && (x as Record<string, unknown>).$patch === 'delete')).map(clone);
    }
    const out = clone(target) as unknown[];
    if (!key) {
      for (const x of patch) if (!out.some((y) => deepEqualLoose(x, y))) out.push(clone(x));
      return out;
    }
    const items = sh.t === 'list' ? sh.items : undefined;
    for (const x of patch) {
      const rec = x as Record<string, unknown>;
      if (rec && rec.$patch === 'replace') return patch.filter((y) => (y as Record<string, unknown>).$patch !== 'replace').map(clone);
      const idx = out.findIndex((y) => y && typeof y === 'object' && deepEqualLoose((y as Record<string, unknown>)[key], rec?.[key]));
      if (rec && rec.$patch === 'delete') { if (idx >= 0) out.splice(idx, 1); continue; }
      if (idx >= 0) out[idx] = strategicMergePatch(out[idx], x, items);
      else out.push(stripDirectives(x));
    }
    return out;
  }
  const p = patch as Record<string, unknown>;
  if (p.$patch === 'replace') return stripDirectives(p);
  if (p.$patch === 'delete') return undefined;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(p)) {
    if (k.startsWith('$setElementOrder/') || k === '$retainKeys' || k === '$patch') continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) out[field] = cur.filter((x) => !v.some((y) => deepEqualLoose(x, y)));
      continue;
    }
    if (v === null) { delete out[k]; continue; }
    const merged = strategicMergePatch(out[k], v, childSchema(sh, k));
    if (merged === undefined) delete out[k]; else out[k] = merged;
  }
  return out;
}

function stripDirectives(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(stripDirectives);
  if (x && typeof x === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) if (!k.startsWith('$')) o[k] = stripDirectives(v);
    return o;
  }
  return x;
}
