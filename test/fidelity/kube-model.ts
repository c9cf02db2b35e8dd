import { loadAll } from 'js-yaml';
import { isRecord, mountPath as normal } from './compose-model.js';

type Obj = Record<string, unknown>;

export interface KubeWorkload {
  kind: string;
  name: string;
  podLabels: Record<string, string>;
  pod: Obj;
  containers: Obj[];
  initContainers: Obj[];
  volumes: Obj[];
  /** Claims a StatefulSet makes per replica (volumeClaimTemplates), by template name. */
  claimTemplates: string[];
}

export interface KubeIndex {
  objects: Obj[];
  services: Map<string, { ports: Array<{ port: number; targetPort: unknown; protocol: string }>; selector: Record<string, string> }>;
  workloads: KubeWorkload[];
  configMaps: Map<string, Obj>;
  secrets: Map<string, Obj>;
  claims: Map<string, { accessModes: string[] }>;
}

const rec = (v: unknown): Obj => (isRecord(v) ? v : {});
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isRecord) : []);
const strings = (v: unknown): Record<string, string> => Object.fromEntries(Object.entries(rec(v)).map(([k, x]) => [k, String(x)]));

const POD_PATHS: Record<string, string[]> = {
  Deployment: ['spec', 'template'], StatefulSet: ['spec', 'template'], DaemonSet: ['spec', 'template'], ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'], CronJob: ['spec', 'jobTemplate', 'spec', 'template'], Pod: [],
};

export function indexKubernetes(text: string): KubeIndex {
  const objects = loadAll(text).filter(isRecord);
  const index: KubeIndex = { objects, services: new Map(), workloads: [], configMaps: new Map(), secrets: new Map(), claims: new Map() };
  for (const o of objects) {
    const kind = String(o.kind);
    const name = String(rec(o.metadata).name);
    const spec = rec(o.spec);
    if (kind === 'Service') {
      index.services.set(name, {
        ports: arr(spec.ports).map((p) => ({ port: Number(p.port), targetPort: p.targetPort ?? p.port, protocol: String(p.protocol ?? 'TCP') })),
        selector: strings(spec.selector),
      });
    } else if (kind === 'ConfigMap') index.configMaps.set(name, o);
    else if (kind === 'Secret') index.secrets.set(name, o);
    else if (kind === 'PersistentVolumeClaim') index.claims.set(name, { accessModes: (Array.isArray(spec.accessModes) ? spec.accessModes : []).map(String) });
    else if (kind in POD_PATHS) {
      const template = POD_PATHS[kind]!.reduce<Obj>((at, key) => rec(at[key]), o);
      const pod = kind === 'Pod' ? spec : rec(template.spec);
      const labels = kind === 'Pod' ? strings(rec(o.metadata).labels) : strings(rec(template.metadata).labels);
      index.workloads.push({
        kind, name, podLabels: labels, pod,
        containers: arr(pod.containers), initContainers: arr(pod.initContainers), volumes: arr(pod.volumes),
        claimTemplates: arr(spec.volumeClaimTemplates).map((t) => String(rec(t.metadata).name)),
      });
    }
  }
  return index;
}

/** The workload and container that run a service: the container of that name, else the workload of that name. */
export function containerOf(index: KubeIndex, service: string): { workload: KubeWorkload; container: Obj } | undefined {
  for (const w of index.workloads) {
    const c = w.containers.find((x) => x.name === service);
    if (c) return { workload: w, container: c };
  }
  const w = index.workloads.find((x) => x.name === service);
  return w && w.containers[0] ? { workload: w, container: w.containers[0] } : undefined;
}

export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => labels[k] === selector[k]);
}

/** What a container's mount at `mountPath` is backed by. */
export function volumeAt(workload: KubeWorkload, container: Obj, mountPath: string): { mount: Obj; volume?: Obj; claim?: string } | undefined {
  const mount = arr(container.volumeMounts).find((m) => typeof m.mountPath === 'string' && normal(m.mountPath) === normal(mountPath));
  if (!mount) return undefined;
  const volume = workload.volumes.find((v) => v.name === mount.name);
  const claim = volume ? (rec(volume.persistentVolumeClaim).claimName as string | undefined) : workload.claimTemplates.includes(String(mount.name)) ? `${String(mount.name)} (per replica)` : undefined;
  return { mount, volume, claim };
}

/** A ConfigMap's or Secret's value for a key, decoded; undefined when missing. */
export function dataValue(obj: Obj | undefined, key: string): string | undefined {
  if (!obj) return undefined;
  const plain = rec(obj.stringData)[key] ?? (obj.kind === 'ConfigMap' ? rec(obj.data)[key] : undefined);
  if (plain !== undefined) return String(plain);
  const encoded = obj.kind === 'ConfigMap' ? rec(obj.binaryData)[key] : rec(obj.data)[key];
  return encoded === undefined ? undefined : Buffer.from(String(encoded), 'base64').toString('utf8');
}

export function envOf(container: Obj): Map<string, Obj> {
  return new Map(arr(container.env).map((e) => [String(e.name), e]));
}
