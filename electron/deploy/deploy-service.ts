import os from 'node:os';
import { ApiError } from '../../shared/api/errors.js';
import type { App, Destination, DockerDestination, KubernetesDestination } from '../../shared/model/app.js';
import type { ContainerStatus, DeployPlanView, DeployRecord, LockInfo, ReleaseInfo } from '../../shared/model/deploy.js';
import { createRedactor } from '../../shared/deploy/redact.js';
import { newReleaseId } from '../../shared/deploy/release-id.js';
import { appSecretKey } from '../../shared/model/secret-keys.js';
import { renderApp } from '../../shared/translate/index.js';
import type { EventBus } from '../api/event-bus.js';
import type { Host } from '../hosts/host.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { secretNames } from '../apps/render-service.js';
import type { DeployTarget, LogOptions, TargetPlan } from './deploy-target.js';
import { DeployLog } from './engine/deploy-log.js';
import { DeployRecords } from './engine/records.js';
import { runSteps } from './engine/runner.js';
import { DockerTarget } from './docker/docker-target.js';
import type { KubeClient } from './kubernetes/kube-client.js';
import { KubeTarget } from './kubernetes/kube-target.js';
import type { KubeApi } from './kubernetes/kube-api.js';
import type { KubeServer } from './kubernetes/kube-builds.js';

export interface DeployServiceOptions {
  dataDir: string;
  secrets: SecretStore;
  events: EventBus;
  version: string;
  /** The host a server id (or "local") names. */
  host(serverId: string): Promise<Host>;
  /** This computer, for local builds. */
  local?: Host;
  /** Where BERTH_SECRET_<NAME> values come from (the CLI passes its environment). */
  env?: NodeJS.ProcessEnv;
  /** Who deploys, as recorded on the server; defaults to user@hostname. */
  by?: string;
  /** Seconds between lock heartbeats (tests shorten it). */
  heartbeatSeconds?: number;
  /** A client for a Kubernetes destination's context; without it, Kubernetes deploys are refused. */
  kube?(destination: KubernetesDestination): Promise<KubeClient>;
  /**
   * When kube() cannot reach the cluster (an SSH cluster whose sshd refuses
   * TCP forwarding), what deploys use instead, e.g. kubectl run on the
   * cluster's server over SSH (RemoteKubeApi); undefined: kube()'s error stands.
   */
  kubeFallback?(destination: KubernetesDestination, error: unknown): Promise<KubeApi | undefined>;
  /** The server of the destination's cluster when it is an SSH cluster: images built from source are built and imported there. */
  kubeServer?(destination: KubernetesDestination): Promise<KubeServer | undefined>;
}

export interface PlanRequest {
  kind: 'deploy' | 'rollback';
  app?: App;
  appName?: string;
  destination: Destination;
  /** Rollback target; default: the newest kept release before the serving one. */
  to?: string;
  buildOn?: 'server' | 'local';
  /** Kubernetes: take over fields another field manager owns. */
  force?: boolean;
  /** The folder local build contexts are relative to (the app file's folder). */
  appDir?: string;
}

interface PendingPlan {
  plan: TargetPlan;
  request: PlanRequest;
  secretValues: string[];
  expires: number;
}

interface RunningDeploy {
  record: DeployRecord;
  log: DeployLog;
  abort: AbortController;
  done: Promise<DeployRecord>;
}

const PLAN_TTL_MS = 15 * 60 * 1000;

/**
 * Plans, runs and remembers deploys. A plan is made first (reading the
 * server, changing nothing) and kept here; starting it runs exactly that
 * plan. Records and logs go to this installation's data directory, releases
 * to the server, so every installation sees the same history.
 */
export class DeployService {
  readonly records: DeployRecords;
  private readonly plans = new Map<string, PendingPlan>();
  private readonly running = new Map<string, RunningDeploy>();

  private readonly docker: DockerTarget;
  private readonly kube: KubeTarget;

  constructor(private readonly options: DeployServiceOptions) {
    this.records = new DeployRecords(options.dataDir);
    this.docker = new DockerTarget({ host: options.host, local: options.local, dataDir: options.dataDir });
    this.kube = new KubeTarget({
      client: async (d) => {
        if (!options.kube) throw new ApiError('UNSUPPORTED', `${d.name} is a Kubernetes destination, and Kubernetes clusters are not available in this mode.`);
        try {
          return await options.kube(d);
        } catch (err) {
          const fallback = await options.kubeFallback?.(d, err);
          if (fallback) return fallback;
          throw err;
        }
      },
      ...(options.kubeServer ? { server: (d: KubernetesDestination) => options.kubeServer!(d) } : {}),
      ...(options.local ? { local: options.local } : {}),
      dataDir: options.dataDir,
    });
  }

  private target(destination: Destination): { target: DeployTarget<Destination>; destination: Destination } {
    const target = destination.type === 'docker' ? (this.docker as DeployTarget<DockerDestination>) : (this.kube as DeployTarget<KubernetesDestination>);
    return { target: target as DeployTarget<Destination>, destination };
  }

  private get by(): string {
    return this.options.by ?? `${os.userInfo().username}@${os.hostname()}`;
  }

  async plan(request: PlanRequest): Promise<{ planId: string; plan: DeployPlanView }> {
    const { target, destination } = this.target(request.destination);
    const releaseId = newReleaseId();
    const appName = request.appName ?? request.app?.name ?? '';
    if (request.kind === 'deploy' && !request.app) throw new ApiError('INVALID_INPUT', 'No app to deploy.');
    const secrets = request.kind === 'deploy' ? await this.resolveSecrets(request.app!) : {};
    const plan = await target.plan({
      kind: request.kind, app: request.app, appName, destination, to: request.to, buildOn: request.buildOn, force: request.force, appDir: request.appDir,
      secrets, releaseId, by: this.by, berthVersion: this.options.version,
      isOwnDeadDeploy: async (id: string) => {
        if (this.running.has(id)) return false;
        const record = await this.records.get(id);
        return record?.outcome === 'interrupted' || (record?.outcome === 'running' && !processAlive(record.pid));
      },
    });
    const secretValues = request.kind === 'deploy' ? Object.values(secrets) : plan.app ? await this.knownSecretValues(plan.app) : [];
    this.prune();
    this.plans.set(releaseId, { plan, request, secretValues, expires: Date.now() + PLAN_TTL_MS });
    const redact = createRedactor(secretValues);
    return { planId: releaseId, plan: JSON.parse(redact(JSON.stringify(plan.view))) as DeployPlanView };
  }

  /** Starts a planned deploy; resolves once it is running (watch events, or `wait`). */
  async start(planId: string): Promise<DeployRecord> {
    const pending = this.plans.get(planId);
    if (!pending) throw new ApiError('NOT_FOUND', 'That plan has expired or was already used; make a new plan.');
    this.plans.delete(planId);
    const { plan, request } = pending;
    const view = plan.view;
    for (const r of this.running.values()) {
      if (r.record.app === view.app && r.record.destination === view.destination) throw new ApiError('LOCKED', `${view.app} is already being deployed to ${view.destination} from here (${r.record.id}).`);
    }
    const record: DeployRecord = {
      id: view.releaseId, kind: view.kind, app: view.app, destination: view.destination, server: view.server, by: this.by,
      startedAt: new Date().toISOString(), outcome: 'running', pid: process.pid, steps: view.steps.map((s) => ({ id: s.id, title: s.title, status: 'pending' })),
    };
    const redact = createRedactor(pending.secretValues);
    const log = new DeployLog(this.records.logPath(record), redact, (data) => this.options.events.emit('deploy.log', { deployId: record.id, data }));
    const abort = new AbortController();
    await this.records.save(record);
    const publish = () => {
      void this.records.save(record).catch(() => undefined);
      this.options.events.emit('deploy.record', structuredClone(record));
    };
    log.line(`\u001b[1mBerth ${view.kind} ${view.app} → ${view.destination} as ${view.releaseId}\u001b[0m`);
    for (const s of view.services) log.line(`  ${s.summary}`);
    for (const w of view.warnings) log.line(`\u001b[33m  ! ${w}\u001b[0m`);
    const done = (async () => {
      const outcome = await runSteps(plan.steps, {
        server: plan.server, local: this.options.local, log, signal: abort.signal,
        ...(plan.heartbeat ? { heartbeat: { run: plan.heartbeat, intervalMs: (this.options.heartbeatSeconds ?? 10) * 1000 } } : {}),
        ...(plan.reachable ? { reachable: plan.reachable } : {}),
        onStep: (index, status) => {
          const step = record.steps[index];
          if (!step) return;
          step.status = status;
          if (status === 'running') step.startedAt = new Date().toISOString();
          else if (status !== 'pending') step.finishedAt = new Date().toISOString();
          publish();
        },
      }).catch((err: unknown) => ({ ok: false as const, cancelled: false, interrupted: false, committed: false, failedStep: 'internal', error: err instanceof Error ? err : new Error(String(err)) }));
      record.finishedAt = new Date().toISOString();
      if (outcome.ok) {
        record.outcome = 'succeeded';
        log.line(`\u001b[32m✓ ${view.releaseId} is serving.\u001b[0m`);
        if (request.kind === 'deploy' && request.app) {
          const masked = renderApp(request.app, request.destination, { secrets: Object.fromEntries(secretNames(request.app).map((n) => [n, ''])), revealSecrets: false });
          await this.records.saveLastDeployed(view.app, view.destination, masked.files, record.finishedAt).catch(() => undefined);
        }
      } else {
        record.outcome = outcome.cancelled ? 'cancelled' : outcome.interrupted ? 'interrupted' : 'failed';
        record.failedStep = outcome.failedStep;
        record.error = redact(outcome.error.message);
        if (!outcome.interrupted && !outcome.committed) await plan.markFailed(outcome.cancelled ? 'cancelled' : 'failed', record.error).catch(() => undefined);
        if (outcome.committed) log.line(`\u001b[33m${view.releaseId} is serving, but "${outcome.failedStep}" failed: ${record.error}\u001b[0m`);
        else log.line(outcome.interrupted
          ? `\u001b[31mThe connection to the server was lost during "${outcome.failedStep}". The deploy is marked interrupted; the next deploy of ${view.app} cleans up what it left.\u001b[0m`
          : `\u001b[31m${record.outcome === 'cancelled' ? 'Cancelled' : 'Failed'}: ${view.previousRelease ? `${view.previousRelease} keeps serving.` : 'nothing was serving before.'}\u001b[0m`);
      }
      await log.close();
      this.running.delete(record.id);
      publish();
      return structuredClone(record);
    })();
    this.running.set(record.id, { record, log, abort, done });
    publish();
    return structuredClone(record);
  }

  wait(deployId: string): Promise<DeployRecord> {
    const run = this.running.get(deployId);
    if (run) return run.done;
    return this.records.get(deployId).then((r) => {
      if (!r) throw new ApiError('NOT_FOUND', `No deploy ${deployId}.`);
      return r;
    });
  }

  cancel(deployId: string): void {
    const run = this.running.get(deployId);
    if (!run) throw new ApiError('NOT_FOUND', `Deploy ${deployId} is not running here.`);
    run.log.line('\u001b[33mCancelling: stopping the remote work…\u001b[0m');
    run.abort.abort(new ApiError('CANCELLED', 'Cancelled by the user.'));
  }

  /** Local records, newest first, with running deploys' live state. */
  async list(app?: string): Promise<DeployRecord[]> {
    const stored = await this.records.list(app);
    return Promise.all(stored.map(async (r) => {
      const live = this.running.get(r.id);
      if (live) return structuredClone(live.record);
      // A deploy whose process died never finishes by itself: say so instead of "running" forever.
      if (r.outcome === 'running' && !processAlive(r.pid)) {
        const dead: DeployRecord = { ...r, outcome: 'interrupted', error: r.error ?? 'Berth stopped while this deploy ran; the next deploy of the app cleans up what it left.' };
        await this.records.save(dead).catch(() => undefined);
        return dead;
      }
      return r;
    }));
  }

  async log(deployId: string): Promise<string> {
    const run = this.running.get(deployId);
    if (run) return run.log.text();
    const record = await this.records.get(deployId);
    if (!record) throw new ApiError('NOT_FOUND', `No deploy ${deployId}.`);
    return this.records.readLog(record);
  }

  /** The destination's history of the app, newest first, and its lock. */
  releases(appName: string, destination: Destination): Promise<{ releases: ReleaseInfo[]; lock: LockInfo | null }> {
    const { target } = this.target(destination);
    return target.releases(appName, destination);
  }

  /** Breaks the app's lock on the destination; refuses a live one unless forced. */
  unlock(appName: string, destination: Destination, force = false): Promise<{ removed: LockInfo | null }> {
    return this.target(destination).target.unlock(appName, destination, force);
  }

  status(appName: string, destination: Destination): Promise<ContainerStatus[]> {
    return this.target(destination).target.status(appName, destination);
  }

  /** Logs of the app's containers (or pods), each line prefixed with where it came from; follows until the signal aborts. */
  logs(appName: string, destination: Destination, options: LogOptions, write: (text: string) => void): Promise<void> {
    return this.target(destination).target.logs(appName, destination, options, write);
  }

  /** A client for a Kubernetes destination's context (container actions and port-forwards use it). */
  kubeClient(destination: KubernetesDestination): Promise<KubeClient> {
    if (!this.options.kube) throw new ApiError('UNSUPPORTED', `${destination.name} is a Kubernetes destination, and Kubernetes clusters are not available in this mode.`);
    return this.options.kube(destination);
  }

  async dispose(): Promise<void> {
    for (const run of this.running.values()) run.abort.abort(new ApiError('CANCELLED', 'Berth is closing.'));
    await Promise.all([...this.running.values()].map((r) => r.done.catch(() => undefined)));
  }

  /** Each referenced secret from the store, else BERTH_SECRET_<NAME>; a missing one fails before the server is touched. */
  private async resolveSecrets(app: App): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    const missing: string[] = [];
    for (const name of deploySecretNames(app)) {
      const value = (await this.options.secrets.get(appSecretKey(app.name, name))) ?? this.options.env?.[secretEnvName(name)];
      if (value === undefined) missing.push(name);
      else out[name] = value;
    }
    if (missing.length > 0) {
      throw new ApiError('INVALID_INPUT', `${app.name} needs ${missing.length === 1 ? 'a secret that has' : 'secrets that have'} no value: ${missing.join(', ')}. Set ${missing.length === 1 ? 'it' : 'them'} in the app's secrets (berth secrets set ${app.name} ${missing[0]}), or in the environment as ${missing.map(secretEnvName).join(', ')}.`);
    }
    return out;
  }

  private async knownSecretValues(app: App): Promise<string[]> {
    const values: string[] = [];
    for (const name of secretNames(app)) {
      const value = (await this.options.secrets.get(appSecretKey(app.name, name))) ?? this.options.env?.[secretEnvName(name)];
      if (value !== undefined) values.push(value);
    }
    return values;
  }

  private prune() {
    const now = Date.now();
    for (const [id, p] of this.plans) if (p.expires < now) this.plans.delete(id);
  }
}

/** The secrets a deploy needs: every env secret, and the deploy keys of private repositories. */
function deploySecretNames(app: App): string[] {
  const keys = Object.values(app.services).flatMap((s) => (s.build?.deployKey ? [s.build.deployKey] : []));
  return [...new Set([...secretNames(app), ...keys])];
}

function processAlive(pid: number | undefined): boolean {
  if (pid === undefined || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function secretEnvName(name: string): string {
  return `BERTH_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}
