import type { ReleaseInfo } from '../../../../shared/model/deploy.js';
import type { Host } from '../../../hosts/host.js';
import { check, exec, type Action, type Step, serverOf } from '../../engine/step.js';
import { HealthFailure, waitReady } from '../health.js';
import { projectOf } from '../server-facts.js';
import type { DockerPlanContext } from '../plan-context.js';
import { PROXY_CONTAINER, offlineRoute, probeThroughProxy, switchRoutes } from './proxy.js';

export const STATE_FILE = 'state.yaml';
export const RELEASE_FILE = 'release.yaml';
export const ROUTES_FILE = 'proxy-routes.json';
export const INFO_FILE = 'release.json';

export function uploadStep(ctx: DockerPlanContext): Step {
  const dir = ctx.releaseDir;
  const appDir = ctx.facts.layout.appDir(ctx.app.name);
  const dirs = new Set([dir, ...ctx.files.filter((f) => f.name.includes('/')).map((f) => `${dir}/${f.name.slice(0, f.name.lastIndexOf('/'))}`)]);
  const actions: Action[] = [exec(['mkdir', '-p', ...dirs])];
  for (const file of ctx.split.files) {
    const content = file.encoding === 'base64' ? Buffer.from(file.content, 'base64') : file.content;
    actions.push({ kind: 'upload', path: `${appDir}/${file.path}`, content, preview: file.encoding === 'base64' ? `(binary, ${content.length} bytes)` : file.content, mode: parseInt(file.mode, 8) });
  }
  for (const file of ctx.files) actions.push({ kind: 'upload', path: `${dir}/${file.name}`, content: file.content, preview: file.preview, mode: file.mode });
  const info = `${JSON.stringify(ctx.releaseInfo, null, 2)}\n`;
  actions.push({ kind: 'upload', path: `${dir}/${INFO_FILE}`, content: info, preview: info, mode: 0o644 });
  return { id: 'upload', title: 'Upload the release', notes: [`Into ${dir}; env and secret files get mode 0600.`], actions, undo: [] };
}

function hookActions(ctx: DockerPlanContext, which: 'pre' | 'post'): Action[] {
  const { cli } = ctx.facts;
  return ctx.hooks.flatMap((h) => (which === 'pre' ? h.pre : h.post).map((line) => {
    const stateful = ctx.split.services[h.service]?.stateful;
    const file = `${ctx.releaseDir}/${stateful ? STATE_FILE : RELEASE_FILE}`;
    const project = stateful ? ctx.split.stateProject : ctx.releaseProject;
    return exec(cli.composeCmd(project, file, 'run', '--rm', '--no-deps', '-T', '--entrypoint', '/bin/sh', h.service, '-c', line), { cancellable: true });
  }));
}

export function preHooksStep(ctx: DockerPlanContext): Step | undefined {
  const actions = hookActions(ctx, 'pre');
  if (actions.length === 0) return undefined;
  return { id: 'pre-deploy', title: 'Run pre-deploy hooks', notes: ['Each runs in a one-off container of the new release; the previous release still serves.'], actions, undo: [] };
}

export function postHooksStep(ctx: DockerPlanContext): Step | undefined {
  const actions = hookActions(ctx, 'post');
  if (actions.length === 0) return undefined;
  return { id: 'post-deploy', title: 'Run post-deploy hooks', notes: [], actions, undo: [] };
}

/** State services first (in place, only when changed), so the release's hooks and services find them. */
export function startStateStep(ctx: DockerPlanContext): Step | undefined {
  if (!ctx.split.stateFile) return undefined;
  // Hooks (migrations) and the release need these services ready, so they are awaited here.
  const ready = readinessChecks(ctx, ctx.gated.filter((g) => g.stateful));
  const changed = Object.entries(ctx.split.services).filter(([name, s]) => s.stateful && ctx.previous?.services[name]?.hash !== s.hash).map(([name]) => name);
  const notes = Object.entries(ctx.split.services).filter(([, s]) => s.stateful).map(([name]) => `${name}: ${changed.includes(name) ? (ctx.previous?.services[name] ? 'recreated, brief downtime' : 'created') : 'unchanged'}`);
  const file = `${ctx.releaseDir}/${STATE_FILE}`;
  return {
    id: 'start-state',
    title: 'Start the services that hold state',
    notes,
    actions: [exec(ctx.facts.cli.composeCmd(ctx.split.stateProject, file, 'up', '-d', '--remove-orphans'), { cancellable: true }), ...ready.actions],
    undo: [],
  };
}

export function startReleaseStep(ctx: DockerPlanContext): Step | undefined {
  if (!ctx.split.releaseFile) return undefined;
  const file = `${ctx.releaseDir}/${RELEASE_FILE}`;
  const { cli } = ctx.facts;
  return {
    id: 'start',
    title: 'Start the new release',
    notes: [ctx.settings.proxy === 'none' || !ctx.previous ? `Runs as compose project ${ctx.releaseProject}.` : `Runs as compose project ${ctx.releaseProject}, beside the previous release, which keeps serving.`],
    actions: [exec(cli.composeCmd(ctx.releaseProject, file, 'up', '-d'), { cancellable: true })],
    undo: [exec(cli.composeCmd(ctx.releaseProject, file, 'down', '--remove-orphans'))],
  };
}

/** Readiness checks for some of the gated services: health or readiness, then the proxy-path check for routed ones. */
function readinessChecks(ctx: DockerPlanContext, gated: DockerPlanContext['gated']): { actions: Action[]; notes: string[] } {
  const notes: string[] = [];
  const actions: Action[] = [];
  for (const g of gated) {
    const service = ctx.app.services[g.service];
    if (!service) continue;
    const split = ctx.split.services[g.service];
    const route = service.routes[0];
    const timeout = service.readyTimeoutSeconds ?? ctx.settings.healthTimeoutSeconds;
    const mayExit = service.restart === 'no' || service.restart === 'on-failure';
    const how = service.healthcheck ? 'its health check reports healthy' : route ? `it runs ${ctx.settings.readinessSeconds} s without restarting and accepts TCP connections on port ${route.port}` : `it runs ${ctx.settings.readinessSeconds} s without restarting`;
    if (!service.healthcheck && split?.routed) notes.push(`${g.service} has no health check: zero downtime is not guaranteed. Add one (healthcheck.http) so traffic moves only when it answers.`);
    actions.push(check(`${g.service}: wait until ${how} (timeout ${timeout} s)`, async (run) => {
      const result = await waitReady(ctx.facts.api, {
        service: g.service,
        project: g.project,
        tcpPort: route?.port,
        mayExit,
        timeoutSeconds: timeout,
        readinessSeconds: service.healthcheck ? 0 : ctx.settings.readinessSeconds,
        network: ctx.split.appNetwork,
      }, run);
      run.log.line(`    ${result}`);
    }));
    if (split?.routed && split.alias && route && ctx.settings.proxy === 'caddy') {
      const path = service.healthcheck?.http?.path ?? route.path;
      const port = service.healthcheck?.http?.port ?? route.port;
      // Plain HTTP inside the server's Docker network, from the proxy to the new container, never over the internet.
      // eslint-disable-next-line @microsoft/sdl/no-insecure-url
      const url = `http://${split.alias}:${port}${path}`;
      actions.push(check(`${g.service}: answers through the proxy's network at ${url}`, async (run) => {
        const deadline = Date.now() + timeout * 1000;
        for (;;) {
          const probe = await probeThroughProxy(ctx, run, url);
          if (probe.ok) return run.log.line(`    ${probe.detail}`);
          if (Date.now() > deadline) throw new HealthFailure(`${g.service} did not answer through the proxy at ${url}: ${probe.detail}`);
          await new Promise((r) => setTimeout(r, 1000));
        }
      }));
    }
  }
  return { actions, notes };
}

export function healthStep(ctx: DockerPlanContext): Step {
  const { actions, notes } = readinessChecks(ctx, ctx.gated.filter((g) => !g.stateful));
  const switches = ctx.settings.proxy === 'caddy' && Object.keys(ctx.split.proxyRoutes).length > 0;
  // Without a switch, traffic reaches the new release as soon as it is healthy: that is the point of no return.
  if (!switches) actions.push(markServing(ctx));
  return { id: 'health', title: 'Wait for health', notes, actions, undo: [], commits: !switches };
}

export function switchStep(ctx: DockerPlanContext, previousRoutes: Record<string, Record<string, unknown>> | undefined): Step | undefined {
  if (ctx.settings.proxy !== 'caddy' || Object.keys(ctx.split.proxyRoutes).length === 0) return undefined;
  const restore = Object.fromEntries(Object.entries(ctx.split.proxyRoutes).map(([server, route]) => [server, previousRoutes?.[server] ?? offlineRoute(route, ctx.app.name)]));
  // A Caddy server the previous release had routes on and this one has none: its route object goes.
  const desired: Record<string, Record<string, unknown> | null> = { ...ctx.split.proxyRoutes };
  for (const [server, route] of Object.entries(previousRoutes ?? {})) if (!(server in desired)) {
    desired[server] = null;
    restore[server] = route;
  }
  const actions: Action[] = [switchRoutes(ctx, desired, `point ${ctx.app.name} at ${ctx.releaseId}`)];
  const undo: Action[] = [switchRoutes(ctx, restore, previousRoutes ? `point ${ctx.app.name} back at ${ctx.previous?.id}` : `answer 503 for ${ctx.app.name}`)];
  const checks = Object.values(ctx.app.services).flatMap((s) => s.routes.filter((r) => !r.https).map((r) => ({ domain: r.domain, path: r.path })));
  for (const c of checks.slice(0, 4)) {
    actions.push(check(`${c.domain}${c.path} answers through ${PROXY_CONTAINER}`, async (run) => {
      const probe = await probeThroughProxy(ctx, run, `http://localhost:80${c.path}`, c.domain);
      if (!probe.ok) throw new HealthFailure(`${c.domain}${c.path} does not answer through the proxy after the switch (${probe.detail}); traffic goes back to the previous release.`);
      run.log.line(`    ${probe.detail}`);
    }));
  }
  actions.push(markServing(ctx));
  return { id: 'switch', title: 'Switch traffic', notes: [`Replaces ${ctx.app.name}'s routes in Caddy in one atomic config load; in-flight requests finish on the previous release.`], actions, undo, commits: true };
}

/** With no proxy, published ports cannot be shared: the previous release stops before the new one starts. */
export function stopPreviousFirstStep(ctx: DockerPlanContext): Step | undefined {
  if (ctx.settings.proxy !== 'none' || !ctx.previous) return undefined;
  const prevDir = ctx.facts.layout.releaseDir(ctx.app.name, ctx.previous.id);
  const undo = ctx.previous.files.includes(RELEASE_FILE) ? [exec(ctx.facts.cli.composeCmd(projectOf(ctx.previous), `${prevDir}/${RELEASE_FILE}`, 'up', '-d'))] : [];
  return { ...retireActions(ctx, ctx.previous, 0), id: 'stop-previous', title: 'Stop the previous release (no proxy: brief downtime)', undo, bestEffort: false };
}

export function retireStep(ctx: DockerPlanContext): Step | undefined {
  if (!ctx.previous || ctx.settings.proxy === 'none') return undefined;
  return retireActions(ctx, ctx.previous, ctx.settings.drainSeconds);
}

function retireActions(ctx: DockerPlanContext, previous: ReleaseInfo, drainSeconds: number): Step {
  const prevDir = ctx.facts.layout.releaseDir(ctx.app.name, previous.id);
  const actions: Action[] = [];
  if (drainSeconds > 0) {
    actions.push(check(`wait ${drainSeconds} s for requests in flight on ${previous.id} to finish`, (run) => new Promise((resolve) => {
      const timer = setTimeout(resolve, drainSeconds * 1000);
      run.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    })));
  }
  if (previous.files.includes(RELEASE_FILE)) {
    actions.push(exec(ctx.facts.cli.composeCmd(projectOf(previous), `${prevDir}/${RELEASE_FILE}`, 'down', '--remove-orphans'), { cancellable: true }));
  }
  return { id: 'retire', title: `Drain and stop the previous release (${previous.id})`, notes: [], actions, undo: [], bestEffort: true };
}

/**
 * release.json is the server's history: the new release serves, the previous
 * one is kept for rollback. Written the moment traffic moves, so a connection
 * lost right after never leaves the serving release looking like a leftover.
 */
function markServing(ctx: DockerPlanContext): Action {
  return check(`record ${ctx.releaseId} as serving${ctx.previous ? ` and ${ctx.previous.id} as ${ctx.kind === 'rollback' ? 'rolled back' : 'kept'}` : ''}`, async (run) => {
    await serverOf(run).writeFile(`${ctx.releaseDir}/${INFO_FILE}`, `${JSON.stringify({ ...ctx.releaseInfo, state: 'serving' }, null, 2)}\n`, 0o644);
    if (ctx.previous) {
      const prevPath = `${ctx.facts.layout.releaseDir(ctx.app.name, ctx.previous.id)}/${INFO_FILE}`;
      await serverOf(run).writeFile(prevPath, `${JSON.stringify({ ...ctx.previous, state: ctx.kind === 'rollback' ? 'rolled-back' : 'kept' }, null, 2)}\n`, 0o644);
    }
  });
}

export function recordStep(ctx: DockerPlanContext): Step {
  const actions: Action[] = [
    check(`record the image ids ${ctx.releaseId} runs, for an exact rollback`, async (run) => {
      const containers = await ctx.facts.api.listContainers({ all: true, filters: { label: [`berth.app=${ctx.app.name}`] } });
      const ids = new Map<string, string>();
      for (const c of containers) {
        const project = c.Labels['com.docker.compose.project'];
        if (project === ctx.releaseProject || project === ctx.split.stateProject) ids.set(c.Labels['com.docker.compose.service'] ?? '', c.ImageID);
      }
      const info: ReleaseInfo = { ...ctx.releaseInfo, state: 'serving', finishedAt: new Date().toISOString(), images: ctx.releaseInfo.images.map((i) => ({ ...i, id: ids.get(i.service) ?? i.id })) };
      await serverOf(run).writeFile(`${ctx.releaseDir}/${INFO_FILE}`, `${JSON.stringify(info, null, 2)}\n`, 0o644);
    }),
  ];
  return { id: 'record', title: 'Record the release', notes: [], actions, undo: [] };
}

/** Keeps the newest N releases (and the serving one); images only pruned releases used go with them. */
export function pruneStep(ctx: DockerPlanContext): Step | undefined {
  const keep = ctx.settings.keepReleases;
  // Only releases that served count toward N, so a run of failed deploys never prunes every rollback target.
  const served = ctx.facts.releases.filter((r) => ['serving', 'kept', 'rolled-back'].includes(r.state));
  const kept = [ctx.releaseInfo as ReleaseInfo, ...served.slice(0, keep - 1)];
  const oldestKept = kept.at(-1)!.id;
  const pruned = ctx.facts.releases.filter((r) => !kept.some((k) => k.id === r.id) && r.id !== ctx.previous?.id && r.id < oldestKept);
  if (pruned.length === 0) return undefined;
  const keptImages = new Set(kept.flatMap((r) => r.images.flatMap((i) => [i.ref, i.id].filter(Boolean) as string[])));
  const images = [...new Set(pruned.flatMap((r) => r.images.map((i) => i.id ?? i.ref)))].filter((i) => !keptImages.has(i) && !ctx.images.some((x) => x.ref === i));
  const actions: Action[] = [exec(['rm', '-rf', ...pruned.map((r) => ctx.facts.layout.releaseDir(ctx.app.name, r.id))])];
  // An image still used by another container or tag is refused by Docker (exit 1): kept, as it should be.
  for (const image of images) actions.push(exec(ctx.facts.cli.docker('image', 'rm', image), { okExitCodes: [1] }));
  return { id: 'prune', title: `Prune releases beyond the newest ${keep}`, notes: pruned.map((r) => `${r.id} (${r.state})`), actions, undo: [], bestEffort: true };
}

/** When a release fails, its record stays (for history) with the reason; its containers are already gone. */
export async function markReleaseFailed(ctx: DockerPlanContext, server: Host, state: ReleaseInfo['state'], error: string): Promise<void> {
  const info: ReleaseInfo = { ...ctx.releaseInfo, state, finishedAt: new Date().toISOString(), error };
  await server.writeFile(`${ctx.releaseDir}/${INFO_FILE}`, `${JSON.stringify(info, null, 2)}\n`, 0o644).catch(() => undefined);
}

