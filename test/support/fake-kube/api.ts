/**
 * The verbs of the fake Kubernetes API server with the real server's semantics: create, get, list, update, patch
 * (JSON, merge, strategic merge, server-side apply), delete with garbage collection by ownerReferences, dry run,
 * field validation, defaulting, managedFields and generation. The HTTP layer and the controllers both go through it.
 */
import { randomUUID, randomBytes } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { type ResourceType, RESOURCES, apiVersionOf, findByKind } from './resources.js';
import { ObjectStore, clone, type KObj } from './store.js';
import { KubeError, alreadyExists, badRequest, conflictRV, namespaceNotFound, notFound, unsupportedMediaType } from './errors.js';
import { schemaForKind, findFieldProblems, type Schema } from './openapi.js';
import { serverSideApply, recordUpdate, conflictMessage, deepEqual, nowRFC3339, trackedPart, fieldPaths, getAt } from './fields.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import { applyDefaults, validateObject } from './validation.js';

type Rec = Record<string, unknown>;

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  /** Strict | Warn | Ignore; the server's default is Warn */
  fieldValidation?: string;
  force?: boolean;
  subresource?: string;
  userAgent?: string;
}

export interface WriteResult { object: KObj; created: boolean; warnings: string[] }

export function schemaOf(r: ResourceType): Schema | undefined {
  return schemaForKind(r.group, r.version, r.kind);
}

function managerFrom(o: WriteOptions): string {
  if (o.fieldManager) return o.fieldManager;
  const ua = o.userAgent ?? '';
  const prefix = ua.split('/')[0] ?? '';
  return prefix.slice(0, 128);
}

function randomSuffix(n = 5): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const bytes = randomBytes(n);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

export { randomSuffix };

export class KubeApi {
  readonly store = new ObjectStore();
  /** called after any stored change; controllers hook in here */
  constructor(readonly caPem = '') {
    const now = nowRFC3339();
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      this.store.put(this.res('Namespace'), {
        apiVersion: 'v1', kind: 'Namespace',
        metadata: { name: ns, uid: randomUUID(), creationTimestamp: now, labels: { 'kubernetes.io/metadata.name': ns } },
        spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' },
      }, 'ADDED');
    }
    this.store.put(this.res('Node'), {
      apiVersion: 'v1', kind: 'Node',
      metadata: {
        name: 'fake-node-1', uid: randomUUID(), creationTimestamp: now,
        labels: { 'kubernetes.io/hostname': 'fake-node-1', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'node-role.kubernetes.io/control-plane': '' },
      },
      spec: {},
      status: {
        capacity: { cpu: '2', memory: '4Gi', pods: '110' }, allocatable: { cpu: '2', memory: '4Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }],
        addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: 'fake-node-1' }],
        nodeInfo: { kubeletVersion: 'v1.32.0', containerRuntimeVersion: 'fake://1.0', operatingSystem: 'linux', architecture: 'amd64', osImage: 'fake-kube', kernelVersion: '6.1.0', kubeProxyVersion: '', machineID: '', systemUUID: '', bootID: '' },
      },
    }, 'ADDED');
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      this.store.put(this.res('ServiceAccount'), {
        apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns, uid: randomUUID(), creationTimestamp: now },
      }, 'ADDED');
    }
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) this.rootCA(ns);
    this.store.put(this.res('Service'), {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', uid: randomUUID(), creationTimestamp: now, labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], type: 'ClusterIP', sessionAffinity: 'None', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster' },
      status: { loadBalancer: {} },
    }, 'ADDED');
  }

  /** the root-ca-cert-publisher's ConfigMap, present in every namespace of a real cluster */
  rootCA(ns: string, caPem = ''): void {
    const r = this.res('ConfigMap');
    if (this.store.get(r, ns, 'kube-root-ca.crt')) return;
    this.store.put(r, {
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { name: 'kube-root-ca.crt', namespace: ns, uid: randomUUID(), creationTimestamp: nowRFC3339(), annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
      data: { 'ca.crt': caPem || this.caPem },
    }, 'ADDED');
  }

  res(kind: string): ResourceType {
    const r = findByKind(kind);
    if (!r) throw new Error(`fake-kube: unknown kind ${kind}`);
    return r;
  }

  get(r: ResourceType, ns: string, name: string): KObj {
    const o = this.store.get(r, ns, name);
    if (!o) throw notFound(r, name);
    return o;
  }

  private requireNamespace(r: ResourceType, ns: string): void {
    if (!r.namespaced) return;
    const n = this.store.get(this.res('Namespace'), '', ns);
    if (!n) throw namespaceNotFound(ns);
  }

  private checkIdentity(r: ResourceType, ns: string, obj: Rec, name: string | undefined): void {
    const av = obj.apiVersion;
    const kind = obj.kind;
    if (kind !== undefined && kind !== r.kind) {
      throw badRequest(`the server rejected our request because the kind in the body (${String(kind)}) does not match the kind of the URL (${r.kind})`);
    }
    if (av !== undefined && av !== apiVersionOf(r)) {
      throw badRequest(`the API version in the data (${String(av)}) does not match the expected API version (${apiVersionOf(r)})`);
    }
    const m = (obj.metadata ?? {}) as Rec;
    if (r.namespaced && m.namespace !== undefined && m.namespace !== '' && m.namespace !== ns) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (name !== undefined && m.name !== undefined && m.name !== name) {
      throw badRequest('the name of the object (' + String(m.name) + ') does not match the name on the URL (' + name + ')');
    }
  }

  /** Unknown/mistyped fields per fieldValidation: Strict → 400, Warn → dropped with a warning, Ignore → dropped. */
  private fieldCheck(r: ResourceType, obj: Rec, o: WriteOptions, warnings: string[]): Rec {
    const problems = findFieldProblems(obj, schemaOf(r));
    if (problems.length === 0) return obj;
    const unknown = problems.filter((p) => p.message === 'field not declared in schema');
    const typeErrs = problems.filter((p) => p.message !== 'field not declared in schema');
    if (typeErrs.length) {
      const p = typeErrs[0] as (typeof typeErrs)[0];
      throw badRequest(`${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: json: cannot unmarshal into Go struct field ${p.strictPath}: ${p.message}`);
    }
    const mode = o.fieldValidation ?? 'Warn';
    if (mode === 'Strict') {
      const list = unknown.map((p) => `unknown field "${p.strictPath}"`);
      throw badRequest(`${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: strict decoding error: ${list.join(', ')}`);
    }
    if (mode === 'Warn') for (const p of unknown) warnings.push(`unknown field "${p.strictPath}"`);
    const out = clone(obj);
    for (const p of unknown) dropPath(out, p.strictPath);
    return out;
  }

  create(r: ResourceType, ns: string, body: Rec, o: WriteOptions = {}): WriteResult {
    const warnings: string[] = [];
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Object \'Kind\' is missing in \'null\'');
    this.checkIdentity(r, ns, body, undefined);
    const checked = this.fieldCheck(r, body, o, warnings);
    const obj = clone(checked) as KObj;
    obj.apiVersion = apiVersionOf(r);
    obj.kind = r.kind;
    obj.metadata = (obj.metadata ?? {}) as Rec;
    const m = obj.metadata;
    if (!m.name && typeof m.generateName === 'string') m.name = `${m.generateName}${randomSuffix()}`;
    if (r.namespaced) m.namespace = ns; else delete m.namespace;
    if (m.name && this.store.get(r, ns, String(m.name))) throw alreadyExists(r, String(m.name));
    if (r.kind !== 'Namespace') this.requireNamespace(r, ns);
    return this.finishCreate(r, obj, o, warnings, (x) => recordUpdate(undefined, x, { manager: managerFrom(o), schema: schemaOf(r), apiVersion: apiVersionOf(r) }));
  }

  private finishCreate(r: ResourceType, obj: KObj, o: WriteOptions, warnings: string[], fields: (o: KObj) => void): WriteResult {
    const m = obj.metadata;
    m.uid = randomUUID();
    m.creationTimestamp = nowRFC3339();
    delete m.resourceVersion; delete m.deletionTimestamp; delete m.selfLink;
    if (r.generation) m.generation = 1; else delete m.generation;
    if (r.hasStatus && r.kind !== 'Pod' && r.kind !== 'Event' && !o.subresource) delete obj.status;
    if (r.kind === 'Pod') obj.status = { phase: 'Pending', qosClass: 'BestEffort' };
    applyDefaults(r, obj, undefined, !!o.dryRun);
    validateObject(r, obj, undefined);
    fields(obj);
    orderKeys(obj);
    if (o.dryRun) return { object: obj, created: true, warnings };
    return { object: this.store.put(r, obj, 'ADDED'), created: true, warnings };
  }

  update(r: ResourceType, ns: string, name: string, body: Rec, o: WriteOptions = {}): WriteResult {
    const warnings: string[] = [];
    if (!body || typeof body !== 'object') throw badRequest('Object \'Kind\' is missing in \'null\'');
    this.checkIdentity(r, ns, body, name);
    const old = this.get(r, ns, name);
    const bm = (body.metadata ?? {}) as Rec;
    if (bm.resourceVersion !== undefined && bm.resourceVersion !== '' && bm.resourceVersion !== old.metadata.resourceVersion) throw conflictRV(r, name);
    if (bm.uid !== undefined && bm.uid !== old.metadata.uid) {
      throw new KubeError(409, 'Conflict', `Operation cannot be fulfilled on ${r.group ? `${r.plural}.${r.group}` : r.plural} "${name}": Precondition failed: UID in precondition: ${String(bm.uid)}, UID in object meta: ${String(old.metadata.uid)}`);
    }
    const checked = this.fieldCheck(r, body, o, warnings);
    return this.writeUpdate(r, old, checked as KObj, o, warnings, (prev, next) => recordUpdate(prev, next, { manager: managerFrom(o), schema: schemaOf(r), apiVersion: apiVersionOf(r), subresource: o.subresource }));
  }

  private writeUpdate(r: ResourceType, old: KObj, incoming: KObj, o: WriteOptions, warnings: string[], fields: (prev: KObj, next: KObj) => void): WriteResult {
    const next = clone(incoming);
    next.apiVersion = apiVersionOf(r);
    next.kind = r.kind;
    next.metadata = (next.metadata ?? {}) as Rec;
    const m = next.metadata;
    for (const k of ['uid', 'creationTimestamp', 'generation', 'deletionTimestamp', 'namespace', 'name']) {
      if (old.metadata[k] !== undefined) m[k] = old.metadata[k]; else delete m[k];
    }
    m.resourceVersion = old.metadata.resourceVersion;
    if (o.subresource === 'status') {
      // only status changes through the status subresource
      const keepStatus = next.status;
      for (const k of Object.keys(next)) if (k !== 'metadata' && k !== 'status') delete next[k];
      for (const [k, v] of Object.entries(old)) if (k !== 'metadata' && k !== 'status') next[k] = clone(v);
      next.metadata = { ...clone(old.metadata), managedFields: m.managedFields ?? old.metadata.managedFields };
      if (keepStatus === undefined) delete next.status; else next.status = keepStatus;
    } else if (r.hasStatus) {
      if (old.status === undefined) delete next.status; else next.status = clone(old.status);
    }
    if (!Array.isArray(next.metadata.managedFields)) next.metadata.managedFields = clone(old.metadata.managedFields);
    applyDefaults(r, next, old, !!o.dryRun);
    validateObject(r, next, old);
    if (r.generation && specChanged(old, next)) next.metadata.generation = Number(old.metadata.generation ?? 1) + 1;
    fields(old, next);
    orderKeys(next);
    if (deepEqual(stripVolatile(old), stripVolatile(next))) {
      // a no-op write stores nothing and keeps the resourceVersion
      return { object: old, created: false, warnings };
    }
    if (o.dryRun) return { object: next, created: false, warnings };
    return { object: this.store.put(r, next, 'MODIFIED'), created: false, warnings };
  }

  patch(r: ResourceType, ns: string, name: string, contentType: string, raw: string, o: WriteOptions = {}): WriteResult {
    const ct = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (ct === 'application/apply-patch+yaml') return this.apply(r, ns, name, raw, o);
    const parse = (): unknown => {
      try { return JSON.parse(raw); } catch (e) { throw badRequest(`error decoding patch: ${(e as Error).message}`); }
    };
    let patchFn: (old: KObj) => unknown;
    if (ct === 'application/json-patch+json') patchFn = (old) => jsonPatch(old, parse());
    else if (ct === 'application/merge-patch+json') patchFn = (old) => mergePatch(old, parse());
    else if (ct === 'application/strategic-merge-patch+json') patchFn = (old) => strategicMergePatch(old, parse(), schemaOf(r));
    else throw new KubeError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
    const old = this.get(r, ns, name);
    const patched = patchFn(clone(old)) as KObj;
    if (!patched || typeof patched !== 'object') throw badRequest('the patch produced an invalid object');
    this.checkIdentity(r, ns, patched, name);
    const pm = (patched.metadata ?? {}) as Rec;
    if (pm.resourceVersion !== undefined && pm.resourceVersion !== old.metadata.resourceVersion) throw conflictRV(r, name);
    const warnings: string[] = [];
    const checked = this.fieldCheck(r, patched, o, warnings) as KObj;
    return this.writeUpdate(r, old, checked, o, warnings, (prev, next) => recordUpdate(prev, next, { manager: managerFrom(o), schema: schemaOf(r), apiVersion: apiVersionOf(r), subresource: o.subresource }));
  }

  apply(r: ResourceType, ns: string, name: string, raw: string, o: WriteOptions): WriteResult {
    if (!o.fieldManager) throw badRequest('PATCH requests with apply content type require a fieldManager');
    let cfg: unknown;
    try { cfg = parseYaml(raw); } catch (e) { throw badRequest(`error decoding YAML: ${(e as Error).message}`); }
    if (!cfg || typeof cfg !== 'object' || Array.isArray(cfg)) throw badRequest('error decoding YAML: the body is not an object');
    const applied = cfg as KObj;
    const m = (applied.metadata ?? {}) as Rec;
    const gvk = `${r.group}/${r.version}, Kind=${r.kind}`; // Go's GroupVersionKind.String(): "/v1, Kind=ConfigMap" for core
    const gvkNN = `${r.namespaced ? ns : ''}/${name}; ${gvk}`;
    if (applied.apiVersion === undefined || applied.kind === undefined) {
      throw badRequest(`${applied.apiVersion === undefined ? 'apiVersion' : 'kind'} must be set`);
    }
    this.checkIdentity(r, ns, applied, name);
    if (m.name === undefined) throw badRequest('metadata.name must be set');
    const problems = findFieldProblems(applied, schemaOf(r));
    if (problems.length) {
      const p = problems[0] as (typeof problems)[0];
      throw badRequest(`failed to create typed patch object (${gvkNN}): ${p.path}: ${p.message}`);
    }
    if (m.managedFields !== undefined) throw badRequest('metadata.managedFields must be nil');
    const live = this.store.get(r, ns, name);
    if (!live && r.kind !== 'Namespace') this.requireNamespace(r, ns);
    if (m.resourceVersion !== undefined && m.resourceVersion !== '' && m.resourceVersion !== live?.metadata.resourceVersion) {
      // a resourceVersion in the applied configuration is an optimistic-concurrency precondition
      throw live ? conflictRV(r, name) : notFound(r, name);
    }
    if (m.uid !== undefined && m.uid !== '' && live && m.uid !== live.metadata.uid) {
      throw new KubeError(409, 'Conflict', `Operation cannot be fulfilled on ${r.group ? `${r.plural}.${r.group}` : r.plural} "${name}": Precondition failed: UID in precondition: ${String(m.uid)}, UID in object meta: ${String(live.metadata.uid)}`);
    }
    const sopts = { manager: o.fieldManager, force: !!o.force, schema: schemaOf(r), apiVersion: apiVersionOf(r), subresource: o.subresource };
    let result = serverSideApply(live, applied, sopts);
    let forced = !!o.force;
    if (result.conflicts.length && !forced && live && o.fieldManager === 'kubectl' && conflictsAllowedByLastApplied(live, result.conflicts.map((c) => c.path), schemaOf(r))) {
      // kube-apiserver's lastAppliedManager: `kubectl apply --server-side` takes over fields that client-side
      // apply (the last-applied-configuration annotation) still holds with the same values, without conflicts
      result = serverSideApply(live, applied, { ...sopts, force: true });
      forced = true;
    }
    if (result.conflicts.length && !forced) {
      throw new KubeError(409, 'Conflict', conflictMessage(result.conflicts), {
        causes: result.conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${JSON.stringify(c.manager.manager)}${c.manager.operation === 'Update' ? ` using ${c.manager.apiVersion}` : ''}`, field: fieldPathOf(c.path) })),
      });
    }
    const obj = result.object;
    const warnings: string[] = [];
    if (!live) {
      obj.metadata.name = name;
      if (r.namespaced) obj.metadata.namespace = ns; else delete obj.metadata.namespace;
      const mf = obj.metadata.managedFields;
      return this.finishCreate(r, obj, o, warnings, (x) => { x.metadata.managedFields = mf; });
    }
    return this.writeUpdate(r, live, obj, o, warnings, () => undefined);
  }

  /** Deletes with garbage collection of dependents (ownerReferences), per propagationPolicy. */
  delete(r: ResourceType, ns: string, name: string, o: { dryRun?: boolean; propagationPolicy?: string; preconditions?: Rec; gracePeriodSeconds?: number } = {}): KObj {
    const old = this.get(r, ns, name);
    const pre = o.preconditions ?? {};
    if (pre.uid !== undefined && pre.uid !== old.metadata.uid) {
      throw new KubeError(409, 'Conflict', `Operation cannot be fulfilled on ${r.group ? `${r.plural}.${r.group}` : r.plural} "${name}": Precondition failed: UID in precondition: ${String(pre.uid)}, UID in object meta: ${String(old.metadata.uid)}`);
    }
    if (pre.resourceVersion !== undefined && pre.resourceVersion !== old.metadata.resourceVersion) throw conflictRV(r, name);
    if (o.dryRun) return old;
    const policy = o.propagationPolicy ?? 'Background';
    if (r.kind === 'Pod' && o.gracePeriodSeconds !== 0) {
      // graceful deletion: Terminating (deletionTimestamp, grace period) first; the fake kubelet stops at once and
      // the pod is gone ~200 ms later, whatever the grace period
      if (old.metadata.deletionTimestamp) return old;
      const grace = o.gracePeriodSeconds ?? Number((old.spec as Rec | undefined)?.terminationGracePeriodSeconds ?? 30);
      const terminating = clone(old);
      terminating.metadata.deletionTimestamp = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      terminating.metadata.deletionGracePeriodSeconds = grace;
      const stored = this.store.put(r, terminating, 'MODIFIED');
      setTimeout(() => { this.store.remove(r, ns, name); }, 200);
      return stored;
    }
    if (r.kind === 'Namespace') {
      const terminating = clone(old);
      terminating.metadata.deletionTimestamp = nowRFC3339();
      terminating.status = { phase: 'Terminating' };
      const stored = this.store.put(r, terminating, 'MODIFIED');
      setTimeout(() => {
        for (const rr of RESOURCES) {
          if (!rr.namespaced) continue;
          for (const x of this.store.list(rr, name)) this.store.remove(rr, name, String(x.metadata.name));
        }
        this.store.remove(r, '', name);
      }, 50);
      return stored;
    }
    const uid = String(old.metadata.uid);
    const dependents = () => {
      const out: Array<{ r: ResourceType; o: KObj }> = [];
      for (const rr of RESOURCES) {
        for (const x of this.store.list(rr, r.namespaced ? ns : undefined)) {
          const refs = (x.metadata.ownerReferences ?? []) as Array<{ uid: string }>;
          if (refs.some((ref) => ref.uid === uid)) out.push({ r: rr, o: x });
        }
      }
      return out;
    };
    if (policy === 'Orphan') {
      for (const d of dependents()) {
        const c = clone(d.o);
        c.metadata.ownerReferences = ((c.metadata.ownerReferences ?? []) as Array<{ uid: string }>).filter((ref) => ref.uid !== uid);
        if ((c.metadata.ownerReferences as unknown[]).length === 0) delete c.metadata.ownerReferences;
        this.store.put(d.r, c, 'MODIFIED');
      }
      return this.store.remove(r, ns, name) ?? old;
    }
    if (policy === 'Foreground') {
      const marked = clone(old);
      marked.metadata.deletionTimestamp = nowRFC3339();
      marked.metadata.finalizers = [...((marked.metadata.finalizers ?? []) as string[]), 'foregroundDeletion'];
      const stored = this.store.put(r, marked, 'MODIFIED');
      setTimeout(() => {
        for (const d of dependents()) this.safeDelete(d.r, String(d.o.metadata.namespace ?? ''), String(d.o.metadata.name), 'Foreground');
        this.store.remove(r, ns, name);
      }, 20);
      return stored;
    }
    const gone = this.store.remove(r, ns, name) ?? old;
    setTimeout(() => {
      for (const d of dependents()) this.safeDelete(d.r, String(d.o.metadata.namespace ?? ''), String(d.o.metadata.name), 'Background');
    }, 20);
    return gone;
  }

  private safeDelete(r: ResourceType, ns: string, name: string, policy: string): void {
    try { this.delete(r, ns, name, { propagationPolicy: policy }); } catch { /* already gone */ }
  }

  // ---- for controllers: writes that skip validation of the caller's intent but keep resourceVersion/history ----

  internalCreate(r: ResourceType, obj: KObj, manager = 'kube-controller-manager'): KObj {
    return this.create(r, String(obj.metadata.namespace ?? ''), obj, { fieldManager: manager }).object;
  }

  internalStatus(r: ResourceType, ns: string, name: string, status: unknown, manager = 'kube-controller-manager'): KObj | undefined {
    const cur = this.store.get(r, ns, name);
    if (!cur) return undefined;
    if (deepEqual(cur.status, status)) return cur;
    const next = clone(cur);
    next.status = clone(status);
    recordUpdate(cur, next, { manager, schema: schemaOf(r), apiVersion: apiVersionOf(r), subresource: 'status' });
    orderKeys(next);
    return this.store.put(r, next, 'MODIFIED');
  }

  internalUpdate(r: ResourceType, obj: KObj, manager = 'kube-controller-manager'): KObj | undefined {
    const ns = String(obj.metadata.namespace ?? '');
    const name = String(obj.metadata.name);
    const cur = this.store.get(r, ns, name);
    if (!cur) return undefined;
    const next = clone(obj);
    next.metadata.resourceVersion = cur.metadata.resourceVersion;
    if (r.generation && specChanged(cur, next)) next.metadata.generation = Number(cur.metadata.generation ?? 1) + 1;
    recordUpdate(cur, next, { manager, schema: schemaOf(r), apiVersion: apiVersionOf(r) });
    if (deepEqual(stripVolatile(cur), stripVolatile(next))) return cur;
    return this.store.put(r, next, 'MODIFIED');
  }
}

function conflictsAllowedByLastApplied(live: KObj, paths: string[][], schema: Schema | undefined): boolean {
  const ann = ((live.metadata.annotations ?? {}) as Rec)['kubectl.kubernetes.io/last-applied-configuration'];
  if (typeof ann !== 'string' || ann === '') return false;
  let last: Rec;
  try { last = JSON.parse(ann) as Rec; } catch { return false; }
  const lastT = trackedPart(last, undefined);
  const liveT = trackedPart(live, undefined);
  const allowed = new Set([...fieldPaths(lastT, schema, 'apply')].filter((p) => {
    const path = JSON.parse(p) as string[];
    return deepEqual(getAt(liveT, path, schema), getAt(lastT, path, schema));
  }));
  return paths.every((p) => allowed.has(JSON.stringify(p)));
}

function stripVolatile(o: KObj): unknown {
  const c = clone(o);
  delete c.metadata.resourceVersion;
  const mf = c.metadata.managedFields as Array<Rec> | undefined;
  if (mf) for (const e of mf) delete e.time;
  return c;
}

function specChanged(a: KObj, b: KObj): boolean {
  const strip = (o: KObj) => { const c = clone(o) as Rec; delete c.metadata; delete c.status; delete c.apiVersion; delete c.kind; return c; };
  return !deepEqual(strip(a), strip(b));
}

/** apiVersion, kind, metadata, spec, … , status — the order the real server serializes in */
function orderKeys(o: KObj): void {
  const entries = Object.entries(o);
  const rank = (k: string) => (k === 'apiVersion' ? 0 : k === 'kind' ? 1 : k === 'metadata' ? 2 : k === 'status' ? 9 : 5);
  entries.sort((a, b) => rank(a[0]) - rank(b[0]));
  for (const [k] of entries) delete o[k];
  for (const [k, v] of entries) o[k] = v;
}

function fieldPathOf(path: string[]): string {
  return path.filter((p) => p !== '.').map((el) => {
    if (el.startsWith('f:')) return `.${el.slice(2)}`;
    if (el.startsWith('k:')) return `[${Object.entries(JSON.parse(el.slice(2)) as Rec).map(([a, b]) => `${a}=${JSON.stringify(b)}`).join(',')}]`;
    return `[${el.slice(2)}]`;
  }).join('');
}

function dropPath(obj: Rec, strictPath: string): void {
  const parts = strictPath.match(/[^.[\]]+|\[\d+\]/g) ?? [];
  let cur: unknown = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i] as string;
    if (cur === null || typeof cur !== 'object') return;
    cur = p.startsWith('[') ? (cur as unknown[])[Number(p.slice(1, -1))] : (cur as Rec)[p];
  }
  const last = parts[parts.length - 1];
  if (cur && typeof cur === 'object' && last && !last.startsWith('[')) delete (cur as Rec)[last];
}

export { unsupportedMediaType };
