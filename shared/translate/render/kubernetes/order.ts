/** Apply order: what pods need exists before the pods; traffic objects come last. */
export const KIND_ORDER = [
  'Secret', 'ConfigMap', 'PersistentVolumeClaim', 'Service', 'Deployment', 'StatefulSet', 'Job',
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
