/** Label selectors (=, ==, !=, in, notin, exists, !key) and field selectors, with the real server's supported fields. */
import { badRequest } from './errors.js';
import type { ResourceType } from './resources.js';
import type { KObj } from './store.js';

export interface LabelReq { key: string; op: 'eq' | 'neq' | 'in' | 'notin' | 'exists' | 'notexists'; values: string[] }
export interface FieldReq { key: string; op: '=' | '!='; value: string }
export interface Selectors { labels: LabelReq[]; fields: FieldReq[] }

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { out.push(cur); cur = ''; continue; }
    cur += ch;
  }
  if (cur.trim()) out.push(cur);
  return out.map((x) => x.trim()).filter(Boolean);
}

export function parseLabelSelector(s: string): LabelReq[] {
  const out: LabelReq[] = [];
  for (const part of splitTopLevel(s)) {
    let m: RegExpExecArray | null;
    if ((m = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part))) {
      out.push({ key: m[1] as string, op: m[2] as 'in' | 'notin', values: (m[3] as string).split(',').map((v) => v.trim()).filter((v) => v !== '') });
    } else if ((m = /^([^\s!=]+)\s*!=\s*(\S*)$/.exec(part))) {
      out.push({ key: m[1] as string, op: 'neq', values: [m[2] as string] });
    } else if ((m = /^([^\s!=]+)\s*==?\s*(\S*)$/.exec(part))) {
      out.push({ key: m[1] as string, op: 'eq', values: [m[2] as string] });
    } else if ((m = /^!\s*([^\s!=]+)$/.exec(part))) {
      out.push({ key: m[1] as string, op: 'notexists', values: [] });
    } else if ((m = /^([^\s!=(),]+)$/.exec(part))) {
      out.push({ key: m[1] as string, op: 'exists', values: [] });
    } else {
      throw badRequest(`unable to parse requirement: found '${part}', expected: identifier`);
    }
  }
  return out;
}

const FIELDS: Record<string, string[]> = {
  Pod: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  Event: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  Secret: ['type'],
  Namespace: ['status.phase'],
  ReplicaSet: ['status.replicas'],
  Job: ['status.successful'],
  Node: ['spec.unschedulable'],
};

export function parseFieldSelector(r: ResourceType, s: string): FieldReq[] {
  const out: FieldReq[] = [];
  for (const part of splitTopLevel(s)) {
    const m = /^([^!=]+?)\s*(!=|==|=)\s*(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${s}'; can't understand '${part}'`);
    const key = (m[1] as string).trim();
    const allowed = ['metadata.name', 'metadata.namespace', ...(FIELDS[r.kind] ?? [])];
    if (!allowed.includes(key)) {
      throw badRequest(`field label not supported: ${key}`);
    }
    out.push({ key, op: m[2] === '!=' ? '!=' : '=', value: (m[3] as string).trim() });
  }
  return out;
}

function fieldValue(o: KObj, key: string): string {
  if (key === 'source') return String(((o.source ?? {}) as Record<string, unknown>).component ?? '');
  let cur: unknown = o;
  for (const p of key.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur === undefined || cur === null ? '' : String(cur);
}

export function matchesSelectors(o: KObj, sel: Selectors): boolean {
  const labels = (o.metadata.labels ?? {}) as Record<string, string>;
  for (const l of sel.labels) {
    const has = Object.prototype.hasOwnProperty.call(labels, l.key);
    const v = labels[l.key];
    switch (l.op) {
      case 'eq': if (!has || v !== l.values[0]) return false; break;
      case 'neq': if (has && v === l.values[0]) return false; break;
      case 'in': if (!has || !l.values.includes(v as string)) return false; break;
      case 'notin': if (has && l.values.includes(v as string)) return false; break;
      case 'exists': if (!has) return false; break;
      case 'notexists': if (has) return false; break;
    }
  }
  for (const f of sel.fields) {
    const v = fieldValue(o, f.key);
    if (f.op === '=' && v !== f.value) return false;
    if (f.op === '!=' && v === f.value) return false;
  }
  return true;
}
