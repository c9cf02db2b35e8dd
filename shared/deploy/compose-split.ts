import type { App } from '../model/app.js';
import { stableHash } from './stable-hash.js';

/**
 * Splits a rendered compose file into what a zero-downtime deploy runs:
 *
 * - the **state** project (`<app>-state`, one for the app's lifetime): every
 *   service that mounts a named volume not marked shared (two processes on
 *   one volume corrupt it), and every service that cannot exist twice: a
 *   fixed container name or a fixed address. These never run beside another
 *   copy; compose recreates one in place (the old container stops first)
 *   only when its definition changed.
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
  /** Files rendered beside compose.yaml that configs read with `file:` (binary app files), by path; content is base64. */
  binaryFiles?: Record<string, string>;
  /** The server runs Compose v1, which refuses keys newer than it (depends_on required/restart, tmpfs mode). */
  composeV1?: boolean;
}

export interface InlineFile {
  /** Path relative to the app directory on the server, named by content hash so an unchanged file keeps its path. */
  path: string;
  content: string;
  /** base64: content is the base64 text of a binary file. */
  encoding?: 'base64';
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

/** Services that mount a named volume nobody marked shared, or that cannot run twice (fixed name or address). */
export function statefulServices(app: App): Set<string> {
  return new Set(Object.keys(inPlaceReasons(app)));
}

/** Why each in-place service never runs beside another copy, as a phrase for the plan. */
export function inPlaceReasons(app: App): Record<string, string> {
  const out: Record<string, string> = {};
  const shares = new Map<string, string>();
  for (const [name, service] of Object.entries(app.services)) {
    const networkMode = service.compose?.network_mode;
    if (service.mounts.some((m) => 'volume' in m && app.volumes[m.volume]?.shared !== true)) out[name] = 'holds state';
    else if (service.containerName) out[name] = `fixed container name ${service.containerName}`;
    else if (service.ipv4Address || service.ipv6Address) out[name] = `fixed address ${[service.ipv4Address, service.ipv6Address].filter(Boolean).join(', ')}`;
    // Two copies on the host's network bind the same ports.
    else if (networkMode === 'host') out[name] = 'host network';
    if (typeof networkMode === 'string' && networkMode.startsWith('service:')) shares.set(name, networkMode.slice('service:'.length));
  }
  // network_mode service:<x> needs x in the same compose project (a VPN container and what runs through it).
  for (let changed = true; changed;) {
    changed = false;
    for (const [name, target] of shares) {
      if (out[target] !== undefined && out[name] === undefined) {
        out[name] = `shares ${target}'s network`;
        changed = true;
      } else if (out[name] !== undefined && out[target] === undefined && target in app.services) {
        out[target] = `${name} runs in its network`;
        changed = true;
      }
    }
  }
  return out;
}

export function splitCompose(input: SplitInput): SplitResult {
  const { app, releaseId } = input;
  const reasons = inPlaceReasons(app);
  const stateful = new Set(Object.keys(reasons));
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

    const original = isObj(raw.networks) ? raw.networks : {};
    const { ipv4_address: ipv4, ipv6_address: ipv6, ...own } = isObj(original.default) ? original.default : {};
    const aliases = Array.isArray(own.aliases) ? (own.aliases as unknown[]) : [];
    // State services answer on the app network, where both projects meet, under their name and aliases; fixed
    // addresses live there too (Berth creates it with the app's subnet). A release's own services keep their
    // aliases on the release's default network, as they keep their names.
    const networks: Obj = {
      default: isState ? {} : own,
      [appNetwork]: isState ? { aliases: [name, ...aliases], ...(ipv4 ? { ipv4_address: ipv4 } : {}), ...(ipv6 ? { ipv6_address: ipv6 } : {}) } : {},
    };
    let alias: string | undefined;
    const routed = input.proxyNetwork !== undefined && input.proxyNetwork in original;
    if (routed) {
      const stable = `${app.name}-${name}`;
      alias = isState ? stable : `${stable}-${releaseId}`;
      networks[input.proxyNetwork!] = { aliases: [alias] };
      dialRewrites.set(stable, alias);
    }
    // Compose refuses networks beside network_mode; such a service lives in the other namespace (host or service:<x>).
    if (raw.network_mode === undefined) out.networks = networks;

    if (Array.isArray(raw.configs)) {
      const mounts = Array.isArray(out.volumes) ? [...(out.volumes as unknown[])] : [];
      for (const ref of raw.configs) {
        if (!isObj(ref) || typeof ref.source !== 'string' || typeof ref.target !== 'string') continue;
        const config = topConfigs[ref.source];
        const mode = typeof ref.mode === 'number' ? ref.mode.toString(8).padStart(4, '0') : '0644';
        const binary = isObj(config) && typeof config.file === 'string' ? input.binaryFiles?.[config.file.replace(/^\.\//, '')] : undefined;
        const content = isObj(config) && typeof config.content === 'string' ? config.content : '';
        // Text files keep the name they always had (hash of the escaped text), so an upgrade recreates nothing.
        const path = `files/${stableHash(binary !== undefined ? { content: binary, encoding: 'base64', mode } : { content, mode }).slice(0, 16)}`;
        files.set(path, binary !== undefined ? { path, content: binary, encoding: 'base64', mode } : { path, content: unescapeCompose(content), mode });
        mounts.push(`../../${path}:${ref.target}:ro`);
      }
      delete out.configs;
      out.volumes = mounts;
    }

    if (Array.isArray(out.ports)) out.ports = out.ports.map(shortPortWithHostIp);

    if (isObj(raw.depends_on)) {
      const kept = Object.fromEntries(Object.entries(raw.depends_on).filter(([dep]) => stateful.has(dep) === isState));
      for (const dep of Object.keys(raw.depends_on)) {
        if (stateful.has(dep) !== isState) {
          warnings.push(isState
            ? `${name} depends on ${dep}, which starts beside each release; ${name} can reach it only through the proxy network. ${reasons[name] === 'holds state' ? `Mark the volume ${name} uses as shared` : `Remove ${name}'s fixed name or address`}, or remove the dependency.`
            : `${name} depends on ${dep}, which ${reasons[dep] === 'holds state' ? 'holds state' : `runs in place (${reasons[dep]})`} and is started (and made healthy) before the release.`);
        }
      }
      if (Object.keys(kept).length > 0) out.depends_on = kept;
      else delete out.depends_on;
    }

    if (input.composeV1) warnings.push(...forComposeV1(name, out));

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

/** v1 has no `host_ip` in the long port syntax; the short one (`127.0.0.1:8080:80/tcp`) means the same on every version. */
function shortPortWithHostIp(port: unknown): unknown {
  if (!isObj(port) || typeof port.host_ip !== 'string') return port;
  const host = port.host_ip.includes(':') ? `[${port.host_ip}]` : port.host_ip;
  return `${host}:${String(port.published ?? port.target)}:${String(port.target)}/${String(port.protocol ?? 'tcp')}`;
}

/** Drops what Compose v1 refuses, in place, and says what that changes. */
function forComposeV1(name: string, service: Obj): string[] {
  const warnings: string[] = [];
  if (isObj(service.depends_on)) {
    service.depends_on = Object.fromEntries(Object.entries(service.depends_on).map(([dep, d]) => {
      if (!isObj(d) || !('required' in d || 'restart' in d)) return [dep, d];
      const { required, restart, ...rest } = d;
      if (required === false || restart === true) warnings.push(`${name} depends on ${dep} with ${required === false ? 'required: false' : 'restart: true'}, which Compose v1 on the server does not know: there ${name} needs ${dep} to start and is not restarted with it. Install the Compose plugin (v2) to keep it.`);
      return [dep, rest];
    }));
  }
  if (Array.isArray(service.volumes)) {
    service.volumes = service.volumes.map((v: unknown) => {
      if (!isObj(v) || !isObj(v.tmpfs) || !('mode' in v.tmpfs)) return v;
      warnings.push(`${name}'s tmpfs at ${String(v.target)} gets Docker's default mode: Compose v1 on the server cannot set one. Install the Compose plugin (v2) to keep it.`);
      const { mode: _mode, ...tmpfs } = v.tmpfs;
      return { ...v, tmpfs };
    });
  }
  return warnings;
}

/** renderCompose escapes `$` as `$$` for compose interpolation; a file written to disk must hold the real text. */
function unescapeCompose(text: string): string {
  return text.replace(/\$\$/g, '$');
}
