import path from 'node:path';
import { createHash } from 'node:crypto';
import { ApiError } from '../../../shared/api/errors.js';
import type { DockerDestination } from '../../../shared/model/app.js';
import type { ContainerStatus } from '../../../shared/model/deploy.js';
import type { Host } from '../../hosts/host.js';
import type { DeployTarget, LogOptions, TargetPlan, TargetPlanRequest } from '../deploy-target.js';
import { dockerApi, followLogs } from './docker-api.js';
import { planDockerDeploy, planDockerRollback } from './docker-planner.js';
import { ServerLayout } from './docker-cli.js';
import { homeAndSocket, inspectServer, readLock } from './server-facts.js';
import { markReleaseFailed } from './steps/release.js';

export interface DockerTargetOptions {
  host(serverId: string): Promise<Host>;
  local?: Host;
  dataDir: string;
}

/** Docker on a server (or this computer): releases, lock and logs live on that machine. */
export class DockerTarget implements DeployTarget<DockerDestination> {
  constructor(private readonly options: DockerTargetOptions) {}

  async plan(request: TargetPlanRequest<DockerDestination>): Promise<TargetPlan> {
    const { destination } = request;
    const server = await this.options.host(destination.server);
    const common = {
      destination, server, local: this.options.local, by: request.by, berthVersion: request.berthVersion, releaseId: request.releaseId, buildOn: request.buildOn,
      isOwnDeadDeploy: request.isOwnDeadDeploy,
      localCheckoutDir: (git: string) => path.join(this.options.dataDir, 'build-src', createHash('sha256').update(git).digest('hex').slice(0, 12)),
    };
    const plan = request.kind === 'rollback'
      ? await planDockerRollback({ ...common, appName: request.appName, to: request.to })
      : await planDockerDeploy({ ...common, app: request.app!, secrets: request.secrets, ...(request.appDir ? { appDir: request.appDir } : {}) });
    return {
      view: plan.view,
      steps: plan.steps,
      server,
      app: plan.ctx.app,
      heartbeat: () => server.exec(plan.heartbeat),
      markFailed: (state, error) => markReleaseFailed(plan.ctx, server, state, error),
    };
  }

  async releases(appName: string, d: DockerDestination) {
    const host = await this.options.host(d.server);
    const facts = await inspectServer(host, { app: appName, socket: d.dockerSocket, imageRefs: [] });
    return { releases: facts.releases, lock: facts.lock ?? null };
  }

  async unlock(appName: string, d: DockerDestination, force: boolean) {
    const host = await this.options.host(d.server);
    const { home } = await homeAndSocket(host, d.dockerSocket);
    const dir = new ServerLayout(home).lockDir(appName);
    const lock = await readLock(host, dir);
    if (!lock) return { removed: null };
    if (!lock.stale && !force) {
      throw new ApiError('LOCKED', `The lock of ${appName} is live: ${lock.by} is deploying ${lock.releaseId} (heartbeat ${lock.heartbeatAgeSeconds ?? '?'} s ago). Wait for it, or force it only if you are sure that deploy is gone.`);
    }
    const removed = await host.exec(['rm', '-rf', dir]);
    if (removed.exitCode !== 0) throw new ApiError('INTERNAL', `Could not remove ${dir} on ${host.label}: ${removed.stderr.trim()}. Remove it by hand (it belongs to another user?).`);
    return { removed: lock };
  }

  async status(appName: string, d: DockerDestination): Promise<ContainerStatus[]> {
    const host = await this.options.host(d.server);
    const api = dockerApi(host, (await homeAndSocket(host, d.dockerSocket)).socket);
    const containers = await api.listContainers({ all: true, filters: { label: [`berth.app=${appName}`] } });
    const out: ContainerStatus[] = [];
    for (const c of containers) {
      const info = await api.getContainer(c.Id).inspect().catch(() => undefined);
      out.push({
        service: c.Labels['berth.service'] ?? c.Labels['com.docker.compose.service'] ?? '?',
        name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
        release: c.Labels['berth.release'],
        state: c.State,
        health: info?.State.Health?.Status,
        restarts: info?.RestartCount ?? 0,
        startedAt: info?.State.StartedAt,
        image: c.Image,
      });
    }
    return out.sort((a, b) => a.service.localeCompare(b.service) || a.name.localeCompare(b.name));
  }

  /** Container logs, each line prefixed with its service; follows until the signal aborts. */
  async logs(appName: string, d: DockerDestination, options: LogOptions, write: (text: string) => void): Promise<void> {
    const host = await this.options.host(d.server);
    const api = dockerApi(host, (await homeAndSocket(host, d.dockerSocket)).socket);
    const labels = [`berth.app=${appName}`, ...(options.service ? [`berth.service=${options.service}`] : [])];
    const containers = (await api.listContainers({ filters: { label: labels } })).filter((c) => c.State === 'running' || !options.follow);
    if (containers.length === 0) throw new ApiError('NOT_FOUND', `${appName} has no ${options.service ? `${options.service} ` : ''}containers on ${d.name}.`);
    const width = Math.max(...containers.map((c) => (c.Labels['berth.service'] ?? '').length));
    await Promise.all(containers.map(async (c) => {
      const prefix = `${(c.Labels['berth.service'] ?? '?').padEnd(width)} | `;
      const stream = await followLogs(api, c.Id, { tail: options.tail, follow: options.follow, signal: options.signal });
      await prefixLines(stream, prefix, write, options.signal);
    }));
  }
}

/** Writes a stream's lines with a prefix, ending with the stream or the signal. */
export function prefixLines(stream: NodeJS.ReadableStream, prefix: string, write: (text: string) => void, signal?: AbortSignal): Promise<void> {
  let partial = '';
  return new Promise<void>((resolve) => {
    stream.on('data', (chunk: Buffer | string) => {
      const text = partial + chunk.toString();
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) write(`${prefix}${line}\n`);
    });
    stream.on('end', () => {
      if (partial) write(`${prefix}${partial}\n`);
      resolve();
    });
    stream.on('error', () => resolve());
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
}
