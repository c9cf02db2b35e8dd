/** Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`), which `kubectl get` asks for. */
import type { ResourceType } from './resources.js';
import type { KObj } from './store.js';

type Rec = Record<string, unknown>;

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept);
}

/** `Accept: application/json;as=PartialObjectMetadata(List);g=meta.k8s.io;v=v1` — the metadata-only views */
export function wantsMetadata(accept: string | undefined): boolean {
  return !!accept && /as=PartialObjectMetadata(List)?\b/.test(accept);
}

export function partial(o: KObj): Rec {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

function age(o: KObj): string {
  const t = Date.parse(String(o.metadata.creationTimestamp ?? ''));
  return Number.isNaN(t) ? '<unknown>' : humanDuration(Date.now() - t);
}

interface Col { name: string; type: string; format?: string; priority?: number }

function columnsFor(r: ResourceType): Col[] {
  const name: Col = { name: 'Name', type: 'string', format: 'name' };
  const ageCol: Col = { name: 'Age', type: 'string' };
  switch (r.kind) {
    case 'Pod': return [name, { name: 'Ready', type: 'string' }, { name: 'Status', type: 'string' }, { name: 'Restarts', type: 'string' }, ageCol, { name: 'IP', type: 'string', priority: 1 }, { name: 'Node', type: 'string', priority: 1 }];
    case 'Deployment': return [name, { name: 'Ready', type: 'string' }, { name: 'Up-to-date', type: 'integer' }, { name: 'Available', type: 'integer' }, ageCol];
    case 'ReplicaSet': return [name, { name: 'Desired', type: 'integer' }, { name: 'Current', type: 'integer' }, { name: 'Ready', type: 'integer' }, ageCol];
    case 'StatefulSet': return [name, { name: 'Ready', type: 'string' }, ageCol];
    case 'Service': return [name, { name: 'Type', type: 'string' }, { name: 'Cluster-IP', type: 'string' }, { name: 'External-IP', type: 'string' }, { name: 'Port(s)', type: 'string' }, ageCol];
    case 'Job': return [name, { name: 'Status', type: 'string' }, { name: 'Completions', type: 'string' }, ageCol];
    case 'Namespace': return [name, { name: 'Status', type: 'string' }, ageCol];
    case 'PersistentVolumeClaim': return [name, { name: 'Status', type: 'string' }, { name: 'Volume', type: 'string' }, { name: 'Capacity', type: 'string' }, { name: 'Access Modes', type: 'string' }, { name: 'StorageClass', type: 'string' }, ageCol];
    case 'ConfigMap': return [name, { name: 'Data', type: 'integer' }, ageCol];
    case 'Secret': return [name, { name: 'Type', type: 'string' }, { name: 'Data', type: 'integer' }, ageCol];
    case 'DaemonSet': return [name, { name: 'Desired', type: 'integer' }, { name: 'Current', type: 'integer' }, { name: 'Ready', type: 'integer' }, { name: 'Up-to-date', type: 'integer' }, { name: 'Available', type: 'integer' }, ageCol];
    case 'Event': return [{ name: 'Last Seen', type: 'string' }, { name: 'Type', type: 'string' }, { name: 'Reason', type: 'string' }, { name: 'Object', type: 'string' }, { name: 'Message', type: 'string' }];
    default: return [name, ageCol];
  }
}

export function podStatusReason(o: KObj): string {
  const st = (o.status ?? {}) as Rec;
  if (o.metadata.deletionTimestamp) return 'Terminating';
  let reason = String(st.phase ?? 'Pending');
  const conds = (st.conditions ?? []) as Rec[];
  if (conds.some((c) => c.type === 'PodScheduled' && c.status === 'False')) reason = 'Pending';
  for (const cs of (st.containerStatuses ?? []) as Rec[]) {
    const state = (cs.state ?? {}) as Rec;
    const w = state.waiting as Rec | undefined;
    const t = state.terminated as Rec | undefined;
    if (w?.reason && w.reason !== 'ContainerCreating') reason = String(w.reason);
    else if (w?.reason) reason = 'ContainerCreating';
    else if (t?.reason && reason !== 'Running') reason = String(t.reason);
  }
  return reason;
}

function cells(r: ResourceType, o: KObj): unknown[] {
  const name = o.metadata.name;
  const spec = (o.spec ?? {}) as Rec;
  const st = (o.status ?? {}) as Rec;
  switch (r.kind) {
    case 'Pod': {
      const css = (st.containerStatuses ?? []) as Rec[];
      const total = ((spec.containers ?? []) as unknown[]).length;
      const ready = css.filter((c) => c.ready).length;
      const restarts = css.reduce((n, c) => n + Number(c.restartCount ?? 0), 0);
      return [name, `${ready}/${total}`, podStatusReason(o), String(restarts), age(o), st.podIP ?? '<none>', spec.nodeName ?? '<none>'];
    }
    case 'Deployment': return [name, `${Number(st.readyReplicas ?? 0)}/${Number(spec.replicas ?? 0)}`, Number(st.updatedReplicas ?? 0), Number(st.availableReplicas ?? 0), age(o)];
    case 'ReplicaSet': return [name, Number(spec.replicas ?? 0), Number(st.replicas ?? 0), Number(st.readyReplicas ?? 0), age(o)];
    case 'StatefulSet': return [name, `${Number(st.readyReplicas ?? 0)}/${Number(spec.replicas ?? 0)}`, age(o)];
    case 'Service': {
      const ports = ((spec.ports ?? []) as Rec[]).map((p) => `${String(p.port)}${p.nodePort ? `:${String(p.nodePort)}` : ''}/${String(p.protocol ?? 'TCP')}`).join(',');
      return [name, spec.type ?? 'ClusterIP', spec.clusterIP ?? '<none>', '<none>', ports || '<none>', age(o)];
    }
    case 'Job': {
      const conds = (st.conditions ?? []) as Rec[];
      const status = conds.some((c) => c.type === 'Complete' && c.status === 'True') ? 'Complete' : conds.some((c) => c.type === 'Failed' && c.status === 'True') ? 'Failed' : 'Running';
      return [name, status, `${Number(st.succeeded ?? 0)}/${Number(spec.completions ?? 1)}`, age(o)];
    }
    case 'Namespace': return [name, st.phase ?? 'Active', age(o)];
    case 'PersistentVolumeClaim': {
      const modes = ((st.accessModes ?? spec.accessModes ?? []) as string[]).map((m) => ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' } as Rec)[m] ?? m).join(',');
      return [name, st.phase ?? 'Pending', spec.volumeName ?? '', ((st.capacity ?? {}) as Rec).storage ?? '', modes, spec.storageClassName ?? '<unset>', age(o)];
    }
    case 'ConfigMap': return [name, Object.keys((o.data ?? {}) as Rec).length + Object.keys((o.binaryData ?? {}) as Rec).length, age(o)];
    case 'Secret': return [name, o.type ?? 'Opaque', Object.keys((o.data ?? {}) as Rec).length, age(o)];
    case 'DaemonSet': return [name, Number(st.desiredNumberScheduled ?? 0), Number(st.currentNumberScheduled ?? 0), Number(st.numberReady ?? 0), Number(st.updatedNumberScheduled ?? 0), Number(st.numberAvailable ?? 0), age(o)];
    case 'Event': {
      const io = (o.involvedObject ?? {}) as Rec;
      return [age(o), o.type ?? 'Normal', o.reason ?? '', `${String(io.kind ?? '').toLowerCase()}/${String(io.name ?? '')}`, o.message ?? ''];
    }
    default: return [name, age(o)];
  }
}

export function toTable(r: ResourceType, objs: KObj[], rv: string, includeObject: string | undefined, withColumns = true): Rec {
  const rows = objs.map((o) => {
    const row: Rec = { cells: cells(r, o) };
    if (includeObject === 'Object') row.object = o;
    else if (includeObject !== 'None') row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
    return row;
  });
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: rv },
    columnDefinitions: withColumns ? columnsFor(r).map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.name, priority: c.priority ?? 0 })) : [],
    rows,
  };
}
