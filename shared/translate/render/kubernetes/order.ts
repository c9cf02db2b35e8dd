/**
 * Apply order: what pods need exists before the pods; traffic objects come
 * last. Jobs come before the workloads that may wait for them, so a
 * dependent's wait never starts before the Job it waits for exists.
 */
export const KIND_ORDER = [
  'ServiceAccount', 'Role', 'RoleBinding', 'Secret', 'ConfigMap', 'PersistentVolumeClaim', 'Service', 'Job', 'Deployment', 'StatefulSet', 'DaemonSet',
  'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress',
] as const;
export type EmittedKind = (typeof KIND_ORDER)[number];

type Obj = Record<string, unknown> & { kind?: unknown; metadata?: unknown };

const nameOf = (o: Obj) => String((o.metadata as { name?: unknown } | undefined)?.name ?? '');
const rank = (o: Obj) => {
  const i = KIND_ORDER.indexOf(o.kind as EmittedKind);
  return i === -1 ? KIND_ORDER.length : i;
};

export function sortObjects<T extends Obj>(objects: T[]): T[] {
  return [...objects].sort((a, b) => rank(a) - rank(b) || String(a.kind).localeCompare(String(b.kind)) || (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0));
}
