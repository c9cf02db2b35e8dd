import type { ReleaseInfo } from '../../../shared/model/deploy.js';
import { apiCall, check, type RunContext, type Step } from '../engine/step.js';
import { applySetParent, formatGroupKinds, groupKind, type ObjectRef } from './applyset.js';
import type { KubeApi } from './kube-api.js';
import { describe, type KubeObject } from './kube-client.js';
import { deleteRelease, listReleases, releaseLock, saveRelease, takeLock } from './kube-releases.js';
import { watchRollout } from './rollout-watch.js';

/** Everything the Kubernetes steps need, fixed when the plan was made. */
export interface KubePlanContext {
  client: KubeApi;
  namespace: string;
  app: string;
  releaseId: string;
  by: string;
  berthVersion: string;
  /** The objects to apply, in apply order, each labelled as a member of the app's ApplySet. */
  desired: KubeObject[];
  desiredKinds: string[];
  /** Kinds the ApplySet parent listed before this deploy. */
  recordedKinds: string[];
  /** Members of the ApplySet that this release no longer renders. */
  pruneRefs: ObjectRef[];
  workloads: Array<{ kind: string; name: string }>;
  force: boolean;
  previous: ReleaseInfo | undefined;
  previousObjects?: () => Promise<KubeObject[]>;
  releaseInfo: ReleaseInfo;
  selector: string;
  rolloutTimeoutSeconds: number;
  keepReleases: number;
  namespaceExists: boolean;
  isOwnDeadDeploy(releaseId: string): Promise<boolean>;
  /** The server's clock when this release was first recorded: pods older than it belong to earlier releases. */
  startedAt: { value: string | undefined };
}

const step = (id: string, title: string, actions: Step['actions'], extra: Partial<Step> = {}): Step => ({ id, title, notes: [], actions, undo: [], ...extra });

export function connectStep(ctx: KubePlanContext, version: string): Step {
  return step('connect', `Reach ${ctx.client.label}`, [check(`GET /version (planned against ${version})`, async ({ log }) => {
    log.line(`    Kubernetes ${await ctx.client.version()}`);
  })]);
}

export function namespaceStep(ctx: KubePlanContext): Step {
  return step('namespace', `Create namespace ${ctx.namespace}`, [apiCall(`server-side apply Namespace ${ctx.namespace} (field manager berth)`, async () => {
    await ctx.client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ctx.namespace } });
  })]);
}

export function lockStep(ctx: KubePlanContext): Step {
  return step('lock', `Lock ${ctx.app} in ${ctx.namespace}`, [apiCall(`create ConfigMap berth-lock-${ctx.app} (fails if another deploy holds it; heartbeat every 10 s)`, async ({ log }) => {
    const result = await takeLock(ctx.client, ctx.namespace, ctx.app, { by: ctx.by, berthVersion: ctx.berthVersion, releaseId: ctx.releaseId }, async (lock) => lock.stale && (await ctx.isOwnDeadDeploy(lock.releaseId)));
    if (result.broke) log.line(`    broke the stale lock of ${result.broke.releaseId} (a deploy from here that died)`);
  })]);
}

/** The release is recorded before anything is applied, with its objects: an interrupted deploy can still be rolled back to what ran before. */
export function recordStartStep(ctx: KubePlanContext): Step {
  return step('record-start', `Record release ${ctx.releaseId}`, [apiCall(`server-side apply Secret berth-release-${ctx.app}-${ctx.releaseId} (the objects of this release, state running)`, async () => {
    await saveRelease(ctx.client, ctx.namespace, ctx.releaseInfo, ctx.desired);
    const stored = await ctx.client.read({ apiVersion: 'v1', kind: 'Secret', name: `berth-release-${ctx.app}-${ctx.releaseId}`, namespace: ctx.namespace });
    ctx.startedAt.value = String(stored?.metadata.creationTimestamp ?? new Date().toISOString());
  })]);
}

/** KEP-3659: the parent lists every kind the set may hold, old and new, before any member is applied. */
export function widenStep(ctx: KubePlanContext): Step {
  const kinds = formatGroupKinds([...ctx.recordedKinds, ...ctx.desiredKinds]);
  return step('applyset', 'Record what the app owns (ApplySet parent)', [apiCall(`server-side apply Secret berth-applyset-${ctx.app} with contains-group-kinds ${kinds || '(none)'}`, async () => {
    await ctx.client.apply(applySetParent(ctx.app, ctx.namespace, [...ctx.recordedKinds, ...ctx.desiredKinds], `berth/${ctx.berthVersion}`) as KubeObject, { force: true });
  })]);
}

export function applyStep(ctx: KubePlanContext): Step {
  const actions = ctx.desired.map((object) => apiCall(`server-side apply ${describe(object)} (field manager berth${ctx.force ? ', taking over conflicting fields' : ''})`, async ({ log }) => {
    const before = object.metadata.name;
    const result = await ctx.client.apply(object, { force: ctx.force });
    log.line(`    ${groupKind(object.apiVersion, object.kind)}/${before} applied (resourceVersion ${String((result.metadata as { resourceVersion?: string }).resourceVersion ?? '?')})`);
  }));
  const undo = ctx.previous
    ? [apiCall(`re-apply release ${ctx.previous.id}'s objects and wait for its rollout`, (run) => restorePrevious(ctx, run))]
    : [];
  return step('apply', `Apply ${ctx.desired.length} objects (server-side apply)`, actions, {
    undo,
    notes: ctx.previous ? [] : ['Nothing was serving before: if the rollout fails, the objects are left in place for you to inspect (berth logs, kubectl describe).'],
  });
}

async function restorePrevious(ctx: KubePlanContext, run: RunContext): Promise<void> {
  const objects = (await ctx.previousObjects?.()) ?? [];
  if (objects.length === 0 || !ctx.previous) return;
  run.log.line(`    rolling back to ${ctx.previous.id}`);
  for (const object of objects) await ctx.client.apply(object, { force: true });
  const workloads = objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind)).map((o) => ({ kind: o.kind, name: o.metadata.name }));
  await watchRollout({ client: ctx.client, namespace: ctx.namespace, selector: ctx.selector, workloads, since: new Date(0).toISOString(), timeoutSeconds: ctx.rolloutTimeoutSeconds, log: run.log, signal: run.signal });
  run.log.line(`    ${ctx.previous.id} is serving again`);
}

export function rolloutStep(ctx: KubePlanContext): Step {
  const names = ctx.workloads.map((w) => `${w.kind} ${w.name}`).join(', ') || 'no workloads';
  return step('rollout', 'Watch the rollout', [check(`watch ${names} until available (Jobs until complete), with pods and events; at most ${ctx.rolloutTimeoutSeconds} s`, async ({ log, signal }) => {
    await watchRollout({ client: ctx.client, namespace: ctx.namespace, selector: ctx.selector, workloads: ctx.workloads, since: ctx.startedAt.value ?? new Date().toISOString(), timeoutSeconds: ctx.rolloutTimeoutSeconds, log, signal });
  })], { commits: true });
}

export function pruneStep(ctx: KubePlanContext): Step {
  const actions = ctx.pruneRefs.map((ref) => apiCall(`delete ${describe(ref)} (a member of the app's ApplySet that this release no longer has)`, async ({ log }) => {
    if (await ctx.client.delete(ref)) log.line(`    deleted ${describe(ref)}`);
  }));
  actions.push(apiCall(`narrow the ApplySet parent to ${formatGroupKinds(ctx.desiredKinds) || '(none)'}`, async () => {
    await ctx.client.apply(applySetParent(ctx.app, ctx.namespace, ctx.desiredKinds, `berth/${ctx.berthVersion}`) as KubeObject, { force: true });
  }));
  return step('prune', ctx.pruneRefs.length > 0 ? `Prune ${ctx.pruneRefs.length} objects the app no longer has` : 'Prune (nothing to remove)', actions, { bestEffort: true });
}

export function recordStep(ctx: KubePlanContext): Step {
  return step('record', `Mark ${ctx.releaseId} serving; keep ${ctx.keepReleases} releases`, [apiCall('update the release Secrets (serving, kept or rolled-back) and delete the oldest beyond the limit', async ({ log }) => {
    await saveRelease(ctx.client, ctx.namespace, { ...ctx.releaseInfo, state: 'serving', finishedAt: new Date().toISOString() });
    if (ctx.previous) await saveRelease(ctx.client, ctx.namespace, { ...ctx.previous, state: ctx.releaseInfo.kind === 'rollback' ? 'rolled-back' : 'kept' });
    const all = await listReleases(ctx.client, ctx.namespace, ctx.app);
    const served = all.filter((r) => ['serving', 'kept', 'rolled-back'].includes(r.state));
    const drop = [...served.slice(ctx.keepReleases), ...all.filter((r) => !served.includes(r)).slice(ctx.keepReleases)];
    for (const r of drop) if (await deleteRelease(ctx.client, ctx.namespace, ctx.app, r.id)) log.line(`    removed release ${r.id}`);
  })], { bestEffort: true });
}

export function unlockStep(ctx: KubePlanContext): Step {
  return step('unlock', `Unlock ${ctx.app}`, [apiCall(`delete ConfigMap berth-lock-${ctx.app} if this deploy holds it`, () => releaseLock(ctx.client, ctx.namespace, ctx.app, ctx.releaseId))], { always: true });
}

/** A failed or cancelled deploy's release says so, so history and the next plan read it right. */
export async function markKubeReleaseFailed(ctx: KubePlanContext, state: 'failed' | 'cancelled', error: string): Promise<void> {
  if (!ctx.startedAt.value) return;
  await saveRelease(ctx.client, ctx.namespace, { ...ctx.releaseInfo, state, error, finishedAt: new Date().toISOString() }).catch(() => undefined);
}
