import { dependenciesOf, type App, type DependencyCondition, type DockerDestination, type Service } from '../../../model/app.js';
import type { Diagnostic } from '../../../model/diagnostic.js';
import type { RenderedFile } from '../../../api/contract.js';
import type { RenderOptions } from '../options.js';
import { SECRET_MASK } from '../options.js';
import { validateAppReferences } from '../../../validate/app.js';
import { envEntries, fillTemplate, type EnvEntry } from '../env.js';
import { bytesToCompose, quantityToBytes } from '../quantity.js';
import { dumpYaml, dumpJson } from '../serialize.js';
import { traefikLabels, COOLIFY_NETWORK } from './traefik-labels.js';
import { caddyConfig, type CaddyUpstream } from './caddy-config.js';
import { composeHealthcheck } from './healthcheck.js';
import { formatDotenv } from './dotenv.js';
import { escapeComposeValues } from './escape.js';
import { composeBuild } from './build.js';
import { runtimeKeys } from './runtime.js';
import { mergeVerbatim } from './verbatim.js';
import { proxyPortConflicts } from './proxy-ports.js';
import { fileConfigs, secretFileRefs } from './files.js';

export const COMPOSE_FILE = 'compose.yaml';

const COMPOSE_CONDITION: Record<DependencyCondition, string> = { started: 'service_started', healthy: 'service_healthy', completed: 'service_completed_successfully' };
export const CADDY_FILE = 'caddy.json';
export { FILES_DIR } from './files.js';

export interface ComposeBuild {
  compose: Record<string, unknown>;
  /** caddy.json's content when the destination uses Berth's Caddy and some service is routed. */
  caddy?: Record<string, unknown>;
  /** The env and secret files, already text. */
  extraFiles: RenderedFile[];
  diagnostics: Diagnostic[];
}

export interface ComposeRender extends Omit<ComposeBuild, 'extraFiles'> {
  /** compose.yaml first, then caddy.json and the env/secret files. */
  files: RenderedFile[];
}

/** The proxy network routed services join: Coolify's for traefik, the destination's (default "berth") for caddy. */
export function proxyNetwork(destination: DockerDestination): string | undefined {
  if (destination.proxy === 'traefik') return COOLIFY_NETWORK;
  if (destination.proxy === 'caddy') return destination.network;
  return undefined;
}

/**
 * App definition → compose file for one Docker destination. Every string
 * value is `$`-escaped (compose would interpolate it otherwise); secret
 * values never appear in compose.yaml, only in the env files it references.
 */
export function renderCompose(app: App, destination: DockerDestination, options: RenderOptions = {}): ComposeRender {
  const { compose, caddy, extraFiles, diagnostics } = buildCompose(app, destination, options);
  return { compose, caddy, files: composeFiles(compose, caddy, extraFiles), diagnostics };
}

/** The objects alone: renderApp serialises once, after overrides, instead of twice. */
export function buildCompose(app: App, destination: DockerDestination, options: RenderOptions = {}): ComposeBuild {
  const diagnostics: Diagnostic[] = [...validateAppReferences(app), ...proxyPortConflicts(app, destination)];
  const network = proxyNetwork(destination);
  const services: Record<string, unknown> = {};
  const configs: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  const extraFiles: RenderedFile[] = [];
  const upstreams: CaddyUpstream[] = [];
  const secretValue = (name: string, field: string) => secretFor(name, field, options, diagnostics);
  const envValue = (e: EnvEntry, field: string) => (e.template ? templateFor(e.value, field, options, diagnostics) : secretValue(e.value, field));

  for (const [name, service] of Object.entries(app.services)) {
    const at = `services.${name}`;
    const routed = network !== undefined && service.routes.length > 0;
    if (destination.proxy === 'none' && service.routes.length > 0) {
      diagnostics.push({ severity: 'warning', code: 'ROUTES_NEED_PROXY', message: `${destination.name} has no proxy, so ${name}'s routes are not served; its ports are published instead. Choose the caddy or traefik proxy for domains.`, field: `${at}.routes` });
    }
    let out: Record<string, unknown> = {};
    if (service.image) out.image = service.image;
    const env = envEntries(service);
    if (service.build) {
      const built = composeBuild(name, service.build, env);
      for (const s of built.secrets) {
        secrets[s.source] = { file: `./${s.file}` };
        extraFiles.push({ path: s.file, language: 'text', content: envValue(s.entry, `${at}.env.${s.entry.name}`), editable: false });
      }
      out.build = built.build;
    } else {
      env.filter((e) => e.build && e.runtime === false).forEach((e) => diagnostics.push({
        severity: 'warning', code: 'BUILD_ENV_WITHOUT_BUILD', message: `${e.name} is build-time only but ${name} is not built; set its scope to runtime or remove it.`, field: `${at}.env.${e.name}`,
      }));
    }
    if (service.containerName) {
      out.container_name = service.containerName;
      if (service.replicas > 1) diagnostics.push({ severity: 'error', code: 'CONTAINER_NAME_WITH_REPLICAS', message: `${name} has the fixed container name ${service.containerName} and ${service.replicas} replicas; Docker cannot give two containers one name. Remove containerName or use one replica.`, field: `${at}.containerName` });
    }
    if (service.mode === 'global') {
      diagnostics.push({ severity: 'info', code: 'GLOBAL_MODE_ONE_COPY', message: `${name} runs in global mode (one copy per node); a Docker destination is one server, so it runs one copy there. On Kubernetes it is a DaemonSet.`, field: `${at}.mode` });
    }
    if (service.entrypoint) out.entrypoint = service.entrypoint;
    if (service.command) out.command = service.command;
    if (service.workingDir) out.working_dir = service.workingDir;
    if (service.user) out.user = service.user;

    const plain = env.filter((e) => e.runtime && !e.secret);
    if (plain.length > 0) out.environment = Object.fromEntries(plain.map((e) => [e.name, e.value]));
    const secretEnv = env.filter((e) => e.runtime && e.secret);
    if (secretEnv.length > 0) {
      const envFile = `.env.${name}`;
      out.env_file = [envFile];
      extraFiles.push({ path: envFile, language: 'dotenv', editable: false, content: formatDotenv(secretEnv.map((e) => ({ name: e.name, value: envValue(e, `${at}.env.${e.name}`) }))) });
    }

    const routedPorts = new Set(routed ? service.routes.map((r) => r.port) : []);
    const published: Record<string, unknown>[] = [];
    const exposed: string[] = [];
    service.ports.forEach((p, i) => {
      const isRouted = p.protocol === 'tcp' && routedPorts.has(p.port);
      if (isRouted && p.publish !== undefined) {
        diagnostics.push({ severity: 'info', code: 'ROUTED_PORT_NOT_PUBLISHED', message: `Port ${p.port} of ${name} is reached through the proxy, so it is not published on the host.`, field: `${at}.ports[${i}].publish` });
      }
      if (!isRouted && (p.publish !== undefined || destination.proxy === 'none')) {
        published.push({ target: p.port, published: String(p.publish ?? p.port), ...(p.hostIp ? { host_ip: p.hostIp } : {}), protocol: p.protocol });
      } else {
        exposed.push(p.protocol === 'tcp' ? String(p.port) : `${p.port}/${p.protocol}`);
      }
    });
    if (published.length > 0) {
      out.ports = published;
      if (service.replicas > 1) diagnostics.push({ severity: 'warning', code: 'PUBLISHED_PORT_WITH_REPLICAS', message: `${name} publishes host ports and runs ${service.replicas} replicas on one host; only one can bind each port. Route it through the proxy or use one replica.`, field: `${at}.replicas` });
    }
    if (exposed.length > 0) out.expose = exposed;
    const networks = serviceNetworks(app, name, service, diagnostics);
    if (routed) {
      const alias = `${app.name}-${name}`;
      // Berth's own alias stays on the proxy network: the app's aliases are for the app's services.
      networks[network] = destination.proxy === 'caddy' ? { aliases: [alias] } : {};
      if (destination.proxy === 'caddy') upstreams.push({ alias, routes: service.routes });
    }
    if (Object.keys(networks).length > 0) out.networks = { default: {}, ...networks };

    const volumes: unknown[] = service.mounts.map((m) => {
      const mode = [m.readOnly ? 'ro' : '', 'hostPath' in m && destination.selinuxRelabel ? 'z' : ''].filter(Boolean).join(',');
      const source = 'volume' in m ? m.volume : m.hostPath;
      return mode ? `${source}:${m.path}:${mode}` : `${source}:${m.path}`;
    });
    const runtime = runtimeKeys(service);
    volumes.push(...runtime.tmpfsVolumes);
    if (volumes.length > 0) out.volumes = volumes;
    if (service.files.length > 0) out.configs = fileConfigs(name, service.files, configs, extraFiles);
    if (service.secretFiles && service.secretFiles.length > 0) {
      out.secrets = secretFileRefs(service.secretFiles, secrets, extraFiles, (secret, i) => secretValue(secret, `${at}.secretFiles[${i}].secret`));
    }
    if (service.healthcheck) {
      const hc = composeHealthcheck(service.healthcheck, `${at}.healthcheck`);
      out.healthcheck = hc.healthcheck;
      diagnostics.push(...hc.diagnostics);
    }
    out.restart = service.restart;
    const dependencies = dependenciesOf(service);
    if (dependencies.length > 0) {
      out.depends_on = Object.fromEntries(dependencies.map((d) => [d.service, { condition: COMPOSE_CONDITION[d.condition], ...(d.required ? {} : { required: false }), ...(d.restart ? { restart: true } : {}) }]));
    }
    const deploy = deploySection(service, at, diagnostics);
    if (deploy) out.deploy = deploy;
    if (service.stopGracePeriodSeconds !== undefined) out.stop_grace_period = `${service.stopGracePeriodSeconds}s`;
    Object.assign(out, runtime.keys);
    const labels: Record<string, string> = { ...service.labels, 'berth.managed': 'true', 'berth.app': app.name, 'berth.service': name };
    if (routed && destination.proxy === 'traefik') Object.assign(labels, traefikLabels(`${app.name}-${name}`, service.routes, network));
    out.labels = Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (service.compose) out = mergeVerbatim(name, out, service.compose, `${at}.compose`, diagnostics);
    services[name] = out;
  }

  const compose: Record<string, unknown> = { name: app.name, services };
  const topNetworks: Record<string, unknown> = {};
  const ipam = defaultNetwork(app);
  if (ipam) topNetworks.default = ipam;
  if (network && Object.values(app.services).some((s) => s.routes.length > 0)) topNetworks[network] = { external: true, name: network };
  if (Object.keys(topNetworks).length > 0) compose.networks = topNetworks;
  if (Object.keys(app.volumes).length > 0) compose.volumes = Object.fromEntries(Object.keys(app.volumes).map((v) => [v, {}]));
  if (Object.keys(configs).length > 0) compose.configs = configs;
  if (Object.keys(secrets).length > 0) compose.secrets = secrets;

  const escaped = escapeComposeValues(compose) as Record<string, unknown>;
  const caddy = upstreams.length > 0 ? caddyConfig(upstreams) : undefined;
  return { compose: escaped, caddy, extraFiles, diagnostics };
}

/** The service's place on the app's default network: its aliases and fixed addresses. */
function serviceNetworks(app: App, name: string, service: Service, diagnostics: Diagnostic[]): Record<string, Record<string, unknown>> {
  const entry: Record<string, unknown> = {};
  if (service.aliases?.length) entry.aliases = service.aliases;
  for (const [field, key, subnet, label] of [['ipv4Address', 'ipv4_address', app.network?.subnet, 'network.subnet'], ['ipv6Address', 'ipv6_address', app.network?.ipv6Subnet, 'network.ipv6Subnet']] as const) {
    const address = service[field];
    if (!address) continue;
    entry[key] = address;
    if (!subnet) diagnostics.push({ severity: 'error', code: 'FIXED_ADDRESS_NEEDS_SUBNET', message: `${name} has the fixed address ${address}, but the app sets no ${label}; Docker gives fixed addresses only on a network with a configured subnet. Set ${label} to a range that contains ${address}, or remove ${field}.`, field: `services.${name}.${field}` });
  }
  return Object.keys(entry).length > 0 ? { default: entry } : {};
}

/** The default network's address range, when the app fixes one (fixed service addresses need it). */
function defaultNetwork(app: App): Record<string, unknown> | undefined {
  const config = [app.network?.subnet, app.network?.ipv6Subnet].filter((s): s is string => s !== undefined).map((subnet) => ({ subnet }));
  if (config.length === 0) return undefined;
  return { ...(app.network?.ipv6Subnet ? { enable_ipv6: true } : {}), ipam: { config } };
}

export function composeFiles(compose: Record<string, unknown>, caddy: Record<string, unknown> | undefined, extra: RenderedFile[]): RenderedFile[] {
  const files: RenderedFile[] = [{ path: COMPOSE_FILE, language: 'yaml', content: dumpYaml(compose), editable: true }];
  if (caddy) files.push({ path: CADDY_FILE, language: 'json', content: dumpJson(caddy), editable: true });
  return [...files, ...extra];
}

function deploySection(service: Service, at: string, diagnostics: Diagnostic[]): Record<string, unknown> | undefined {
  const deploy: Record<string, unknown> = {};
  if (service.autoscale) {
    diagnostics.push({ severity: 'warning', code: 'AUTOSCALE_UNSUPPORTED', message: `Docker Compose cannot autoscale; ${service.replicas} replica(s) run. Autoscaling applies on Kubernetes destinations.`, field: `${at}.autoscale` });
  }
  if (service.replicas !== 1) deploy.replicas = service.replicas;
  if (service.resources) {
    const resources: Record<string, unknown> = {};
    for (const key of ['limits', 'reservations'] as const) {
      const r = service.resources[key];
      if (!r) continue;
      const entry: Record<string, unknown> = {};
      if (r.cpus !== undefined) entry.cpus = r.cpus;
      if (r.memory !== undefined) entry.memory = bytesToCompose(quantityToBytes(r.memory));
      resources[key] = entry;
    }
    deploy.resources = resources;
  }
  return Object.keys(deploy).length > 0 ? deploy : undefined;
}

/** A template's whole value is secret material: masked unless revealed; every missing secret is reported. */
function templateFor(template: string, field: string, options: RenderOptions, diagnostics: Diagnostic[]): string {
  const missing = new Set<string>();
  const filled = fillTemplate(template, (s) => options.secrets?.[s], (s) => {
    missing.add(s);
    return SECRET_MASK;
  });
  for (const s of missing) diagnostics.push(missingSecret(s, field, options));
  return options.revealSecrets ? filled : SECRET_MASK;
}

function missingSecret(name: string, field: string, options: RenderOptions): Diagnostic {
  return { severity: options.revealSecrets ? 'error' : 'warning', code: 'SECRET_MISSING', message: `Secret "${name}" has no value yet; set it in the app's secrets before deploying.`, field };
}

function secretFor(name: string, field: string, options: RenderOptions, diagnostics: Diagnostic[]): string {
  const value = options.secrets?.[name];
  if (value === undefined) {
    diagnostics.push(missingSecret(name, field, options));
    return SECRET_MASK;
  }
  return options.revealSecrets ? value : SECRET_MASK;
}
