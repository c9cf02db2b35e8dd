import { z } from 'zod';

/**
 * Deploys, releases and their plans: one shape for every target. A Docker
 * deploy and (later) a Kubernetes deploy produce the same plan of named steps,
 * the same records and the same log stream; only the steps differ.
 */

/** `r<yyyymmdd>-<hhmmss>-<4 random>`: sorts by time, unique across installations. */
export const ReleaseId = z.string().regex(/^r\d{8}-\d{6}-[a-z0-9]{4}$/, 'a release id such as r20261201-093000-ab12');
export type ReleaseId = z.infer<typeof ReleaseId>;

export const DeployKind = z.enum(['deploy', 'rollback']);

/** What one planned action does, as shown to the user. Secret values are already masked here. */
export const PlanAction = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('exec'),
    /** Where it runs: the destination's server, or this computer (local builds). */
    on: z.enum(['server', 'local']),
    argv: z.array(z.string()),
    /** The argv as one shell-quoted line, exactly as sent. */
    display: z.string(),
  }),
  z.object({ kind: z.literal('upload'), path: z.string(), mode: z.string(), bytes: z.number().int(), preview: z.string() }),
  z.object({ kind: z.literal('pipe'), display: z.string() }),
  z.object({ kind: z.literal('check'), display: z.string() }),
  /** A call to the destination's API that changes it, e.g. a Kubernetes server-side apply. */
  z.object({ kind: z.literal('api'), display: z.string() }),
]);
export type PlanAction = z.infer<typeof PlanAction>;

export const PlanStepView = z.object({
  id: z.string(),
  title: z.string(),
  notes: z.array(z.string()),
  actions: z.array(PlanAction),
  /** Run when a later step fails or the deploy is cancelled, to leave the previous release serving. */
  undo: z.array(PlanAction),
});
export type PlanStepView = z.infer<typeof PlanStepView>;

/** How a service moves to the new release. */
export const ServiceMove = z.object({
  service: z.string(),
  mode: z.enum(['beside', 'recreated', 'unchanged', 'created']),
  /** A sentence for the plan, e.g. "db: recreated, brief downtime". */
  summary: z.string(),
});
export type ServiceMove = z.infer<typeof ServiceMove>;

/** One object a Kubernetes deploy changes: the live object and the server's dry-run result, as YAML with Secret values hashed. */
export const ObjectChange = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
  action: z.enum(['create', 'update', 'unchanged', 'delete']),
  live: z.string(),
  desired: z.string(),
});
export type ObjectChange = z.infer<typeof ObjectChange>;

export const DeployPlanView = z.object({
  kind: DeployKind,
  app: z.string(),
  destination: z.string(),
  server: z.string(),
  releaseId: ReleaseId,
  previousRelease: ReleaseId.nullable(),
  rollbackOf: ReleaseId.optional(),
  services: z.array(ServiceMove),
  warnings: z.array(z.string()),
  steps: z.array(PlanStepView),
  /** Kubernetes: every object the deploy applies or prunes, from a server-side dry run, for the diff view. */
  changes: z.array(ObjectChange).optional(),
  /** Kubernetes: fields another manager owns; applying needs force (taking them over). */
  conflicts: z.array(z.string()).optional(),
});
export type DeployPlanView = z.infer<typeof DeployPlanView>;

export const StepStatus = z.enum(['pending', 'running', 'done', 'failed', 'skipped', 'cancelled']);
export type StepStatus = z.infer<typeof StepStatus>;

export const DeployOutcome = z.enum(['running', 'succeeded', 'failed', 'cancelled', 'interrupted']);
export type DeployOutcome = z.infer<typeof DeployOutcome>;

export const StepRecord = z.object({
  id: z.string(),
  title: z.string(),
  status: StepStatus,
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});
export type StepRecord = z.infer<typeof StepRecord>;

/** A deploy as this installation saw it; kept on disk beside its full log. */
export const DeployRecord = z.object({
  id: ReleaseId,
  kind: DeployKind,
  app: z.string(),
  destination: z.string(),
  server: z.string(),
  by: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  outcome: DeployOutcome,
  /** Why it failed, and in which step. */
  error: z.string().optional(),
  failedStep: z.string().optional(),
  steps: z.array(StepRecord),
  /** The process running it, so another process sharing the data dir can tell a live deploy from one that died. */
  pid: z.number().int().optional(),
});
export type DeployRecord = z.infer<typeof DeployRecord>;

export const ReleaseState = z.enum(['serving', 'kept', 'failed', 'interrupted', 'cancelled', 'rolled-back', 'running']);
export type ReleaseState = z.infer<typeof ReleaseState>;

/** An image a release ran: the reference in its compose file and the image id it resolved to. */
export const ReleaseImage = z.object({ service: z.string(), ref: z.string(), id: z.string().optional() });

/**
 * `release.json`, kept on the server beside the files that ran, so any
 * installation sees the same history and can roll back without a rebuild.
 */
export const ReleaseInfo = z.object({
  id: ReleaseId,
  app: z.string(),
  kind: DeployKind,
  rollbackOf: ReleaseId.optional(),
  by: z.string(),
  berthVersion: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  state: ReleaseState,
  source: z.object({ commit: z.string().optional(), ref: z.string().optional(), repository: z.string().optional() }),
  images: z.array(ReleaseImage),
  /** Per service: the hash of its definition and whether it holds state (runs once, restarted in place). */
  services: z.record(z.string(), z.object({ hash: z.string(), stateful: z.boolean(), routed: z.boolean().default(false), alias: z.string().optional() })),
  /** The compose project its stateless services run as (a rollback runs the project of the release it restores). */
  project: z.string().optional(),
  /** Files of the release directory, relative to it. */
  files: z.array(z.string()),
  error: z.string().optional(),
});
export type ReleaseInfo = z.infer<typeof ReleaseInfo>;

export const LockInfo = z.object({
  by: z.string(),
  berthVersion: z.string(),
  releaseId: z.string(),
  startedAt: z.string(),
  /** Seconds since the holder last refreshed its heartbeat, as the server's clock sees it. */
  heartbeatAgeSeconds: z.number().optional(),
  stale: z.boolean(),
});
export type LockInfo = z.infer<typeof LockInfo>;

export const ContainerStatus = z.object({
  service: z.string(),
  name: z.string(),
  release: z.string().optional(),
  state: z.string(),
  health: z.string().optional(),
  restarts: z.number().int(),
  startedAt: z.string().optional(),
  image: z.string(),
});
export type ContainerStatus = z.infer<typeof ContainerStatus>;
