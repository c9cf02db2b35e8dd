import { createHash } from 'node:crypto';

/**
 * ApplySet (KEP-3659) bookkeeping, in kubectl's own format so `kubectl apply
 * --prune --applyset` and Berth see the same set. The parent object records
 * which kinds the set may contain; members carry the part-of label. Pruning
 * looks only at those kinds with that label, never at a label selector the
 * user could have put on something else.
 */
export const APPLYSET_ID_LABEL = 'applyset.kubernetes.io/id';
export const APPLYSET_PART_OF_LABEL = 'applyset.kubernetes.io/part-of';
export const APPLYSET_TOOLING = 'applyset.kubernetes.io/tooling';
export const APPLYSET_GROUP_KINDS = 'applyset.kubernetes.io/contains-group-kinds';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** `Deployment.apps`, `Service` (the core group is empty). */
export function groupKind(apiVersion: string, kind: string): string {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
  return group ? `${kind}.${group}` : kind;
}

export function parentName(app: string): string {
  return `berth-applyset-${app}`;
}

/** kubectl's id: base64url(sha256("<name>.<namespace>.<kind>.<group>")), unpadded, as applyset-<hash>-v1. */
export function applySetId(parentName: string, namespace: string, kind = 'Secret', group = ''): string {
  const hash = createHash('sha256').update(`${parentName}.${namespace}.${kind}.${group}`).digest('base64url');
  return `applyset-${hash}-v1`;
}

export function parseGroupKinds(annotation: string | undefined): string[] {
  return (annotation ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

export function formatGroupKinds(groupKinds: Iterable<string>): string {
  return [...new Set(groupKinds)].sort().join(',');
}

/** The parent Secret, listing `groupKinds`; applied before members so an interrupted run cannot orphan objects. */
export function applySetParent(app: string, namespace: string, groupKinds: Iterable<string>, tooling: string): Record<string, unknown> {
  const name = parentName(app);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'berth.dev/applyset',
    metadata: {
      name,
      namespace,
      labels: { [APPLYSET_ID_LABEL]: applySetId(name, namespace), 'berth.dev/app': app },
      annotations: { [APPLYSET_TOOLING]: tooling, [APPLYSET_GROUP_KINDS]: formatGroupKinds(groupKinds) },
    },
  };
}

export const refKey = (r: ObjectRef): string => `${groupKind(r.apiVersion, r.kind)}/${r.namespace ?? ''}/${r.name}`;
