import { createHash } from 'node:crypto';
import path from 'node:path';
import { ApiError } from '../../../shared/api/errors.js';
import type { KubernetesDestination } from '../../../shared/model/app.js';
import type { ContainerStatus } from '../../../shared/model/deploy.js';
import type { Host } from '../../hosts/host.js';
import type { DeployTarget, LogOptions, TargetPlan, TargetPlanRequest } from '../deploy-target.js';
import { prefixLines } from '../docker/docker-target.js';
import type { KubeApi } from './kube-api.js';
import type { KubeObject } from './kube-client.js';
import { planKubernetesDeploy } from './kube-planner.js';
import { listReleases, lockInfo, lockName, readLockObject } from './kube-releases.js';
import { markKubeReleaseFailed } from './kube-steps.js';
import type { KubeServer } from './kube-builds.js';

export interface KubeTargetOptions {
  /** A client for the destination's context (a kubeconfig context, or a cluster reached through SSH). */
  client(destination: KubernetesDestination): Promise<KubeApi>;
  /** The server of the destination's cluster, when it is one of the user's SSH servers: images are built there and imported into its containerd. */
  server?(destination: KubernetesDestination): Promise<KubeServer | undefined>;
  /** This computer, for local builds and pushes to a registry. */
  local?: Host;
  /** Where local builds check out sources (<dataDir>/build-src, as for Docker deploys). */
  dataDir?: string;
}

/** A namespace of a Kubernetes cluster: releases and the lock are objects in it. */
export class KubeTarget implements DeployTarget<KubernetesDestination> {
  constructor(private readonly options: KubeTargetOptions) {}

  async plan(request: TargetPlanRequest<KubernetesDestination>): Promise<TargetPlan> {
    const client = await this.options.client(request.destination);
    // Only a deploy that builds needs the cluster's server (its steps run exec actions there).
    const builds = request.kind === 'deploy' && Object.values(request.app?.services ?? {}).some((s) => s.build);
    const server = builds ? await this.options.server?.(request.destination) : undefined;
    const dataDir = this.options.dataDir;
    const plan = await planKubernetesDeploy({
      ...request, client,
      builds: {
        ...(server ? { server } : {}), ...(this.options.local ? { local: this.options.local } : {}), ...(request.buildOn ? { buildOn: request.buildOn } : {}), ...(request.appDir ? { appDir: request.appDir } : {}),
        ...(dataDir ? { localCheckoutDir: (git: string) => path.join(dataDir, 'build-src', createHash('sha256').update(git).digest('hex').slice(0, 12)) } : {}),
      },
    });
    return {
      view: plan.view,
      steps: plan.steps,
      ...(server ? { server: server.host } : {}),
      ...(request.app ? { app: request.app } : {}),
      heartbeat: plan.heartbeat,
      reachable: plan.reachable,
      markFailed: (state, error) => markKubeReleaseFailed(plan.ctx, state, error),
    };
  }

  async releases(appName: string, d: KubernetesDestination) {
    const client = await this.options.client(d);
    const [releases, lock] = await Promise.all([listReleases(client, d.namespace, appName), readLockObject(client, d.namespace, appName)]);
    return { releases, lock: lockInfo(lock) ?? null };
  }

  async unlock(appName: string, d: KubernetesDestination, force: boolean) {
    const client = await this.options.client(d);
    const lock = lockInfo(await readLockObject(client, d.namespace, appName));
    if (!lock) return { removed: null };
    if (!lock.stale && !force) {
      throw new ApiError('LOCKED', `The lock of ${appName} is live: ${lock.by} is deploying ${lock.releaseId} (heartbeat ${lock.heartbeatAgeSeconds ?? '?'} s ago). Wait for it, or force it only if you are sure that deploy is gone.`);
    }
    await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: lockName(appName), namespace: d.namespace });
    return { removed: lock };
  }

  /** One row per container of each pod of the app. */
  async status(appName: string, d: KubernetesDestination): Promise<ContainerStatus[]> {
    const client = await this.options.client(d);
    const pods = await client.list('v1', 'Pod', d.namespace, `app.kubernetes.io/instance=${appName}`);
    const out: ContainerStatus[] = [];
    for (const pod of pods) {
      const labels = (pod.metadata.labels ?? {}) as Record<string, string>;
      const status = (pod.status ?? {}) as { phase?: string; startTime?: string; containerStatuses?: Array<Record<string, any>> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- the pod status shape, read field by field
      for (const c of status.containerStatuses ?? []) {
        const state = Object.keys(c.state ?? {})[0] ?? status.phase ?? 'unknown';
        out.push({
          service: labels['app.kubernetes.io/name'] ?? '?',
          name: `${pod.metadata.name}/${String(c.name)}`,
          state: c.state?.waiting?.reason ? `${state} (${String(c.state.waiting.reason)})` : state,
          health: c.ready ? 'ready' : 'not ready',
          restarts: Number(c.restartCount ?? 0),
          ...(c.state?.running?.startedAt ? { startedAt: String(c.state.running.startedAt) } : status.startTime ? { startedAt: status.startTime } : {}),
          image: String(c.image ?? ''),
        });
      }
    }
    return out.sort((a, b) => a.service.localeCompare(b.service) || a.name.localeCompare(b.name));
  }

  /**
   * Logs of every container of the app's pods (or one service's), each line
   * prefixed with pod/container; with follow, pods that start later are
   * joined as they appear.
   */
  async logs(appName: string, d: KubernetesDestination, options: LogOptions, write: (text: string) => void): Promise<void> {
    const client = await this.options.client(d);
    const selector = `app.kubernetes.io/instance=${appName}${options.service ? `,app.kubernetes.io/name=${options.service}` : ''}`;
    const following = new Set<string>();
    const streams: Array<Promise<void>> = [];
    const follow = (pod: KubeObject) => {
      const spec = (pod.spec ?? {}) as { containers?: Array<{ name: string }> };
      for (const container of spec.containers ?? []) {
        const key = `${pod.metadata.name}/${container.name}`;
        if (following.has(key)) continue;
        following.add(key);
        streams.push((async () => {
          const stream = await client.podLog(d.namespace, pod.metadata.name, container.name, { follow: options.follow, tailLines: options.tail, signal: options.signal }).catch(() => undefined);
          if (stream) await prefixLines(stream, `${key} | `, write, options.signal);
        })());
      }
    };
    const running = (pod: KubeObject) => ((pod.status as { phase?: string } | undefined)?.phase ?? '') !== 'Pending';
    const pods = (await client.list('v1', 'Pod', d.namespace, selector)).filter(running);
    if (pods.length === 0 && !options.follow) throw new ApiError('NOT_FOUND', `${appName} has no ${options.service ? `${options.service} ` : ''}pods in ${d.namespace}.`);
    pods.forEach(follow);
    if (options.follow && options.signal) {
      const signal = options.signal;
      let controller: AbortController | undefined;
      // client-node ends a watch that hears nothing for 30 s; reopening it (it starts with every pod again) keeps joining new pods.
      const open = async (): Promise<void> => {
        if (signal.aborted) return;
        controller = await client.watch(`/api/v1/namespaces/${d.namespace}/pods`, { labelSelector: selector }, (type, pod) => {
          if (type !== 'DELETED' && running(pod)) follow(pod);
        }, () => {
          if (!signal.aborted) setTimeout(() => void open().catch(() => undefined), 1000);
        });
      };
      await open();
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      controller?.abort();
    }
    // Streams joined while waiting are in the array too.
    for (let i = 0; i < streams.length; i++) await streams[i];
  }
}
