import { ApiError } from '../../../shared/api/errors.js';
import type { App, KubernetesDestination } from '../../../shared/model/app.js';
import type { DeployPlanView, ObjectChange, ReleaseInfo, ServiceMove } from '../../../shared/model/deploy.js';
import { stableHash } from '../../../shared/deploy/stable-hash.js';
import { renderFinal } from '../../../shared/translate/render/render-app.js';
import { viewStep, type Step } from '../engine/step.js';
import { APPLYSET_GROUP_KINDS, APPLYSET_PART_OF_LABEL, applySetId, groupKind, parentName, parseGroupKinds, refKey, type ObjectRef } from './applyset.js';
import { describeChange, newMaskKey } from './kube-diff.js';
import type { KubeApi } from './kube-api.js';
import type { KubeObject } from './kube-client.js';
import { heartbeat, listReleases, lockInfo, readLockObject, readRelease } from './kube-releases.js';
import { applyStep, connectStep, lockStep, namespaceStep, pruneStep, recordStartStep, recordStep, rolloutStep, unlockStep, widenStep, type KubePlanContext } from './kube-steps.js';
import { WORKLOAD_KINDS } from './rollout-watch.js';
import { planKubeBuilds, type KubeBuildInput, type KubeBuildPlan } from './kube-builds.js';

export interface KubePlanInput {
  kind: 'deploy' | 'rollback';
  /** The app to deploy (deploy), or whose release to restore (rollback: only its name is needed). */
  app?: App;
  appName: string;
  /** Rollback target; default: the newest kept release before the serving one. */
  to?: string;
  destination: KubernetesDestination;
  client: KubeApi;
  secrets: Record<string, string>;
  by: string;
  berthVersion: string;
  releaseId: string;
  /** Take over fields another field manager owns. */
  force?: boolean;
  isOwnDeadDeploy?: (releaseId: string) => Promise<boolean>;
  /** Builds (services with `build`): the SSH cluster's server to build on and import into, this computer, where to check out (kube-builds.ts). */
  builds?: Omit<KubeBuildInput, 'app' | 'destination' | 'secrets' | 'releaseId'>;
}

export interface KubePlan {
  view: DeployPlanView;
  steps: Step[];
  heartbeat(): Promise<void>;
  reachable(): Promise<boolean>;
  ctx: KubePlanContext;
}

const DEFAULT_ROLLOUT_SECONDS = 300;
const KEEP_RELEASES = 5;

/**
 * Reads the cluster (a server-side dry run of every object changes nothing),
 * then fixes the steps. The plan's `changes` are the dry run compared with
 * the live objects: exactly what the apply will do, shown before anything is
 * applied.
 */
export async function planKubernetesDeploy(input: KubePlanInput): Promise<KubePlan> {
  const { client, destination } = input;
  const namespace = destination.namespace;
  const serverVersion = await client.version();
  const releases = await listReleases(client, namespace, input.appName).catch((err: unknown) => {
    // A namespace that does not exist yet has no releases; anything else is a real problem.
    if (err instanceof ApiError && err.code === 'NOT_FOUND') return [];
    throw err;
  });
  const previous = releases.find((r) => r.state === 'serving');

  let objects: KubeObject[];
  let rollbackOf: string | undefined;
  const app: App | undefined = input.app;
  let builds: KubeBuildPlan | undefined;
  if (input.kind === 'rollback') {
    const target = input.to ? releases.find((r) => r.id === input.to) : releases.find((r) => r.state === 'kept' && (!previous || (r.createdAt < previous.createdAt || (r.createdAt === previous.createdAt && r.id < previous.id))));
    if (!target) throw new ApiError('NOT_FOUND', input.to ? `${input.appName} has no release ${input.to} in ${namespace}; berth releases lists the kept ones.` : `${input.appName} has no earlier release to roll back to in ${namespace}.`);
    const stored = await readRelease(client, namespace, input.appName, target.id);
    if (!stored || stored.objects.length === 0) throw new ApiError('NOT_FOUND', `Release ${target.id} of ${input.appName} has no stored objects to restore.`);
    objects = stored.objects;
    rollbackOf = target.id;
  } else {
    if (!app) throw new ApiError('INVALID_INPUT', 'No app to deploy.');
    // Builds are fixed first (commit, tag, import or push): the render runs exactly those refs.
    builds = await planKubeBuilds({ ...input.builds, app, destination, secrets: input.secrets, releaseId: input.releaseId });
    const real = renderFinal(app, destination, { secrets: input.secrets, revealSecrets: true, kubernetes: { builtImages: builds.builtImages } });
    const errors = real.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new ApiError('INVALID_INPUT', `The app cannot be deployed as rendered:\n${errors.map((e) => `- ${e.message}${e.field ? ` (${e.field})` : ''}`).join('\n')}`);
    if (real.target !== 'kubernetes') throw new ApiError('INTERNAL', 'A Kubernetes destination rendered something other than objects.');
    objects = real.objects as KubeObject[];
  }

  const setId = applySetId(parentName(input.appName), namespace);
  const desired = objects.map((o) => withPartOf(o, namespace, setId));
  const desiredKinds = new Set(desired.map((o) => groupKind(o.apiVersion, o.kind)));

  const namespaceExists = (await client.read({ apiVersion: 'v1', kind: 'Namespace', name: namespace })) !== undefined;
  const parent = namespaceExists ? await client.read({ apiVersion: 'v1', kind: 'Secret', name: parentName(input.appName), namespace }) : undefined;
  const recordedKinds = parseGroupKinds((parent?.metadata.annotations as Record<string, string> | undefined)?.[APPLYSET_GROUP_KINDS]);

  // Dry run, then compare with what is live: the diff is the server's answer, not a guess made here.
  const maskKey = newMaskKey();
  const changes: ObjectChange[] = [];
  const conflicts: string[] = [];
  for (const object of desired) {
    const ref = refOf(object);
    const live = namespaceExists ? await client.read(ref) : undefined;
    let result: KubeObject | undefined = object;
    if (namespaceExists) {
      try {
        result = await client.apply(object, { dryRun: true, force: input.force });
      } catch (err) {
        if (err instanceof ApiError && err.code === 'CONFLICT') {
          conflicts.push(err.message);
          result = object;
        } else throw err;
      }
    }
    changes.push(toView(describeChange(ref, live, result, maskKey)));
  }
  const desiredKeys = new Set(desired.map((o) => refKey(refOf(o))));
  const pruneRefs: ObjectRef[] = [];
  if (namespaceExists) {
    for (const gk of new Set([...recordedKinds, ...desiredKinds])) {
      const meta = apiVersionOf(gk, desired);
      if (!meta) continue;
      for (const live of await client.list(meta.apiVersion, meta.kind, namespace, `${APPLYSET_PART_OF_LABEL}=${setId}`)) {
        const ref = refOf(live);
        if (desiredKeys.has(refKey(ref))) continue;
        pruneRefs.push(ref);
        changes.push(toView(describeChange(ref, live, undefined, maskKey)));
      }
    }
  }

  const lock = namespaceExists ? lockInfo(await readLockObject(client, namespace, input.appName)) : undefined;
  const warnings: string[] = [];
  if (lock) warnings.push(`${input.appName} is locked by ${lock.by} (${lock.releaseId})${lock.stale ? '; the lock is stale' : ''}. The deploy will wait for nothing: it stops at the lock step unless that deploy is gone.`);
  if (conflicts.length > 0 && !input.force) warnings.push(`Fields are managed by another tool; the apply fails unless you take them over (--force-conflicts). ${conflicts[0]}`);
  if (builds) warnings.push(...builds.warnings);
  if (!namespaceExists) warnings.push(`Namespace ${namespace} does not exist yet; the deploy creates it, so no dry run could be made of the objects in it.`);

  const workloads = desired.filter((o) => WORKLOAD_KINDS[o.kind]).map((o) => ({ kind: o.kind, name: o.metadata.name }));
  const services = app ? serviceMoves(app, changes) : workloads.map((w) => ({ service: w.name, mode: 'beside' as const, summary: `${w.name}: restored from ${rollbackOf}` }));
  const timeout = app ? Math.max(DEFAULT_ROLLOUT_SECONDS, ...Object.values(app.services).map((s) => s.readyTimeoutSeconds ?? 0)) : DEFAULT_ROLLOUT_SECONDS;

  const releaseInfo: ReleaseInfo = {
    id: input.releaseId,
    app: input.appName,
    kind: input.kind,
    ...(rollbackOf ? { rollbackOf } : {}),
    by: input.by,
    berthVersion: input.berthVersion,
    createdAt: new Date().toISOString(),
    state: 'running',
    source: builds?.source ?? {},
    images: desired.flatMap(imagesOf),
    services: app
      ? Object.fromEntries(Object.entries(app.services).map(([name, s]) => [name, { hash: stableHash(s), stateful: false, routed: s.routes.length > 0 }]))
      : Object.fromEntries(workloads.map((w) => [w.name, { hash: stableHash(desired.find((o) => o.metadata.name === w.name && o.kind === w.kind)), stateful: false, routed: false }])),
    files: [],
  };

  const ctx: KubePlanContext = {
    client, namespace, app: input.appName, releaseId: input.releaseId, by: input.by, berthVersion: input.berthVersion,
    desired, desiredKinds: [...desiredKinds], recordedKinds, pruneRefs, workloads, force: input.force ?? false,
    previous, releaseInfo, selector: `app.kubernetes.io/instance=${input.appName}`, rolloutTimeoutSeconds: timeout, keepReleases: KEEP_RELEASES,
    namespaceExists, isOwnDeadDeploy: input.isOwnDeadDeploy ?? (async () => false), startedAt: { value: undefined },
    previousObjects: previous ? async () => (await readRelease(client, namespace, input.appName, previous.id))?.objects ?? [] : undefined,
  };
  const steps: Step[] = [
    connectStep(ctx, serverVersion),
    ...(namespaceExists ? [] : [namespaceStep(ctx)]),
    lockStep(ctx),
    // Built images are on the cluster (imported or pushed) before anything that runs them is applied.
    ...(builds?.step ? [builds.step] : []),
    recordStartStep(ctx),
    widenStep(ctx),
    applyStep(ctx),
    rolloutStep(ctx),
    pruneStep(ctx),
    recordStep(ctx),
    unlockStep(ctx),
  ];
  const view: DeployPlanView = {
    kind: input.kind,
    app: input.appName,
    destination: destination.name,
    server: client.label,
    releaseId: input.releaseId,
    previousRelease: previous?.id ?? null,
    ...(rollbackOf ? { rollbackOf } : {}),
    services,
    warnings,
    steps: steps.map(viewStep),
    changes,
    ...(conflicts.length > 0 ? { conflicts } : {}),
  };
  return {
    view,
    steps,
    ctx,
    heartbeat: () => heartbeat(client, namespace, input.appName, input.releaseId),
    reachable: () => client.version().then(() => true, () => false),
  };
}

function withPartOf(object: KubeObject, namespace: string, setId: string): KubeObject {
  const copy = structuredClone(object);
  copy.metadata.namespace ??= namespace;
  copy.metadata.labels = { ...(copy.metadata.labels as Record<string, string> | undefined), [APPLYSET_PART_OF_LABEL]: setId };
  return copy;
}

export function refOf(object: KubeObject | { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): ObjectRef {
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}) };
}

const KNOWN_API_VERSIONS: Record<string, string> = {
  Deployment: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1', Job: 'batch/v1', CronJob: 'batch/v1', Ingress: 'networking.k8s.io/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2', PodDisruptionBudget: 'policy/v1', Role: 'rbac.authorization.k8s.io/v1', RoleBinding: 'rbac.authorization.k8s.io/v1',
  NetworkPolicy: 'networking.k8s.io/v1',
};

/** The version to list a group-kind with: the one this render uses, else the stable one of a kind Berth renders. */
function apiVersionOf(gk: string, desired: KubeObject[]): { apiVersion: string; kind: string } | undefined {
  const found = desired.find((o) => groupKind(o.apiVersion, o.kind) === gk);
  if (found) return { apiVersion: found.apiVersion, kind: found.kind };
  const [kind, ...group] = gk.split('.');
  if (!kind) return undefined;
  if (group.length === 0) return { apiVersion: 'v1', kind };
  const known = KNOWN_API_VERSIONS[kind];
  return known && known.startsWith(`${group.join('.')}/`) ? { apiVersion: known, kind } : undefined;
}

function toView(change: ReturnType<typeof describeChange>): ObjectChange {
  return { apiVersion: change.ref.apiVersion, kind: change.ref.kind, name: change.ref.name, ...(change.ref.namespace ? { namespace: change.ref.namespace } : {}), action: change.action, live: change.live, desired: change.desired };
}

function imagesOf(object: KubeObject): Array<{ service: string; ref: string }> {
  const spec = (object.spec as Record<string, unknown> | undefined) ?? {};
  const template = (spec.template as { spec?: { containers?: Array<{ image?: string }> } } | undefined) ?? (object.kind === 'Pod' ? { spec: spec as { containers?: Array<{ image?: string }> } } : undefined);
  return (template?.spec?.containers ?? []).flatMap((c) => (c.image ? [{ service: object.metadata.name, ref: c.image }] : []));
}

function serviceMoves(app: App, changes: ObjectChange[]): ServiceMove[] {
  return Object.keys(app.services).map((service) => {
    const workload = changes.find((c) => WORKLOAD_KINDS[c.kind] && c.name === service);
    if (!workload) return { service, mode: 'unchanged', summary: `${service}: no workload` };
    if (workload.action === 'create') return { service, mode: 'created', summary: `${service}: new ${workload.kind}` };
    if (workload.action === 'unchanged') return { service, mode: 'unchanged', summary: `${service}: unchanged` };
    const recreate = /type: Recreate/.test(workload.desired);
    return recreate
      ? { service, mode: 'recreated', summary: `${service}: ${workload.kind} recreated (its volume can be attached to one pod at a time: brief downtime)` }
      : { service, mode: 'beside', summary: `${service}: rolling update of the ${workload.kind}` };
  });
}
