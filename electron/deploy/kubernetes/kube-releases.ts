import zlib from 'node:zlib';
import { ApiError } from '../../../shared/api/errors.js';
import { ReleaseInfo, type LockInfo } from '../../../shared/model/deploy.js';
import type { KubeApi } from './kube-api.js';
import type { KubeObject } from './kube-client.js';

/**
 * Releases and the deploy lock live in the cluster, in the app's namespace,
 * so every installation (and kubectl) sees the same history: one Secret per
 * release holding the objects it applied (Secrets among them, hence a Secret)
 * and its ReleaseInfo, and one ConfigMap as the lock.
 */
export const RELEASE_TYPE = 'berth.dev/release';
const APP_LABEL = 'berth.dev/app';
const KIND_LABEL = 'berth.dev/kind';
/** A lock whose heartbeat is older than this is stale: its deploy died. */
export const LOCK_STALE_SECONDS = 60;

export const releaseSecretName = (app: string, id: string): string => `berth-release-${app}-${id}`;
export const lockName = (app: string): string => `berth-lock-${app}`;

export interface StoredRelease {
  info: ReleaseInfo;
  objects: KubeObject[];
}

export function releaseSecret(namespace: string, info: ReleaseInfo, objects: KubeObject[] | undefined): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: RELEASE_TYPE,
    metadata: { name: releaseSecretName(info.app, info.id), namespace, labels: { [APP_LABEL]: info.app, [KIND_LABEL]: 'release', 'berth.dev/state': info.state } },
    data: {
      'release.json': Buffer.from(JSON.stringify(info)).toString('base64'),
      ...(objects ? { 'objects.json.gz': zlib.gzipSync(JSON.stringify(objects)).toString('base64') } : {}),
    },
  };
}

function decode(secret: KubeObject, withObjects: boolean): StoredRelease | undefined {
  const data = (secret.data ?? {}) as Record<string, string>;
  try {
    const info = ReleaseInfo.parse(JSON.parse(Buffer.from(data['release.json'] ?? '', 'base64').toString('utf8')));
    const packed = data['objects.json.gz'];
    const objects = withObjects && packed ? (JSON.parse(zlib.gunzipSync(Buffer.from(packed, 'base64')).toString('utf8')) as KubeObject[]) : [];
    return { info, objects };
  } catch {
    return undefined; // not ours, or damaged: it is not a release Berth can use
  }
}

export async function listReleases(client: KubeApi, namespace: string, app: string): Promise<ReleaseInfo[]> {
  const secrets = await client.list('v1', 'Secret', namespace, `${APP_LABEL}=${app},${KIND_LABEL}=release`);
  return secrets
    .map((s) => decode(s, false)?.info)
    .filter((r): r is ReleaseInfo => r !== undefined && r.app === app)
    // Ids order by the second only; two releases made within one second are told apart by when they were planned (ms).
    .sort((a, b) => (a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? 1 : -1) : a.id < b.id ? 1 : -1));
}

export async function readRelease(client: KubeApi, namespace: string, app: string, id: string): Promise<StoredRelease | undefined> {
  const secret = await client.read({ apiVersion: 'v1', kind: 'Secret', name: releaseSecretName(app, id), namespace });
  return secret ? decode(secret, true) : undefined;
}

/**
 * Writes a release: the first time with its objects (server-side apply), later
 * only its info and state label, as a merge patch — an apply without the
 * objects would make the API server remove them, since Berth manages that key.
 */
export async function saveRelease(client: KubeApi, namespace: string, info: ReleaseInfo, objects?: KubeObject[]): Promise<void> {
  const secret = releaseSecret(namespace, info, objects);
  if (objects) {
    await client.apply(secret, { force: true });
    return;
  }
  await client.mergePatch(
    { apiVersion: 'v1', kind: 'Secret', name: secret.metadata.name, namespace },
    { metadata: { labels: { 'berth.dev/state': info.state } }, data: { 'release.json': (secret.data as Record<string, string>)['release.json'] } },
  );
}

export async function deleteRelease(client: KubeApi, namespace: string, app: string, id: string): Promise<boolean> {
  return client.delete({ apiVersion: 'v1', kind: 'Secret', name: releaseSecretName(app, id), namespace });
}

// ---- the lock ----

export interface LockHolder {
  by: string;
  berthVersion: string;
  releaseId: string;
}

function lockObject(namespace: string, app: string, holder: LockHolder, startedAt: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: lockName(app), namespace, labels: { [APP_LABEL]: app, [KIND_LABEL]: 'lock' } },
    data: { by: holder.by, berthVersion: holder.berthVersion, releaseId: holder.releaseId, startedAt, heartbeat: new Date().toISOString() },
  };
}

export function lockInfo(object: KubeObject | undefined, now = Date.now()): LockInfo | undefined {
  if (!object) return undefined;
  const data = (object.data ?? {}) as Record<string, string>;
  const beat = Date.parse(data.heartbeat ?? data.startedAt ?? '');
  const age = Number.isNaN(beat) ? undefined : Math.max(0, Math.round((now - beat) / 1000));
  return {
    by: data.by ?? '?',
    berthVersion: data.berthVersion ?? '?',
    releaseId: data.releaseId ?? '?',
    startedAt: data.startedAt ?? '?',
    ...(age !== undefined ? { heartbeatAgeSeconds: age } : {}),
    stale: age === undefined || age > LOCK_STALE_SECONDS,
  };
}

export async function readLockObject(client: KubeApi, namespace: string, app: string): Promise<KubeObject | undefined> {
  return client.read({ apiVersion: 'v1', kind: 'ConfigMap', name: lockName(app), namespace });
}

/**
 * Takes the lock with a create, which the API server makes atomic: of two
 * deploys, one gets AlreadyExists. A stale lock is replaced only with the
 * resourceVersion it was read at, so two deploys breaking it at once cannot
 * both win.
 */
export async function takeLock(client: KubeApi, namespace: string, app: string, holder: LockHolder, mayBreak: (lock: LockInfo) => Promise<boolean>): Promise<{ broke?: LockInfo }> {
  const object = lockObject(namespace, app, holder, new Date().toISOString());
  try {
    await client.create(object);
    return {};
  } catch (err) {
    const apiErr = client.translate(err, `lock ${app}`);
    if (apiErr.code !== 'CONFLICT') throw apiErr;
  }
  const existing = await readLockObject(client, namespace, app);
  const info = lockInfo(existing);
  if (!existing || !info) return takeLock(client, namespace, app, holder, mayBreak);
  if (!(await mayBreak(info))) {
    throw new ApiError('LOCKED', `${app} is being deployed by ${info.by} (${info.releaseId}, started ${info.startedAt}, heartbeat ${info.heartbeatAgeSeconds ?? '?'} s ago). Wait for it to finish${info.stale ? ', or break the stale lock (berth unlock)' : ''}.`);
  }
  await client.replace({ ...object, metadata: { ...object.metadata, resourceVersion: (existing.metadata as { resourceVersion?: string }).resourceVersion } });
  return { broke: info };
}

export async function heartbeat(client: KubeApi, namespace: string, app: string, releaseId: string): Promise<void> {
  const existing = await readLockObject(client, namespace, app);
  if (!existing || (existing.data as Record<string, string> | undefined)?.releaseId !== releaseId) return;
  await client.mergePatch({ apiVersion: 'v1', kind: 'ConfigMap', name: lockName(app), namespace }, { data: { heartbeat: new Date().toISOString() } });
}

export async function releaseLock(client: KubeApi, namespace: string, app: string, releaseId: string): Promise<void> {
  const existing = await readLockObject(client, namespace, app);
  if (!existing || (existing.data as Record<string, string> | undefined)?.releaseId !== releaseId) return;
  await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: lockName(app), namespace });
}
