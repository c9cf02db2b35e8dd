/**
 * Stand-ins for kube-controller-manager, the scheduler and the kubelet, enough for rollouts to behave as on a real
 * cluster: Deployment → ReplicaSet (pod-template-hash) → Pods, StatefulSet (ordered pods), DaemonSet (one pod on
 * the fake node "fake-node-1"), Job → pod → Complete. Pods are scheduled, start and turn Ready a few hundred ms
 * later, with Events. Failures on demand (FakeKube.failNext) or by image name (`pull-fails`, `crash-loop`,
 * `unschedulable`): ErrImagePull/ImagePullBackOff, CrashLoopBackOff, Unschedulable, ProgressDeadlineExceeded.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { KubeApi } from './api.js';
import { randomSuffix } from './api.js';
import { clone, type KObj, type WatchEvent } from './store.js';
import { nowRFC3339, deepEqual } from './fields.js';
import type { LogStore } from './logs.js';
import { findByKind, type ResourceType } from './resources.js';

type Rec = Record<string, unknown>;
export type Failure = 'image-pull' | 'crash-loop' | 'unschedulable' | 'progress-deadline';
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job';

const NODE = 'fake-node-1';
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

export interface ControllerTiming { scheduleMs: number; startMs: number; readyMs: number }

function templateHash(template: unknown): string {
  const h = createHash('sha256').update(JSON.stringify(template ?? {})).digest();
  return [...h.subarray(0, 10)].map((b) => SAFE[b % SAFE.length]).join('');
}

function ownerRef(o: KObj): Rec {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, uid: o.metadata.uid, controller: true, blockOwnerDeletion: true };
}

function ownedBy(o: KObj, owner: KObj): boolean {
  return ((o.metadata.ownerReferences ?? []) as Rec[]).some((r) => r.uid === owner.metadata.uid && r.controller === true);
}

function isPodReady(p: KObj): boolean {
  return ((((p.status ?? {}) as Rec).conditions ?? []) as Rec[]).some((c) => c.type === 'Ready' && c.status === 'True');
}

function imageFailure(images: string[]): Failure | undefined {
  for (const i of images) {
    if (i.includes('pull-fails')) return 'image-pull';
    if (i.includes('crash-loop')) return 'crash-loop';
    if (i.includes('unschedulable')) return 'unschedulable';
  }
  return undefined;
}

function cond(type: string, status: string, reason?: string, message?: string, prev?: Rec[]): Rec {
  const now = nowRFC3339();
  const old = prev?.find((c) => c.type === type);
  const c: Rec = { type, status };
  if (reason !== undefined) c.reason = reason;
  if (message !== undefined) c.message = message;
  const same = old && old.status === status;
  c.lastTransitionTime = same ? old.lastTransitionTime : now;
  return c;
}

export class Controllers {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly queued = new Set<string>();
  private stopped = false;
  /** armed failures per workload key, consumed by its next new pod template */
  private readonly armed = new Map<string, Failure>();
  /** failures bound to a pod template (workload key + template hash) */
  private readonly bound = new Map<string, Failure>();
  /** progress deadline timers per deployment */
  private readonly deadlines = new Map<string, number>();
  private podIP = 10;

  constructor(private readonly api: KubeApi, private readonly logs: LogStore, readonly timing: ControllerTiming = { scheduleMs: 30, startMs: 150, readyMs: 200 }) {
    api.store.onChange((ev) => this.onEvent(ev));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  failNext(kind: WorkloadKind, ns: string, name: string, failure: Failure): void {
    this.armed.set(`${kind}/${ns}/${name}`, failure);
  }

  private later(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.stopped) return;
      try { fn(); } catch { /* the object went away meanwhile */ }
    }, ms);
    this.timers.add(t);
  }

  private readonly delayed = new Set<string>();

  private enqueue(kind: string, ns: string, name: string, ms = 0): void {
    const k = `${kind}/${ns}/${name}`;
    const pending = ms === 0 ? this.queued : this.delayed;
    if (pending.has(k)) return;
    pending.add(k);
    this.later(ms, () => {
      pending.delete(k);
      this.reconcile(kind, ns, name);
    });
  }

  private onEvent(ev: WatchEvent): void {
    const o = ev.object;
    const kind = String(o.kind);
    const ns = String(o.metadata.namespace ?? '');
    const name = String(o.metadata.name);
    if (['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'].includes(kind) && ev.type !== 'DELETED') this.enqueue(kind, ns, name);
    if (kind === 'Namespace' && ev.type === 'ADDED') this.later(0, () => this.api.rootCA(name));
    if (kind === 'Pod') {
      if (ev.type === 'ADDED') this.startPod(o);
      if (ev.type === 'DELETED') this.logs.end(ns, name);
      for (const ref of (o.metadata.ownerReferences ?? []) as Rec[]) {
        if (ref.controller) this.enqueue(String(ref.kind), ns, String(ref.name));
      }
    }
    if (kind === 'PersistentVolumeClaim' && ev.type === 'ADDED') this.later(this.timing.startMs, () => this.bindClaim(ns, name));
    if (kind === 'ReplicaSet') {
      for (const ref of (o.metadata.ownerReferences ?? []) as Rec[]) if (ref.controller) this.enqueue(String(ref.kind), ns, String(ref.name));
    }
  }

  private r(kind: string): ResourceType {
    return findByKind(kind) as ResourceType;
  }

  private reconcile(kind: string, ns: string, name: string): void {
    const o = this.api.store.get(this.r(kind), ns, name);
    if (!o || o.metadata.deletionTimestamp) return;
    if (kind === 'Deployment') this.deployment(o);
    else if (kind === 'ReplicaSet') this.replicaSet(o);
    else if (kind === 'StatefulSet') this.statefulSet(o);
    else if (kind === 'DaemonSet') this.daemonSet(o);
    else if (kind === 'Job') this.job(o);
  }

  event(involved: KObj, type: 'Normal' | 'Warning', reason: string, message: string, component: string, fieldPath?: string): void {
    const ns = String(involved.metadata.namespace ?? 'default');
    const now = nowRFC3339();
    const io: Rec = { kind: involved.kind, namespace: ns, name: involved.metadata.name, uid: involved.metadata.uid, apiVersion: involved.apiVersion, resourceVersion: involved.metadata.resourceVersion };
    if (fieldPath) io.fieldPath = fieldPath;
    try {
      this.api.internalCreate(this.r('Event'), {
        apiVersion: 'v1', kind: 'Event',
        metadata: { name: `${String(involved.metadata.name)}.${randomBytes(8).toString('hex')}`, namespace: ns },
        involvedObject: io, reason, message,
        source: component === 'kubelet' ? { component, host: NODE } : { component },
        firstTimestamp: now, lastTimestamp: now, count: 1, type, eventTime: null,
        reportingComponent: component, reportingInstance: component === 'kubelet' ? NODE : '',
      } as unknown as KObj, component);
    } catch { /* namespace going away */ }
  }

  private workloadFailure(workloadKey: string, hash: string, images: string[]): Failure | undefined {
    const boundKey = `${workloadKey}#${hash}`;
    const b = this.bound.get(boundKey);
    if (b) return b;
    const a = this.armed.get(workloadKey);
    if (a) {
      this.armed.delete(workloadKey);
      this.bound.set(boundKey, a);
      return a;
    }
    return imageFailure(images);
  }

  private podFromTemplate(owner: KObj, template: Rec, name: string, extraLabels: Rec, failure: Failure | undefined): KObj {
    const tm = clone((template.metadata ?? {}) as Rec);
    delete tm.creationTimestamp;
    const spec = clone((template.spec ?? {}) as Rec);
    const annotations = { ...((tm.annotations ?? {}) as Rec) };
    if (failure) annotations['fake-kube.berth.dev/failure'] = failure;
    return {
      apiVersion: 'v1', kind: 'Pod',
      metadata: {
        ...tm, name, namespace: owner.metadata.namespace,
        labels: { ...((tm.labels ?? {}) as Rec), ...extraLabels },
        ...(Object.keys(annotations).length ? { annotations } : {}),
        ownerReferences: [ownerRef(owner)],
      },
      spec: { ...spec, serviceAccountName: spec.serviceAccountName ?? 'default', serviceAccount: spec.serviceAccountName ?? 'default', enableServiceLinks: spec.enableServiceLinks ?? true, preemptionPolicy: 'PreemptLowerPriority', priority: 0, tolerations: spec.tolerations ?? [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }] },
    } as KObj;
  }

  private createPod(owner: KObj, pod: KObj): void {
    try {
      const created = this.api.internalCreate(this.r('Pod'), pod);
      this.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${String(created.metadata.name)}`, owner.kind === 'Job' ? 'job-controller' : owner.kind === 'StatefulSet' ? 'statefulset-controller' : owner.kind === 'DaemonSet' ? 'daemonset-controller' : 'replicaset-controller');
    } catch { /* already exists */ }
  }

  private pods(owner: KObj): KObj[] {
    return this.api.store.list(this.r('Pod'), String(owner.metadata.namespace)).filter((p) => ownedBy(p, owner));
  }

  private deletePod(p: KObj): void {
    try { this.api.delete(this.r('Pod'), String(p.metadata.namespace), String(p.metadata.name)); } catch { /* gone */ }
  }

  // ---- Deployment ------------------------------------------------------------------------------------------------

  private deployment(d: KObj): void {
    const ns = String(d.metadata.namespace);
    const name = String(d.metadata.name);
    const spec = d.spec as Rec;
    const template = spec.template as Rec;
    const desired = Number(spec.replicas ?? 1);
    const hash = templateHash(template);
    const rsR = this.r('ReplicaSet');
    const all = this.api.store.list(rsR, ns).filter((rs) => ownedBy(rs, d));
    let newRS = all.find((rs) => ((rs.metadata.labels ?? {}) as Rec)['pod-template-hash'] === hash);
    const revisions = all.map((rs) => Number(((rs.metadata.annotations ?? {}) as Rec)['deployment.kubernetes.io/revision'] ?? 0));
    const maxRev = revisions.length ? Math.max(...revisions) : 0;
    const depKey = `Deployment/${ns}/${name}`;
    if (!newRS) {
      const rsName = `${name}-${hash}`;
      const tmpl = clone(template);
      const tml = ((tmpl.metadata ??= {}) as Rec);
      tml.labels = { ...((tml.labels ?? {}) as Rec), 'pod-template-hash': hash };
      const sel = clone(spec.selector as Rec);
      sel.matchLabels = { ...((sel.matchLabels ?? {}) as Rec), 'pod-template-hash': hash };
      try {
        newRS = this.api.internalCreate(rsR, {
          apiVersion: 'apps/v1', kind: 'ReplicaSet',
          metadata: {
            name: rsName, namespace: ns, labels: tml.labels,
            annotations: { 'deployment.kubernetes.io/desired-replicas': String(desired), 'deployment.kubernetes.io/max-replicas': String(desired + Math.ceil(desired * 0.25)), 'deployment.kubernetes.io/revision': String(maxRev + 1) },
            ownerReferences: [ownerRef(d)],
          },
          spec: { replicas: desired, selector: sel, template: tmpl },
        } as KObj, 'kube-controller-manager');
        this.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${rsName} from 0 to ${desired}`, 'deployment-controller');
        this.deadlines.set(depKey, Date.now());
      } catch { return; }
    } else {
      const ann = (newRS.metadata.annotations ?? {}) as Rec;
      const rsSpec = newRS.spec as Rec;
      const rev = Number(ann['deployment.kubernetes.io/revision'] ?? 0);
      if (rsSpec.replicas !== desired || (rev < maxRev)) {
        const upd = clone(newRS);
        const from = Number(rsSpec.replicas ?? 0);
        (upd.spec as Rec).replicas = desired;
        const uann = (upd.metadata.annotations ??= {}) as Rec;
        uann['deployment.kubernetes.io/desired-replicas'] = String(desired);
        if (rev < maxRev) { uann['deployment.kubernetes.io/revision'] = String(maxRev + 1); this.deadlines.set(depKey, Date.now()); }
        newRS = this.api.internalUpdate(rsR, upd) ?? newRS;
        if (from !== desired) this.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${desired > from ? 'up' : 'down'} replica set ${String(newRS.metadata.name)} from ${from} to ${desired}`, 'deployment-controller');
      }
    }
    // the controller records the current revision on the Deployment (kubectl rollout history/undo read it)
    const revision = String(((newRS.metadata.annotations ?? {}) as Rec)['deployment.kubernetes.io/revision'] ?? '1');
    if (((d.metadata.annotations ?? {}) as Rec)['deployment.kubernetes.io/revision'] !== revision) {
      const upd = clone(d);
      upd.metadata.annotations = { ...((upd.metadata.annotations ?? {}) as Rec), 'deployment.kubernetes.io/revision': revision };
      this.api.internalUpdate(this.r('Deployment'), upd);
    }
    const newStatus = (newRS.status ?? {}) as Rec;
    const newAvailable = Number(newStatus.availableReplicas ?? 0);
    const olds = all.filter((rs) => rs.metadata.uid !== newRS?.metadata.uid);
    if (newAvailable >= desired) {
      for (const old of olds) {
        const from = Number((old.spec as Rec).replicas ?? 0);
        if (from === 0) continue;
        const upd = clone(old);
        (upd.spec as Rec).replicas = 0;
        this.api.internalUpdate(rsR, upd);
        this.event(d, 'Normal', 'ScalingReplicaSet', `Scaled down replica set ${String(old.metadata.name)} from ${from} to 0`, 'deployment-controller');
      }
    }
    // revision history: keep spec.revisionHistoryLimit old, scaled-down ReplicaSets
    const limit = Number(spec.revisionHistoryLimit ?? 10);
    const idle = olds.filter((rs) => Number((rs.spec as Rec).replicas ?? 0) === 0 && Number(((rs.status ?? {}) as Rec).replicas ?? 0) === 0)
      .sort((a, b) => Number(((a.metadata.annotations ?? {}) as Rec)['deployment.kubernetes.io/revision']) - Number(((b.metadata.annotations ?? {}) as Rec)['deployment.kubernetes.io/revision']));
    while (idle.length > limit) {
      const gone = idle.shift() as KObj;
      try { this.api.delete(rsR, ns, String(gone.metadata.name)); } catch { /* gone */ }
    }
    // status
    const current = this.api.store.list(rsR, ns).filter((rs) => ownedBy(rs, d));
    const sum = (f: string) => current.reduce((n, rs) => n + Number(((rs.status ?? {}) as Rec)[f] ?? 0), 0);
    const replicas = sum('replicas');
    const ready = sum('readyReplicas');
    const available = sum('availableReplicas');
    const updated = Number(((this.api.store.get(rsR, ns, String(newRS.metadata.name))?.status ?? {}) as Rec).replicas ?? 0);
    const prev = ((d.status ?? {}) as Rec).conditions as Rec[] | undefined;
    const maxUnavailable = Math.floor(desired * 0.25);
    const availableCond = available >= desired - maxUnavailable
      ? cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', prev)
      : cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', prev);
    const rsName = String(newRS.metadata.name);
    const complete = updated === desired && replicas === desired && available === desired && newAvailable === desired;
    const boundFailure = this.bound.get(`${depKey}#${hash}`);
    const started = this.deadlines.get(depKey) ?? Date.now();
    const deadlineMs = boundFailure === 'progress-deadline' ? 1000 : Number(spec.progressDeadlineSeconds ?? 600) * 1000;
    const prevProgressing = prev?.find((c) => c.type === 'Progressing');
    let progressing: Rec;
    if (complete) {
      progressing = cond('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`, prev);
    } else if (prevProgressing?.reason === 'ProgressDeadlineExceeded' && String(prevProgressing.message).includes(`"${rsName}"`)) {
      progressing = prevProgressing;
    } else if (Date.now() - started >= deadlineMs) {
      progressing = cond('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${rsName}" has timed out progressing.`, prev);
      this.event(d, 'Warning', 'ProgressDeadlineExceeded', `Deployment "${name}" has timed out progressing.`, 'deployment-controller');
    } else {
      const created = !prevProgressing || !String(prevProgressing.message).includes(`"${rsName}"`);
      progressing = cond('Progressing', 'True', created ? 'NewReplicaSetCreated' : 'ReplicaSetUpdated', created ? `Created new replica set "${rsName}"` : `ReplicaSet "${rsName}" is progressing.`, prev);
      this.enqueue('Deployment', ns, name, Math.max(50, Math.min(1000, deadlineMs - (Date.now() - started) + 10)));
    }
    if (progressing !== prevProgressing) progressing.lastUpdateTime = nowRFC3339();
    else progressing = prevProgressing;
    if (prevProgressing && progressing.reason === prevProgressing.reason && progressing.message === prevProgressing.message) progressing.lastUpdateTime = prevProgressing.lastUpdateTime;
    const prevAvail = prev?.find((c) => c.type === 'Available');
    availableCond.lastUpdateTime = prevAvail && prevAvail.status === availableCond.status ? prevAvail.lastUpdateTime : nowRFC3339();
    const status: Rec = {
      observedGeneration: d.metadata.generation, replicas, updatedReplicas: updated, readyReplicas: ready, availableReplicas: available,
      conditions: [availableCond, progressing],
    };
    if (replicas - available > 0) status.unavailableReplicas = replicas - available;
    if (!ready) delete status.readyReplicas;
    if (!available) delete status.availableReplicas;
    if (!replicas) delete status.replicas;
    if (!updated) delete status.updatedReplicas;
    this.api.internalStatus(this.r('Deployment'), ns, name, status);
  }

  // ---- ReplicaSet ------------------------------------------------------------------------------------------------

  private replicaSet(rs: KObj): void {
    const ns = String(rs.metadata.namespace);
    const spec = rs.spec as Rec;
    const want = Number(spec.replicas ?? 1);
    const pods = this.pods(rs).filter((p) => !p.metadata.deletionTimestamp);
    const template = spec.template as Rec;
    const hash = String(((rs.metadata.labels ?? {}) as Rec)['pod-template-hash'] ?? templateHash(template));
    const depRef = ((rs.metadata.ownerReferences ?? []) as Rec[]).find((r) => r.kind === 'Deployment');
    const wkey = depRef ? `Deployment/${ns}/${String(depRef.name)}` : `ReplicaSet/${ns}/${String(rs.metadata.name)}`;
    const images = (((template.spec as Rec).containers ?? []) as Rec[]).map((c) => String(c.image));
    if (pods.length < want) {
      const failure = this.workloadFailure(wkey, hash, images);
      for (let i = pods.length; i < want; i++) {
        this.createPod(rs, this.podFromTemplate(rs, template, `${String(rs.metadata.name)}-${randomSuffix()}`, {}, failure));
      }
    } else if (pods.length > want) {
      const sorted = [...pods].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)));
      for (const p of sorted.slice(0, pods.length - want)) {
        this.deletePod(p);
        this.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${String(p.metadata.name)}`, 'replicaset-controller');
      }
    }
    const now = this.pods(rs).filter((p) => !p.metadata.deletionTimestamp);
    const ready = now.filter(isPodReady).length;
    const status: Rec = { replicas: now.length, fullyLabeledReplicas: now.length, readyReplicas: ready, availableReplicas: ready, observedGeneration: rs.metadata.generation };
    if (!now.length) delete status.fullyLabeledReplicas;
    if (!ready) { delete status.readyReplicas; delete status.availableReplicas; }
    this.api.internalStatus(this.r('ReplicaSet'), ns, String(rs.metadata.name), status);
  }

  // ---- PersistentVolumeClaim: a provisioner stand-in binds every claim to a volume of the requested size ----------

  private bindClaim(ns: string, name: string): void {
    const r = this.r('PersistentVolumeClaim');
    const pvc = this.api.store.get(r, ns, name);
    if (!pvc || ((pvc.status ?? {}) as Rec).phase === 'Bound') return;
    const spec = clone(pvc.spec as Rec);
    const upd = clone(pvc);
    upd.spec = { ...spec, volumeName: spec.volumeName ?? `pvc-${String(pvc.metadata.uid)}` };
    upd.metadata.annotations = { ...((upd.metadata.annotations ?? {}) as Rec), 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' };
    upd.metadata.finalizers = ['kubernetes.io/pvc-protection'];
    this.api.internalUpdate(r, upd, 'kube-controller-manager');
    const storage = (((spec.resources ?? {}) as Rec).requests as Rec | undefined)?.storage ?? '1Gi';
    this.api.internalStatus(r, ns, name, { phase: 'Bound', accessModes: spec.accessModes ?? ['ReadWriteOnce'], capacity: { storage } });
  }

  // ---- StatefulSet -----------------------------------------------------------------------------------------------

  private statefulSet(s: KObj): void {
    const ns = String(s.metadata.namespace);
    const name = String(s.metadata.name);
    const spec = s.spec as Rec;
    const want = Number(spec.replicas ?? 1);
    const template = spec.template as Rec;
    const hash = templateHash(template);
    const revision = `${name}-${hash}`;
    const images = (((template.spec as Rec).containers ?? []) as Rec[]).map((c) => String(c.image));
    const failure = this.workloadFailure(`StatefulSet/${ns}/${name}`, hash, images);
    const claims = (spec.volumeClaimTemplates ?? []) as Rec[];
    const pvcR = this.r('PersistentVolumeClaim');
    for (let i = 0; i < want; i++) {
      for (const c of claims) {
        const cm = (c.metadata ?? {}) as Rec;
        const claimName = `${String(cm.name)}-${name}-${i}`;
        if (this.api.store.get(pvcR, ns, claimName)) continue;
        try {
          this.api.internalCreate(pvcR, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claimName, namespace: ns, labels: { ...((cm.labels ?? {}) as Rec), ...((template.metadata as Rec | undefined)?.labels as Rec ?? {}) } }, spec: clone(c.spec) } as KObj);
        } catch { /* raced */ }
      }
    }
    const pods = this.pods(s);
    const byOrdinal = new Map<number, KObj>();
    for (const p of pods) byOrdinal.set(Number(String(p.metadata.name).slice(name.length + 1)), p);
    let busy = false;
    for (let i = 0; i < want; i++) {
      const p = byOrdinal.get(i);
      if (!p) {
        const pod = this.podFromTemplate(s, template, `${name}-${i}`, { 'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': `${name}-${i}`, 'apps.kubernetes.io/pod-index': String(i) }, failure);
        const ps = pod.spec as Rec;
        ps.hostname = `${name}-${i}`;
        if (spec.serviceName) ps.subdomain = spec.serviceName;
        const vols = ((ps.volumes ?? []) as Rec[]).filter((v) => !claims.some((c) => (c.metadata as Rec | undefined)?.name === v.name));
        for (const c of claims) vols.push({ name: (c.metadata as Rec).name, persistentVolumeClaim: { claimName: `${String((c.metadata as Rec).name)}-${name}-${i}` } });
        if (vols.length) ps.volumes = vols;
        this.createPod(s, pod);
        busy = true;
        break;
      }
      if (!isPodReady(p)) { busy = true; break; }
    }
    if (!busy) {
      for (const [i, p] of byOrdinal) if (i >= want) { this.deletePod(p); busy = true; break; }
    }
    if (!busy) {
      // rolling update, highest ordinal first
      const stale = [...byOrdinal.entries()].filter(([i, p]) => i < want && ((p.metadata.labels ?? {}) as Rec)['controller-revision-hash'] !== revision).sort((a, b) => b[0] - a[0]);
      if (stale[0]) this.deletePod(stale[0][1]);
    }
    const now = this.pods(s);
    const ready = now.filter(isPodReady).length;
    const updated = now.filter((p) => ((p.metadata.labels ?? {}) as Rec)['controller-revision-hash'] === revision).length;
    const prev = (s.status ?? {}) as Rec;
    const allUpdated = updated === want && ready === want && now.length === want;
    const status: Rec = {
      observedGeneration: s.metadata.generation, replicas: now.length, readyReplicas: ready, currentReplicas: allUpdated ? want : now.length - updated,
      updatedReplicas: updated, currentRevision: allUpdated ? revision : (prev.currentRevision ?? revision), updateRevision: revision, collisionCount: 0, availableReplicas: ready,
    };
    if (!ready) delete status.readyReplicas;
    this.api.internalStatus(this.r('StatefulSet'), ns, name, status);
  }

  // ---- DaemonSet -------------------------------------------------------------------------------------------------

  private daemonSet(ds: KObj): void {
    const ns = String(ds.metadata.namespace);
    const name = String(ds.metadata.name);
    const template = (ds.spec as Rec).template as Rec;
    const hash = templateHash(template);
    const images = (((template.spec as Rec).containers ?? []) as Rec[]).map((c) => String(c.image));
    const pods = this.pods(ds);
    const current = pods.filter((p) => ((p.metadata.labels ?? {}) as Rec)['controller-revision-hash'] === hash);
    for (const p of pods) if (!current.includes(p)) this.deletePod(p);
    if (current.length === 0) {
      const failure = this.workloadFailure(`DaemonSet/${ns}/${name}`, hash, images);
      const pod = this.podFromTemplate(ds, template, `${name}-${randomSuffix()}`, { 'controller-revision-hash': hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) }, failure);
      (pod.spec as Rec).nodeName = NODE;
      this.createPod(ds, pod);
    }
    const now = this.pods(ds);
    const ready = now.filter(isPodReady).length;
    const upd = now.filter((p) => ((p.metadata.labels ?? {}) as Rec)['controller-revision-hash'] === hash).length;
    const status: Rec = {
      currentNumberScheduled: Math.min(1, now.length), desiredNumberScheduled: 1, numberMisscheduled: 0, numberReady: ready,
      observedGeneration: ds.metadata.generation, updatedNumberScheduled: upd, numberAvailable: ready,
    };
    if (!ready) { delete status.numberAvailable; status.numberUnavailable = 1; }
    this.api.internalStatus(this.r('DaemonSet'), ns, name, status);
  }

  // ---- Job -------------------------------------------------------------------------------------------------------

  private job(j: KObj): void {
    const ns = String(j.metadata.namespace);
    const name = String(j.metadata.name);
    const spec = j.spec as Rec;
    const st = clone((j.status ?? {}) as Rec);
    const conds = (st.conditions ?? []) as Rec[];
    if (conds.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')) return;
    if (spec.suspend === true) return;
    const template = spec.template as Rec;
    const hash = templateHash(template);
    const images = (((template.spec as Rec).containers ?? []) as Rec[]).map((c) => String(c.image));
    const pods = this.pods(j);
    const succeeded = pods.filter((p) => (p.status as Rec | undefined)?.phase === 'Succeeded').length;
    const failed = pods.filter((p) => (p.status as Rec | undefined)?.phase === 'Failed').length;
    const active = pods.filter((p) => !['Succeeded', 'Failed'].includes(String((p.status as Rec | undefined)?.phase))).length;
    const completions = Number(spec.completions ?? 1);
    const backoff = Math.min(Number(spec.backoffLimit ?? 6), 2);
    const now = nowRFC3339();
    st.startTime ??= now;
    if (succeeded >= completions) {
      st.conditions = [cond('SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'), cond('Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods')];
      for (const c of st.conditions as Rec[]) { c.lastProbeTime = now; }
      st.completionTime = now; st.succeeded = succeeded; st.active = 0; st.ready = 0; st.terminating = 0; st.uncountedTerminatedPods = {};
      if (failed) st.failed = failed;
      delete st.active;
      this.api.internalStatus(this.r('Job'), ns, name, st);
      this.event(j, 'Normal', 'Completed', 'Job completed', 'job-controller');
      return;
    }
    if (failed > backoff) {
      st.conditions = [cond('FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'), cond('Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')];
      for (const c of st.conditions as Rec[]) { c.lastProbeTime = now; }
      st.failed = failed; st.ready = 0; st.terminating = 0; st.uncountedTerminatedPods = {};
      delete st.active;
      this.api.internalStatus(this.r('Job'), ns, name, st);
      this.event(j, 'Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', 'job-controller');
      return;
    }
    if (active === 0) {
      const failure = this.workloadFailure(`Job/${ns}/${name}`, hash, images);
      this.createPod(j, this.podFromTemplate(j, template, `${name}-${randomSuffix()}`, { 'batch.kubernetes.io/job-name': name, 'job-name': name, 'batch.kubernetes.io/controller-uid': String(j.metadata.uid), 'controller-uid': String(j.metadata.uid) }, failure));
    }
    const ready = pods.filter(isPodReady).length;
    st.active = Math.max(active, 1); st.ready = ready; st.terminating = 0; st.uncountedTerminatedPods = {};
    if (failed) st.failed = failed;
    this.api.internalStatus(this.r('Job'), ns, name, st);
  }

  // ---- the scheduler and the kubelet -----------------------------------------------------------------------------

  private podFailure(p: KObj): Failure | undefined {
    const a = ((p.metadata.annotations ?? {}) as Rec)['fake-kube.berth.dev/failure'];
    if (typeof a === 'string') return a as Failure;
    return imageFailure((((p.spec as Rec).containers ?? []) as Rec[]).map((c) => String(c.image)));
  }

  private updatePod(ns: string, name: string, fn: (p: KObj) => void): KObj | undefined {
    const cur = this.api.store.get(this.r('Pod'), ns, name);
    if (!cur || cur.metadata.deletionTimestamp) return undefined;
    const next = clone(cur);
    fn(next);
    if (deepEqual(cur.spec, next.spec)) return this.api.internalStatus(this.r('Pod'), ns, name, next.status, 'kubelet');
    const stored = this.api.internalUpdate(this.r('Pod'), { ...next, status: cur.status }, 'kube-scheduler');
    return stored ? this.api.internalStatus(this.r('Pod'), ns, name, next.status, 'kubelet') : undefined;
  }

  private startPod(p: KObj): void {
    const ns = String(p.metadata.namespace);
    const name = String(p.metadata.name);
    const failure = this.podFailure(p);
    const containers = (((p.spec as Rec).containers ?? []) as Rec[]);
    const isJob = ((p.metadata.ownerReferences ?? []) as Rec[]).some((r) => r.kind === 'Job');
    this.later(this.timing.scheduleMs, () => {
      if (failure === 'unschedulable') {
        const msg = '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';
        const stored = this.updatePod(ns, name, (x) => {
          x.status = { phase: 'Pending', qosClass: 'Burstable', conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: nowRFC3339(), reason: 'Unschedulable', message: msg }] };
        });
        if (stored) this.event(stored, 'Warning', 'FailedScheduling', msg, 'default-scheduler');
        return;
      }
      const scheduledAt = nowRFC3339();
      const stored = this.updatePod(ns, name, (x) => {
        (x.spec as Rec).nodeName = NODE;
        x.status = {
          phase: 'Pending', qosClass: 'BestEffort', hostIP: '127.0.0.1', hostIPs: [{ ip: '127.0.0.1' }], startTime: scheduledAt,
          conditions: [
            { type: 'PodReadyToStartContainers', status: 'False', lastProbeTime: null, lastTransitionTime: scheduledAt },
            { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: scheduledAt },
            { type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: scheduledAt, reason: 'ContainersNotReady', message: `containers with unready status: [${containers.map((c) => String(c.name)).join(' ')}]` },
            { type: 'ContainersReady', status: 'False', lastProbeTime: null, lastTransitionTime: scheduledAt, reason: 'ContainersNotReady', message: `containers with unready status: [${containers.map((c) => String(c.name)).join(' ')}]` },
            { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: scheduledAt },
          ],
          containerStatuses: containers.map((c) => ({ name: c.name, image: c.image, imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} })),
        };
      });
      if (!stored) return;
      this.event(stored, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${NODE}`, 'default-scheduler');
      for (const c of containers) this.event(stored, 'Normal', 'Pulling', `Pulling image "${String(c.image)}"`, 'kubelet', `spec.containers{${String(c.name)}}`);
      this.later(this.timing.startMs, () => this.runContainers(ns, name, failure, isJob));
    });
  }

  private setContainerStatus(x: KObj, fn: (cs: Rec, spec: Rec) => void): void {
    const st = x.status as Rec;
    const specs = ((x.spec as Rec).containers ?? []) as Rec[];
    for (const cs of (st.containerStatuses ?? []) as Rec[]) fn(cs, specs.find((c) => c.name === cs.name) ?? {});
  }

  private setReady(x: KObj, ready: boolean): void {
    const st = x.status as Rec;
    const now = nowRFC3339();
    const names = (((x.spec as Rec).containers ?? []) as Rec[]).map((c) => String(c.name));
    for (const c of (st.conditions ?? []) as Rec[]) {
      if (c.type === 'Ready' || c.type === 'ContainersReady') {
        const to = ready ? 'True' : 'False';
        if (c.status !== to) c.lastTransitionTime = now;
        c.status = to;
        if (ready) { delete c.reason; delete c.message; } else { c.reason = 'ContainersNotReady'; c.message = `containers with unready status: [${names.join(' ')}]`; }
      }
      if (c.type === 'PodReadyToStartContainers' && c.status !== 'True') { c.status = 'True'; c.lastTransitionTime = now; }
    }
  }

  private runContainers(ns: string, name: string, failure: Failure | undefined, isJob: boolean): void {
    const pod = this.api.store.get(this.r('Pod'), ns, name);
    if (!pod) return;
    const containers = (((pod.spec as Rec).containers ?? []) as Rec[]);
    if (failure === 'image-pull') {
      const stored = this.updatePod(ns, name, (x) => {
        this.setContainerStatus(x, (cs, c) => { cs.state = { waiting: { reason: 'ErrImagePull', message: `failed to pull and unpack image "${String(c.image)}": failed to resolve reference "${String(c.image)}": pull access denied, repository does not exist or may require authorization` } }; });
        const st = x.status as Rec;
        for (const c of (st.conditions ?? []) as Rec[]) if (c.type === 'PodReadyToStartContainers') { c.status = 'True'; }
      });
      if (!stored) return;
      for (const c of containers) {
        this.event(stored, 'Warning', 'Failed', `Failed to pull image "${String(c.image)}": failed to pull and unpack image "${String(c.image)}": failed to resolve reference "${String(c.image)}": pull access denied, repository does not exist or may require authorization`, 'kubelet', `spec.containers{${String(c.name)}}`);
        this.event(stored, 'Warning', 'Failed', 'Error: ErrImagePull', 'kubelet', `spec.containers{${String(c.name)}}`);
      }
      this.later(400, () => {
        const again = this.updatePod(ns, name, (x) => this.setContainerStatus(x, (cs, c) => { cs.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${String(c.image)}"` } }; }));
        if (!again) return;
        for (const c of containers) {
          this.event(again, 'Normal', 'BackOff', `Back-off pulling image "${String(c.image)}"`, 'kubelet', `spec.containers{${String(c.name)}}`);
          this.event(again, 'Warning', 'Failed', 'Error: ImagePullBackOff', 'kubelet', `spec.containers{${String(c.name)}}`);
        }
      });
      return;
    }
    const startedAt = nowRFC3339();
    const ip = `10.244.0.${(this.podIP++ % 250) + 2}`;
    const stored = this.updatePod(ns, name, (x) => {
      const st = x.status as Rec;
      st.phase = 'Running';
      st.podIP = ip; st.podIPs = [{ ip }];
      this.setContainerStatus(x, (cs) => { cs.state = { running: { startedAt } }; cs.started = true; cs.imageID = `docker.io/library/${String(cs.image)}@sha256:${createHash('sha256').update(String(cs.image)).digest('hex')}`; cs.containerID = `containerd://${randomBytes(32).toString('hex')}`; });
      for (const c of (st.conditions ?? []) as Rec[]) if (c.type === 'PodReadyToStartContainers') { c.status = 'True'; c.lastTransitionTime = startedAt; }
    });
    if (!stored) return;
    for (const c of containers) {
      this.event(stored, 'Normal', 'Pulled', `Successfully pulled image "${String(c.image)}" in 120ms (120ms including waiting). Image size: 1048576 bytes.`, 'kubelet', `spec.containers{${String(c.name)}}`);
      this.event(stored, 'Normal', 'Created', `Created container: ${String(c.name)}`, 'kubelet', `spec.containers{${String(c.name)}}`);
      this.event(stored, 'Normal', 'Started', `Started container ${String(c.name)}`, 'kubelet', `spec.containers{${String(c.name)}}`);
      this.logs.startRun(ns, name, String(c.name), `fake-kube: ${String(c.image)} started`);
    }
    if (failure === 'crash-loop') { this.crash(ns, name, 1, isJob); return; }
    if (isJob) {
      this.later(this.timing.readyMs + 200, () => {
        const finishedAt = nowRFC3339();
        this.updatePod(ns, name, (x) => {
          const st = x.status as Rec;
          st.phase = 'Succeeded';
          this.setContainerStatus(x, (cs) => { cs.ready = false; cs.started = false; cs.state = { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt, containerID: cs.containerID } }; });
          this.setReady(x, false);
          for (const c of (st.conditions ?? []) as Rec[]) if (c.type === 'Ready' || c.type === 'ContainersReady') c.reason = 'PodCompleted';
        });
        for (const c of containers) this.logs.end(ns, name, String(c.name));
      });
      return;
    }
    this.later(this.timing.readyMs, () => {
      if (failure === 'progress-deadline') {
        const p2 = this.api.store.get(this.r('Pod'), ns, name);
        if (p2) for (const c of containers) this.event(p2, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', 'kubelet', `spec.containers{${String(c.name)}}`);
        return;
      }
      this.updatePod(ns, name, (x) => {
        this.setContainerStatus(x, (cs) => { cs.ready = true; });
        this.setReady(x, true);
      });
    });
  }

  private crash(ns: string, name: string, round: number, isJob: boolean): void {
    this.later(300, () => {
      const pod = this.api.store.get(this.r('Pod'), ns, name);
      if (!pod) return;
      const containers = (((pod.spec as Rec).containers ?? []) as Rec[]);
      for (const c of containers) {
        this.logs.append(ns, name, String(c.name), `fake-kube: ${String(c.image)} error: crash-loop requested, exiting with code 1`);
        this.logs.end(ns, name, String(c.name)); // the container exited: followers' streams end
      }
      const finishedAt = nowRFC3339();
      if (isJob && (pod.spec as Rec).restartPolicy === 'Never') {
        this.updatePod(ns, name, (x) => {
          (x.status as Rec).phase = 'Failed';
          this.setContainerStatus(x, (cs) => { const s = (cs.state as Rec).running as Rec | undefined; cs.ready = false; cs.started = false; cs.state = { terminated: { exitCode: 1, reason: 'Error', startedAt: s?.startedAt ?? finishedAt, finishedAt, containerID: cs.containerID } }; });
          this.setReady(x, false);
        });
        for (const c of containers) this.logs.end(ns, name, String(c.name));
        return;
      }
      const stored = this.updatePod(ns, name, (x) => {
        this.setContainerStatus(x, (cs) => {
          const s = ((cs.state as Rec).running as Rec | undefined)?.startedAt ?? finishedAt;
          cs.lastState = { terminated: { exitCode: 1, reason: 'Error', startedAt: s, finishedAt, containerID: cs.containerID } };
          cs.restartCount = round;
          cs.ready = false; cs.started = false;
          cs.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${10 * 2 ** (round - 1)}s restarting failed container=${String(cs.name)} pod=${name}_${ns}(${String(x.metadata.uid)})` } };
        });
        this.setReady(x, false);
      });
      if (!stored) return;
      for (const c of containers) this.event(stored, 'Warning', 'BackOff', `Back-off restarting failed container ${String(c.name)} in pod ${name}_${ns}(${String(stored.metadata.uid)})`, 'kubelet', `spec.containers{${String(c.name)}}`);
      if (round < 3) {
        this.later(500, () => {
          const startedAt = nowRFC3339();
          const again = this.updatePod(ns, name, (x) => this.setContainerStatus(x, (cs) => { cs.state = { running: { startedAt } }; cs.started = true; }));
          if (!again) return;
          for (const c of containers) this.logs.startRun(ns, name, String(c.name), `fake-kube: ${String(c.image)} started`);
          this.crash(ns, name, round + 1, isJob);
        });
      }
    });
  }
}
