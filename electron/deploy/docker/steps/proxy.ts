import { ApiError } from '../../../../shared/api/errors.js';
import { proxyRouteId } from '../../../../shared/deploy/compose-split.js';
import { check, exec, type Action, type RunContext, type Step, serverOf } from '../../engine/step.js';
import type { DockerPlanContext } from '../plan-context.js';

export const PROXY_CONTAINER = 'berth-proxy';
const ADMIN = 'http://localhost:2019';

/**
 * Caddy's starting config. The admin API listens on the container's own
 * loopback, so only `docker exec` on the server reaches it. Apps' routes are
 * added through the admin API; `--resume` brings them back after a restart.
 */
export function baseCaddyConfig(tls: 'acme' | 'internal'): Record<string, unknown> {
  const config: Record<string, unknown> = {
    admin: { listen: 'localhost:2019' },
    apps: {
      http: {
        servers: {
          'berth-http': { listen: [':80'], routes: [] },
          'berth-https': { listen: [':443'], routes: [] },
        },
      },
      ...(tls === 'internal' ? { tls: { automation: { policies: [{ issuers: [{ module: 'internal' }] }] } } } : {}),
    },
  };
  return config;
}

export function ensureNetworkStep(ctx: DockerPlanContext): Step {
  const { cli, networks } = ctx.facts;
  const wanted = [ctx.split.appNetwork, ...(ctx.settings.proxy === 'none' ? [] : [ctx.settings.proxyNetwork])];
  const missing = wanted.filter((n) => !networks.has(n));
  // Fixed service addresses live on the app network (where both compose projects meet), so it carries the app's subnet.
  const subnet = ctx.app.network?.subnet;
  const ipv6 = ctx.app.network?.ipv6Subnet;
  const addressing = [...(subnet ? ['--subnet', subnet] : []), ...(ipv6 ? ['--ipv6', '--subnet', ipv6] : [])];
  const notes = wanted.map((n) => `${n}: ${missing.includes(n) ? 'created' : 'exists'}`);
  if ((subnet || ipv6) && !missing.includes(ctx.split.appNetwork)) {
    notes.push(`${ctx.split.appNetwork} already exists; fixed addresses need it to have the subnet ${[subnet, ipv6].filter(Boolean).join(' and ')}. If it was created without, stop the app and remove the network (docker network rm ${ctx.split.appNetwork}) so this deploy creates it.`);
  }
  return {
    id: 'network',
    title: 'Ensure the Berth networks',
    notes,
    actions: missing.map((n) => exec(cli.docker('network', 'create', '--label', 'berth.managed=true', ...(n === ctx.split.appNetwork ? addressing : []), n))),
    undo: [],
  };
}

export function ensureProxyStep(ctx: DockerPlanContext): Step | undefined {
  if (ctx.settings.proxy !== 'caddy') return undefined;
  const { cli, layout, proxy } = ctx.facts;
  const s = ctx.settings;
  const actions: Action[] = [];
  const notes: string[] = [];
  if (!proxy) {
    const config = `${JSON.stringify(baseCaddyConfig(s.tls), null, 2)}\n`;
    notes.push(`Starts Caddy (${s.proxyImage}) as ${PROXY_CONTAINER} on ports ${s.httpPort}/${s.httpsPort}; its admin API stays inside the container.`);
    if (!ctx.facts.canMigrateRequests) notes.push('This kernel cannot hand queued connections to a new listener (net.ipv4.tcp_migrate_req needs Linux 5.14+): a route switch may reset the few connections arriving in that instant.');
    if (!ctx.facts.images.has(s.proxyImage)) actions.push(exec(cli.docker('pull', s.proxyImage), { cancellable: true }));
    actions.push(
      exec(['mkdir', '-p', layout.proxyDir]),
      { kind: 'upload', path: `${layout.proxyDir}/caddy.json`, content: config, preview: config, mode: 0o644 },
      exec(cli.docker('run', '-d', '--name', PROXY_CONTAINER, '--restart', 'unless-stopped', '--label', 'berth.managed=true',
        '--network', s.proxyNetwork, '-p', `${s.httpPort}:80`, '-p', `${s.httpsPort}:443`,
        // Caddy reopens its listeners (SO_REUSEPORT) on every route switch; this hands queued connections to the new one instead of resetting them.
        ...(ctx.facts.canMigrateRequests ? ['--sysctl', 'net.ipv4.tcp_migrate_req=1'] : []),
        '-v', `${layout.proxyDir}:/etc/berth:ro`, '-v', 'berth-proxy-data:/data', '-v', 'berth-proxy-config:/config',
        s.proxyImage, 'caddy', 'run', '--config', '/etc/berth/caddy.json', '--resume')),
    );
  } else if (!proxy.running) {
    notes.push(`${PROXY_CONTAINER} exists but is stopped; it is started again with its saved routes.`);
    actions.push(exec(cli.docker('start', PROXY_CONTAINER)));
  } else {
    notes.push(`${PROXY_CONTAINER} is running (${proxy.image}).`);
    if (ctx.facts.canMigrateRequests && !proxy.migratesRequests) notes.push(`${PROXY_CONTAINER} was created without net.ipv4.tcp_migrate_req=1, so a route switch may reset connections arriving in that instant. Remove it (docker rm -f ${PROXY_CONTAINER}) and deploy again to recreate it with that setting.`);
    // The proxy is shared by every app on the server; Berth never replaces it under other apps' feet.
    if (proxy.image !== s.proxyImage) notes.push(`The destination asks for ${s.proxyImage}; the running proxy is kept. To change the proxy's image, ports or certificates, remove it on the server (docker rm -f ${PROXY_CONTAINER}) and deploy again: it is recreated with its routes.`);
  }
  actions.push(check(`Caddy's admin API answers inside ${PROXY_CONTAINER}`, (run) => waitForAdmin(ctx, run)));
  return { id: 'proxy', title: 'Ensure the proxy', notes, actions, undo: [] };
}

async function waitForAdmin(ctx: DockerPlanContext, run: RunContext) {
  const deadline = Date.now() + 30_000;
  let last = '';
  while (Date.now() < deadline) {
    run.signal.throwIfAborted();
    const result = await serverOf(run).exec(ctx.facts.cli.docker('exec', PROXY_CONTAINER, 'wget', '-q', '-O', '/dev/null', `${ADMIN}/config/`));
    if (result.exitCode === 0) return;
    last = (result.stderr || result.stdout).trim();
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new ApiError('UNAVAILABLE', `Caddy in ${PROXY_CONTAINER} did not answer on its admin API within 30 s (${last}). See its log: docker logs ${PROXY_CONTAINER}.`);
}

/**
 * Puts this app's route objects into Caddy's config in one atomic load: read
 * the running config (with its ETag), swap the objects with these @ids, and
 * POST it to /load with If-Match, so a concurrent change by another app's
 * deploy is never overwritten (Caddy answers 412 and Berth retries). Caddy
 * applies a new config gracefully: requests in flight finish on the old one.
 * Busybox wget in the Caddy image speaks GET and POST, which is all this needs.
 */
export function switchRoutes(ctx: DockerPlanContext, routes: Record<string, Record<string, unknown> | null>, what: string): Action {
  const ids = Object.values(routes).filter(Boolean).map((r) => String(r!['@id']));
  return check(`${what}: replace ${ids.join(', ') || `${ctx.app.name}'s routes`} in ${PROXY_CONTAINER}'s config, POST ${ADMIN}/load (If-Match: its ETag)`, async (run) => {
    for (let attempt = 1; ; attempt++) {
      const current = await serverOf(run).exec(ctx.facts.cli.docker('exec', PROXY_CONTAINER, 'wget', '-q', '-S', '-O', '-', `${ADMIN}/config/`));
      if (current.exitCode !== 0) throw new ApiError('UNAVAILABLE', `Could not read ${PROXY_CONTAINER}'s config: ${current.stderr.trim()}`);
      const etag = current.stderr.match(/^\s*etag:\s*(.+?)\s*$/im)?.[1];
      const config = (JSON.parse(current.stdout || 'null') ?? {}) as Record<string, unknown>;
      const next = withRoutes(config, ctx.app.name, routes);
      const post = await serverOf(run).exec(ctx.facts.cli.docker('exec', PROXY_CONTAINER, 'wget', '-q', '-S', '-O', '-', '--header', 'Content-Type: application/json',
        ...(etag ? ['--header', `If-Match: ${etag}`] : []), '--post-data', JSON.stringify(next), `${ADMIN}/load`));
      if (post.exitCode === 0) return;
      if (/\b412\b/.test(post.stderr) && attempt < 5) continue;
      throw new ApiError('UNAVAILABLE', `${PROXY_CONTAINER} refused the new routes: ${(post.stdout + post.stderr).trim().split('\n').slice(-3).join(' ')}`);
    }
  });
}

/** The config with the app's route object on each Caddy server replaced in place, appended, or (null) removed. */
export function withRoutes(config: Record<string, unknown>, app: string, routes: Record<string, Record<string, unknown> | null>): Record<string, unknown> {
  const next = structuredClone(config) as { apps?: { http?: { servers?: Record<string, { listen?: string[]; routes?: Record<string, unknown>[] }> } } };
  next.apps ??= {};
  next.apps.http ??= {};
  next.apps.http.servers ??= {};
  const servers = next.apps.http.servers;
  for (const [name, route] of Object.entries(routes)) {
    const server = (servers[name] ??= { listen: [name === 'berth-http' ? ':80' : ':443'], routes: [] });
    const list = (server.routes ??= []);
    const index = list.findIndex((r) => r['@id'] === proxyRouteId(app, name));
    if (route === null) {
      if (index >= 0) list.splice(index, 1);
    } else if (index >= 0) list[index] = route;
    else list.push(route);
  }
  return next as Record<string, unknown>;
}

/** What an app's route object becomes when no release of it serves: a plain 503 instead of a dangling upstream. */
export function offlineRoute(route: Record<string, unknown>, app: string): Record<string, unknown> {
  return { ...route, handle: [{ handler: 'static_response', status_code: 503, body: `${app}: no release is serving.` }] };
}

/** An HTTP request through the proxy's own network path; any answer below 500 proves the upstream is reachable. */
export async function probeThroughProxy(ctx: DockerPlanContext, run: RunContext, url: string, hostHeader?: string): Promise<{ ok: boolean; detail: string }> {
  const args = ['exec', PROXY_CONTAINER, 'wget', '-q', '-S', '-O', '/dev/null', ...(hostHeader ? ['--header', `Host: ${hostHeader}`] : []), url];
  // No wget -T: busybox 1.35's wget crashes with it; the exec's own deadline bounds a hung upstream.
  const result = await serverOf(run).exec(ctx.facts.cli.docker(...args), { signal: AbortSignal.any([run.signal, AbortSignal.timeout(15_000)]) }).catch(() => ({ exitCode: 1, stdout: '', stderr: 'no answer within 15 s' }));
  const status = [...(result.stderr + result.stdout).matchAll(/HTTP\/[\d.]+ (\d{3})/g)].map((m) => Number(m[1])).at(-1);
  if (result.exitCode === 0) return { ok: true, detail: `HTTP ${status ?? 200}` };
  if (status !== undefined && status < 500) return { ok: true, detail: `HTTP ${status}` };
  return { ok: false, detail: status ? `HTTP ${status}` : (result.stderr || result.stdout).trim().split('\n').at(-1) ?? 'no answer' };
}
