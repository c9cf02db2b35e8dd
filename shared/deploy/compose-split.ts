import type { App } from '../model/app.js';
import { stableHash } from './stable-hash.js';

/**
 * Splits a rendered compose file into what a zero-downtime deploy runs:
 *
 * - the **state** project (`<app>-state`, one for the app's lifetime): every
 *   service that mounts a named volume not marked shared. Two processes on
 *   one volume corrupt it, so these never run twice; compose restarts one in
 *   place only when its definition changed.
 * - the **release** project (`<app>-<release>`, new per deploy): every other
 *   service. It starts beside the previous release and takes traffic only
 *   once healthy, under a release-specific alias on the proxy network.
 *
 * Both projects join the app network, where state services answer to their
 * service names, and share named volumes through fixed names. The files
 * written here also run on Compose v1 (no top-level `name`, no inline
 * `configs.content`: inline files become content-addressed files on disk).
 */

export interface SplitInput {
  app: App;
  /** The final compose object (overrides applied, `$` escaped) and caddy.json, as renderApp produced them. */
  compose: Record<string, unknown>;
  caddy?: Record<string, unknown>;
  releaseId: string;
  /** The proxy network routed services join; undefined without a proxy. */
  proxyNetwork?: string;
  /** Image each built service runs instead of its `build:` section. */
  builtImages: Record<string, string>;
  /** Env and secret files rendered beside compose.yaml, by path (e.g. `.env.web`), to hash with their service. */
  envFiles: Record<string, string>;
}

export interface InlineFile {
  /** Path relative to the app directory on the server, named by content hash so an unchanged file keeps its path. */
  path: string;
  content: string;
  mode: string;
}

export interface SplitResult {
  stateProject: string;
  releaseProject: string;
  appNetwork: string;
  /** Compose files; undefined when no service falls in that project. */
  stateFile?: Record<string, unknown>;
  releaseFile?: Record<string, unknown>;
  services: Record<string, { hash: string; stateful: boolean; routed: boolean; alias?: string }>;
  files: InlineFile[];
  /** Per Caddy server (berth-http, berth-https): this app's routes as one replaceable route object. */
  proxyRoutes: Record<string, Record<string, unknown>>;
  /** Dependencies the split cannot keep, as sentences for the plan. */
  warnings: string[];
}

export const stateProjectName = (app: string) => `${app}-state`;
export const releaseProjectName = (app: string, releaseId: string) => `${app}-${releaseId}`;
export const appNetworkName = (app: string) => `berth-app-${app}`;
export const volumeName = (app: string, volume: string) => `${app}_${volume}`;
export const proxyRouteId = (app: string, server: string) => `berth-app-${app}-${server}`;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Services that mount a named volume nobody marked shared. */
export function statefulServices(app: App): Set<string> {
  const out = new Set<string>();
  for (const [name, service] of Object.entries(app.services)) {
    if (service.mounts.some((m) => 'volume' in m && app.volumes[m.volume]?.shared !== true)) out.add(name);
  }
  return out;
}

export function splitCompose(input: SplitInput): SplitResult {
  const { app, releaseId } = input;
  const stateful = statefulServices(app);
  const stateProject = stateProjectName(app.name);
  const releaseProject = releaseProjectName(app.name, releaseId);
  const appNetwork = appNetworkName(app.name);
  const sourceServices = isObj(input.compose.services) ? input.compose.services : {};
  const topConfigs = isObj(input.compose.configs) ? input.compose.configs : {};
  const state: Obj = {};
  const release: Obj = {};
  const services: SplitResult['services'] = {};
  const files = new Map<string, InlineFile>();
  const warnings: string[] = [];
  const dialRewrites = new Map<string, string>();

  for (const [name, raw] of Object.entries(sourceServices)) {
    if (!isObj(raw)) continue;
    const isState = stateful.has(name);
    const out: Obj = { ...raw };
    if (input.builtImages[name]) {
      delete out.build;
      out.image = input.builtImages[name];
    }

    const networks: Obj = { default: {}, [appNetwork]: isState ? { aliases: [name] } : {} };
    const original = isObj(raw.networks) ? raw.networks : {};
    let alias: string | undefined;
    const routed = input.proxyNetwork !== undefined && input.proxyNetwork in original;
    if (routed) {
      const stable = `${app.name}-${name}`;
      alias = isState ? stable : `${stable}-${releaseId}`;
      networks[input.proxyNetwork!] = { aliases: [alias] };
      dialRewrites.set(stable, alias);
    }
    out.networks = networks;

    if (Array.isArray(raw.configs)) {
      const mounts = Array.isArray(out.volumes) ? [...(out.volumes as unknown[])] : [];
      for (const ref of raw.configs) {
        if (!isObj(ref) || typeof ref.source !== 'string' || typeof ref.target !== 'string') continue;
        const config = topConfigs[ref.source];
        const content = isObj(config) && typeof config.content === 'string' ? config.content : '';
        const mode = typeof ref.mode === 'number' ? ref.mode.toString(8).padStart(4, '0') : '0644';
        const path = `files/${stableHash({ content, mode }).slice(0, 16)}`;
        files.set(path, { path, content: unescapeCompose(content), mode });
        mounts.push(`../../${path}:${ref.target}:ro`);
      }
      delete out.configs;
      out.volumes = mounts;
    }

    if (isObj(raw.depends_on)) {
      const kept = Object.fromEntries(Object.entries(raw.depends_on).filter(([dep]) => stateful.has(dep) === isState));
      for (const dep of Object.keys(raw.depends_on)) {
        if (stateful.has(dep) !== isState) {
          warnings.push(isState
            ? `${name} depends on ${dep}, which starts beside each release; ${name} can reach it only through the proxy network. Mark the volume ${name} uses as shared, or remove the dependency.`
            : `${name} depends on ${dep}, which holds state and is started (and made healthy) before the release.`);
        }
      }
      if (Object.keys(kept).length > 0) out.depends_on = kept;
      else delete out.depends_on;
    }

    const labels = isObj(out.labels) ? { ...out.labels } : {};
    if (!isState) labels['berth.release'] = releaseId;
    out.labels = labels;

    const envFiles = Array.isArray(raw.env_file) ? raw.env_file.map((f) => input.envFiles[String(f)] ?? '') : [];
    services[name] = { hash: stableHash({ service: out, envFiles }), stateful: isState, routed, alias };
    (isState ? state : release)[name] = out;
  }

  const fileFor = (group: Obj): Record<string, unknown> | undefined => {
    if (Object.keys(group).length === 0) return undefined;
    const used = new Set<string>();
    for (const service of Object.values(group)) {
      if (!isObj(service) || !Array.isArray(service.volumes)) continue;
      for (const v of service.volumes) {
        const source = typeof v === 'string' ? v.split(':')[0]! : isObj(v) && v.type === 'volume' ? String(v.source) : '';
        if (source in (isObj(input.compose.volumes) ? input.compose.volumes : {})) used.add(source);
      }
    }
    const networks: Obj = { [appNetwork]: { external: true, name: appNetwork } };
    if (input.proxyNetwork && Object.values(group).some((s) => isObj(s) && isObj(s.networks) && input.proxyNetwork! in s.networks)) {
      networks[input.proxyNetwork] = { external: true, name: input.proxyNetwork };
    }
    const file: Obj = { services: group, networks };
    if (used.size > 0) file.volumes = Object.fromEntries([...used].sort().map((v) => [v, { name: volumeName(app.name, v) }]));
    if (isObj(input.compose.secrets)) file.secrets = input.compose.secrets;
    return file;
  };

  return {
    stateProject,
    releaseProject,
    appNetwork,
    stateFile: fileFor(state),
    releaseFile: fileFor(release),
    services,
    files: [...files.values()],
    proxyRoutes: input.caddy ? appProxyRoutes(app.name, input.caddy, dialRewrites) : {},
    warnings,
  };
}

/**
 * Each Caddy server's routes for this app, wrapped in one subroute object with
 * a fixed @id: replacing that one object through the admin API moves all of
 * the app's traffic on that server at once.
 */
function appProxyRoutes(app: string, caddy: Obj, dialRewrites: Map<string, string>): Record<string, Obj> {
  const http = isObj(caddy.apps) && isObj(caddy.apps.http) && isObj(caddy.apps.http.servers) ? caddy.apps.http.servers : {};
  const out: Record<string, Obj> = {};
  for (const [server, config] of Object.entries(http)) {
    if (!isObj(config) || !Array.isArray(config.routes) || config.routes.length === 0) continue;
    const routes = JSON.parse(rewriteDials(JSON.stringify(config.routes), dialRewrites)) as Obj[];
    const hosts = new Set<string>();
    for (const route of routes) {
      for (const match of Array.isArray(route.match) ? route.match : []) {
        if (isObj(match) && Array.isArray(match.host)) for (const host of match.host) hosts.add(String(host));
      }
    }
    out[server] = {
      '@id': proxyRouteId(app, server),
      match: [{ host: [...hosts].sort() }],
      handle: [{ handler: 'subroute', routes }],
      terminal: true,
    };
  }
  return out;
}

function rewriteDials(json: string, rewrites: Map<string, string>): string {
  return json.replace(/"dial":"([^":]+):(\d+)"/g, (whole, host: string, port: string) => {
    const next = rewrites.get(host);
    return next ? `"dial":"${next}:${port}"` : whole;
  });
}

/** renderCompose escapes `$` as `$$` for compose interpolation; a file written to disk must hold the real text. */
function unescapeCompose(text: string): string {
  return text.replace(/\$\$/g, '$');
}
