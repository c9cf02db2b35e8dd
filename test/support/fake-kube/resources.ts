/**
 * The kinds the fake Kubernetes API server serves, and the legacy discovery documents built from them
 * (`/api`, `/api/v1`, `/apis`, `/apis/<group>/<version>`), shaped as kube-apiserver 1.32 answers them.
 */

export interface ResourceType {
  group: string;          // '' for core
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  subresources: string[]; // 'status', 'scale', 'log', 'exec', 'portforward'
  /** metadata.generation is kept and bumped on spec changes */
  generation: boolean;
  /** name rule: DNS-1123 subdomain, DNS-1123 label, DNS-1035 label, or path segment */
  nameRule: 'subdomain' | 'label' | 'dns1035' | 'segment';
  /** top-level fields other than metadata that count as "spec" for generation */
  hasStatus: boolean;
}

const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const RESOURCES: ResourceType[] = [
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', singular: 'namespace', namespaced: false, shortNames: ['ns'], subresources: ['status'], generation: false, nameRule: 'label', hasStatus: true },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', singular: 'configmap', namespaced: true, shortNames: ['cm'], subresources: [], generation: false, nameRule: 'subdomain', hasStatus: false },
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', singular: 'secret', namespaced: true, subresources: [], generation: false, nameRule: 'subdomain', hasStatus: false },
  { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', singular: 'serviceaccount', namespaced: true, shortNames: ['sa'], subresources: [], generation: false, nameRule: 'subdomain', hasStatus: false },
  { group: '', version: 'v1', kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', singular: 'persistentvolumeclaim', namespaced: true, shortNames: ['pvc'], subresources: ['status'], generation: false, nameRule: 'subdomain', hasStatus: true },
  { group: '', version: 'v1', kind: 'Service', plural: 'services', singular: 'service', namespaced: true, shortNames: ['svc'], categories: ['all'], subresources: ['status'], generation: false, nameRule: 'dns1035', hasStatus: true },
  { group: '', version: 'v1', kind: 'Pod', plural: 'pods', singular: 'pod', namespaced: true, shortNames: ['po'], categories: ['all'], subresources: ['status', 'log', 'exec', 'portforward'], generation: false, nameRule: 'subdomain', hasStatus: true },
  { group: '', version: 'v1', kind: 'Event', plural: 'events', singular: 'event', namespaced: true, shortNames: ['ev'], subresources: [], generation: false, nameRule: 'segment', hasStatus: false },
  { group: '', version: 'v1', kind: 'Node', plural: 'nodes', singular: 'node', namespaced: false, shortNames: ['no'], subresources: ['status'], generation: false, nameRule: 'subdomain', hasStatus: true },
  { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', singular: 'deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'], generation: true, nameRule: 'subdomain', hasStatus: true },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets', singular: 'statefulset', namespaced: true, shortNames: ['sts'], categories: ['all'], subresources: ['status', 'scale'], generation: true, nameRule: 'subdomain', hasStatus: true },
  { group: 'apps', version: 'v1', kind: 'DaemonSet', plural: 'daemonsets', singular: 'daemonset', namespaced: true, shortNames: ['ds'], categories: ['all'], subresources: ['status'], generation: true, nameRule: 'subdomain', hasStatus: true },
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', singular: 'replicaset', namespaced: true, shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'], generation: true, nameRule: 'subdomain', hasStatus: true },
  { group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', singular: 'job', namespaced: true, categories: ['all'], subresources: ['status'], generation: true, nameRule: 'subdomain', hasStatus: true },
  { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', plural: 'ingresses', singular: 'ingress', namespaced: true, shortNames: ['ing'], subresources: ['status'], generation: true, nameRule: 'subdomain', hasStatus: true },
  { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', singular: 'horizontalpodautoscaler', namespaced: true, shortNames: ['hpa'], categories: ['all'], subresources: ['status'], generation: false, nameRule: 'segment', hasStatus: true },
  { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', singular: 'poddisruptionbudget', namespaced: true, shortNames: ['pdb'], subresources: ['status'], generation: true, nameRule: 'subdomain', hasStatus: true },
];

export function apiVersionOf(r: ResourceType): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** `Deployment.apps`, `Pod` — the qualified kind the server's messages use */
export function qualifiedKind(r: ResourceType): string {
  return r.group ? `${r.kind}.${r.group}` : r.kind;
}

/** `deployments.apps`, `pods` — the qualified resource the server's NotFound/AlreadyExists messages use */
export function qualifiedResource(r: ResourceType): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

export function findByKind(kind: string): ResourceType | undefined {
  const k = kind.toLowerCase();
  return RESOURCES.find((r) => r.kind.toLowerCase() === k || r.plural === k || r.singular === k);
}

export function groupVersions(): Array<{ group: string; version: string }> {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of RESOURCES) seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  return [...seen.values()];
}

export function apiVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function apiGroupList(): unknown {
  const groups = groupVersions().filter((g) => g.group !== '').map((g) => ({
    name: g.group,
    versions: [{ groupVersion: `${g.group}/${g.version}`, version: g.version }],
    preferredVersion: { groupVersion: `${g.group}/${g.version}`, version: g.version },
  }));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(group: string): unknown | undefined {
  const g = groupVersions().find((x) => x.group === group && group !== '');
  if (!g) return undefined;
  return {
    kind: 'APIGroup', apiVersion: 'v1', name: g.group,
    versions: [{ groupVersion: `${g.group}/${g.version}`, version: g.version }],
    preferredVersion: { groupVersion: `${g.group}/${g.version}`, version: g.version },
  };
}

export function apiResourceList(group: string, version: string): unknown | undefined {
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (rs.length === 0) return undefined;
  const resources: unknown[] = [];
  for (const r of rs) {
    const entry: Record<string, unknown> = {
      name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind,
      verbs: r.kind === 'Node' ? ['get', 'list', 'watch', 'patch', 'update', 'create', 'delete'] : verbs,
    };
    if (r.shortNames) entry.shortNames = r.shortNames;
    if (r.categories) entry.categories = r.categories;
    resources.push(entry);
    for (const sub of r.subresources) {
      if (sub === 'status') resources.push({ name: `${r.plural}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] });
      if (sub === 'scale') resources.push({ name: `${r.plural}/scale`, singularName: '', namespaced: r.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
      if (sub === 'log') resources.push({ name: `${r.plural}/log`, singularName: '', namespaced: true, kind: r.kind, verbs: ['get'] });
      if (sub === 'exec') resources.push({ name: `${r.plural}/exec`, singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] });
      if (sub === 'portforward') resources.push({ name: `${r.plural}/portforward`, singularName: '', namespaced: true, kind: 'PodPortForwardOptions', verbs: ['create', 'get'] });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}
