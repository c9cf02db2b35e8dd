import { createHmac, randomBytes } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';
import { dumpYaml } from '../../../shared/translate/render/serialize.js';
import { groupKind, type ObjectRef } from './applyset.js';

export type ChangeAction = 'create' | 'update' | 'unchanged' | 'delete';

export interface ObjectChange {
  ref: ObjectRef;
  action: ChangeAction;
  /** YAML as it is in the cluster now (empty when created). */
  live: string;
  /** YAML as the dry run says it will be (empty when deleted). */
  desired: string;
}

/** Fields the server owns; comparing them would show a change on every run. */
const SERVER_METADATA = ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink'];

/**
 * One object as a person should compare it: no server bookkeeping, no status,
 * Secret values replaced by a keyed hash of the value, so a diff shows which
 * keys change without showing any value (the key is per plan, so nothing
 * outlives it).
 */
export function comparable(object: Record<string, unknown> | undefined, maskKey: Buffer): Record<string, unknown> | undefined {
  if (!object) return undefined;
  const copy = structuredClone(object);
  delete copy.status;
  const meta = copy.metadata as Record<string, unknown> | undefined;
  if (meta) {
    for (const key of SERVER_METADATA) delete meta[key];
    const annotations = meta.annotations as Record<string, string> | undefined;
    if (annotations) {
      delete annotations['deployment.kubernetes.io/revision'];
      delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
      if (Object.keys(annotations).length === 0) delete meta.annotations;
    }
  }
  if (copy.kind === 'Secret') {
    for (const field of ['data', 'stringData'] as const) {
      const data = copy[field] as Record<string, string> | undefined;
      if (!data) continue;
      const bytes = (v: string) => (field === 'data' ? Buffer.from(v, 'base64') : Buffer.from(v));
      copy[field] = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, `(secret, ${createHmac('sha256', maskKey).update(bytes(v)).digest('hex').slice(0, 12)})`]));
    }
  }
  return copy;
}

export function newMaskKey(): Buffer {
  return randomBytes(32);
}

export function describeChange(ref: ObjectRef, live: Record<string, unknown> | undefined, desired: Record<string, unknown> | undefined, maskKey: Buffer): ObjectChange {
  const before = comparable(live, maskKey);
  const after = comparable(desired, maskKey);
  const liveYaml = before ? dumpYaml(before) : '';
  const desiredYaml = after ? dumpYaml(after) : '';
  const action: ChangeAction = !before ? 'create' : !after ? 'delete' : liveYaml === desiredYaml ? 'unchanged' : 'update';
  return { ref, action, live: liveYaml, desired: desiredYaml };
}

export function changeTitle(change: ObjectChange): string {
  return `${groupKind(change.ref.apiVersion, change.ref.kind)} ${change.ref.namespace ? `${change.ref.namespace}/` : ''}${change.ref.name}`;
}

/** A unified diff of every change, for `berth diff` and the plan's text view. */
export function unifiedDiff(changes: ObjectChange[]): string {
  return changes
    .filter((c) => c.action !== 'unchanged')
    .map((c) => {
      const title = changeTitle(c);
      return createTwoFilesPatch(`live/${title}`, `${c.action === 'delete' ? 'pruned' : 'berth'}/${title}`, c.live, c.desired, undefined, undefined, { context: 3 });
    })
    .join('');
}
