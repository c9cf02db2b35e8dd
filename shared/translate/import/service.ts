import type { z } from 'zod';
import { parse as parseDotenv } from 'dotenv';
import type { EnvValue, Service } from '../../model/app.js';

type EnvInput = z.input<typeof EnvValue>;
import { at, type DiagnosticSink, type Origin } from './diagnostics.js';
import { toArgv } from './command.js';
import { markedSecrets, parseRouteVariable, placeholderDomain, soleSecret, unmarkSecrets } from './coolify.js';
import { importHealthCheck } from './healthcheck.js';
import { isRecord, toPairs } from './lists.js';
import { parsePort, type ComposePort } from './ports.js';
import { looksSensitive, type SecretCollector } from './secrets.js';
import { importTraefikLabels, type TraefikRoute } from './traefik.js';
import { parseByteSize, parseCpus, parseDuration } from './units.js';
import { MAPPED_SERVICE_KEYS, UNSUPPORTED_SERVICE_KEYS } from './unsupported.js';
import { parseMount } from './volumes.js';

export type ServiceInput = z.input<typeof Service>;

export interface ServiceContext {
  sink: DiagnosticSink;
  origin: Origin;
  /** Normalised name of this service. */
  name: string;
  /** Original compose name → normalised name, for the services that are imported. */
  serviceNames: ReadonlyMap<string, string>;
  /** Normalises a named volume and declares it at the top level. */
  useVolume(source: string, origin: Origin): string;
  dotenv: Readonly<Record<string, string>>;
  loadFile: ((path: string) => string | undefined) | undefined;
  topSecrets: Record<string, unknown>;
  topConfigs: Record<string, unknown>;
  secrets: SecretCollector;
  /** Interpolates text read from files the compose file points at (env_file). */
  interpolate(text: string, origin: Origin): string;
}

export interface CoolifyDeclaration {
  id: string;
  port: number | undefined;
  path: string;
  origin: Origin;
}

export interface ConvertedService {
  service: ServiceInput;
  ports: ComposePort[];
  traefikRoutes: TraefikRoute[];
  coolifyRoutes: CoolifyDeclaration[];
  /** A port the health check talks to. */
  healthPort: number | undefined;
}

const WELL_KNOWN_PORTS: Array<[RegExp, number]> = [
  [/(^|\/)(postgres|postgis\/postgis|pgvector\/pgvector|timescale\/timescaledb)(:|$)/, 5432],
  [/(^|\/)(mysql|mariadb)(:|$)/, 3306],
  [/(^|\/)(redis|valkey\/valkey|eqalpha\/keydb)(:|$)/, 6379],
  [/(^|\/)mongo(:|$)/, 27017],
  [/(^|\/)memcached(:|$)/, 11211],
];

/** Port of a well-known database image, so other services can reach it through a Kubernetes Service. */
export function wellKnownPort(image: string | undefined): number | undefined {
  if (!image) return undefined;
  return WELL_KNOWN_PORTS.find(([pattern]) => pattern.test(image))?.[1];
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function convertService(raw: Record<string, unknown>, ctx: ServiceContext): ConvertedService {
  const { sink, origin, name } = ctx;
  const field = (f: string) => `services.${name}.${f}`;
  const service: ServiceInput & { env: Record<string, EnvInput>; mounts: NonNullable<ServiceInput['mounts']>; files: NonNullable<ServiceInput['files']> } = { env: {}, mounts: [], files: [] };

  for (const key of Object.keys(raw)) {
    if (key.startsWith('x-') || MAPPED_SERVICE_KEYS.has(key)) continue;
    const why = UNSUPPORTED_SERVICE_KEYS[key];
    if (why) sink.warn(`IMPORT_UNSUPPORTED_${key.toUpperCase()}`, `${key} in "${name}": ${why}`, at(origin, key), `services.${name}`);
    else sink.warn('IMPORT_UNKNOWN_KEY', `"${key}" in service "${name}" is not a compose key Berth knows; it was not imported. Check the spelling.`, at(origin, key), `services.${name}`);
  }

  // ---- image and build ----
  if (typeof raw.image === 'string' && raw.image !== '') service.image = raw.image;
  if (raw.build !== undefined) importBuild(raw.build, service, ctx);

  // ---- entrypoint and command ----
  for (const key of ['entrypoint', 'command'] as const) {
    if (raw[key] === undefined || raw[key] === null) continue;
    const split = toArgv(raw[key]);
    if (!split) {
      sink.warn('IMPORT_COMMAND_INVALID', `${key} in "${name}" must be a string or a list of strings; it was not imported.`, at(origin, key), field(key));
      continue;
    }
    if (split.operators.length > 0) {
      sink.warn('IMPORT_COMMAND_SHELL_OPERATOR', `${key} in "${name}" contains ${[...new Set(split.operators)].join(' ')}; compose passes these to the program as plain words, not to a shell. To run a shell line, write ["sh", "-c", "..."].`, at(origin, key), field(key));
    }
    service[key] = split.argv;
  }

  importEnvironment(raw, service, ctx);

  // ---- ports ----
  const ports: ComposePort[] = [];
  for (const [key, list] of [['ports', raw.ports], ['expose', raw.expose]] as const) {
    if (list === undefined || list === null) continue;
    (Array.isArray(list) ? list : [list]).forEach((entry, i) => {
      const parsed = parsePort(key === 'expose' && typeof entry !== 'object' ? String(entry).replace(/^.*:/, '') : entry);
      if ('error' in parsed) sink.warn('IMPORT_PORT_INVALID', `${key}[${i}] in "${name}": ${parsed.error}; it was not imported.`, at(origin, key, i), field('ports'));
      else ports.push(...parsed.ports.map((p) => (key === 'expose' ? { container: p.container, protocol: p.protocol } : p)));
    });
  }

  importVolumes(raw.volumes, service, ctx);

  // ---- health check ----
  let healthPort: number | undefined;
  if (isRecord(raw.healthcheck)) {
    const hc = importHealthCheck(raw.healthcheck);
    for (const p of hc.problems) sink.warn(p.code, `${p.message} (service "${name}")`, at(origin, 'healthcheck', ...(p.key ? [p.key] : [])), field('healthcheck'));
    if (hc.healthcheck) service.healthcheck = hc.healthcheck;
    healthPort = hc.port;
  }

  importResources(raw, service, ctx);
  importRestart(raw, service, ctx);

  // ---- labels: Traefik routers become routes, everything else stays ----
  const labelPairs = toPairs(raw.labels);
  const traefik = importTraefikLabels(labelPairs);
  for (const p of traefik.problems) sink.warn(p.code, p.message, at(origin, 'labels', p.label), field('labels'));
  const labels: Record<string, string> = {};
  for (const [key, value] of labelPairs) if (!traefik.consumed.has(key)) labels[key] = value ?? '';
  if (Object.keys(labels).length > 0) service.labels = labels;
  if (raw.annotations !== undefined) service.annotations = Object.fromEntries(toPairs(raw.annotations).map(([k, v]) => [k, v ?? '']));

  // ---- dependencies ----
  const deps = Array.isArray(raw.depends_on) ? raw.depends_on.map(String) : isRecord(raw.depends_on) ? Object.keys(raw.depends_on) : [];
  const dependsOn: string[] = [];
  for (const dep of deps) {
    const target = ctx.serviceNames.get(dep);
    if (target) dependsOn.push(target);
    else sink.warn('IMPORT_DEPENDS_ON_UNKNOWN', `"${name}" depends on "${dep}", which is not imported (missing, or left out by profiles); the dependency was dropped.`, at(origin, 'depends_on'), field('dependsOn'));
  }
  if (dependsOn.length > 0) service.dependsOn = [...new Set(dependsOn)];

  if (raw.working_dir !== undefined) service.workingDir = String(raw.working_dir);
  if (raw.user !== undefined) service.user = String(raw.user);
  if (raw.stop_grace_period !== undefined) {
    const seconds = parseDuration(raw.stop_grace_period);
    if (seconds === undefined) sink.warn('IMPORT_DURATION_INVALID', `stop_grace_period "${String(raw.stop_grace_period)}" in "${name}" is not a duration such as 10s; it was not imported.`, at(origin, 'stop_grace_period'), field('stopGracePeriodSeconds'));
    else service.stopGracePeriodSeconds = Math.ceil(seconds);
  }

  importSecretMounts(raw.secrets, service, ctx);
  importConfigs(raw.configs, service, ctx);
  importNetworks(raw.networks, ctx);

  const coolifyRoutes = coolifyDeclarations(raw, ctx);
  resolveSecretMarkers(service, ctx);
  return { service, ports, traefikRoutes: traefik.routes, coolifyRoutes, healthPort };
}

function importBuild(raw: unknown, service: ServiceInput, ctx: ServiceContext): void {
  const { sink, origin, name } = ctx;
  const spec = typeof raw === 'string' ? { context: raw } : isRecord(raw) ? raw : undefined;
  if (!spec) {
    sink.warn('IMPORT_BUILD_INVALID', `build in "${name}" must be a path or a mapping; it was not imported.`, at(origin, 'build'), `services.${name}.build`);
    return;
  }
  const context = typeof spec.context === 'string' && spec.context !== '' ? spec.context : '.';
  const dockerfile = typeof spec.dockerfile === 'string' ? spec.dockerfile : 'Dockerfile';
  // compose accepts a Git URL with `#ref:subdir`, which is exactly Berth's build source.
  const git = /^(https?:\/\/|git@|ssh:\/\/|git:\/\/)/.exec(context) ? /^([^#]+)(?:#([^:]*)(?::(.*))?)?$/.exec(context) : null;
  if (git) {
    service.build = { git: git[1]!, ref: git[2] || 'main', context: git[3] || '.', dockerfile };
  } else {
    service.build = { git: '.', context, dockerfile };
    sink.warn('IMPORT_BUILD_LOCAL_CONTEXT', `"${name}" builds from the local directory ${context}. build.git is set to "." (the repository this compose file is in); replace it with the repository URL so Berth can build on the server.`, at(origin, 'build'), `services.${name}.build.git`);
  }
  if (service.image === undefined) {
    sink.warn('IMPORT_BUILD_ONLY', `"${name}" has no image, only a build. Docker servers build it on deploy, but Kubernetes needs an image in a registry: set image to where the build is pushed.`, at(origin, 'build'), `services.${name}.image`);
  }
  for (const [key, value] of toPairs(spec.args)) {
    if (value !== undefined && !(key in (service.env ?? {}))) (service.env ??= {})[key] = { value, scope: 'build' };
  }
  for (const key of Object.keys(spec)) {
    if (!['context', 'dockerfile', 'args'].includes(key)) {
      sink.warn(`IMPORT_UNSUPPORTED_BUILD_${key.toUpperCase()}`, `build.${key} in "${name}" is not carried over; Berth builds with context, dockerfile and build arguments only.`, at(origin, 'build', key), `services.${name}.build`);
    }
  }
}

function envFileEntries(raw: unknown, ctx: ServiceContext): Array<[string, string]> {
  const { sink, origin, name } = ctx;
  const entries = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  const pairs: Array<[string, string]> = [];
  entries.forEach((entry, i) => {
    const path = typeof entry === 'string' ? entry : isRecord(entry) && typeof entry.path === 'string' ? entry.path : undefined;
    const required = !(isRecord(entry) && entry.required === false);
    if (!path) return;
    const content = ctx.loadFile?.(path);
    if (content === undefined) {
      if (required) sink.warn('IMPORT_ENV_FILE_MISSING', `env_file ${path} of "${name}" could not be read; its variables are missing. Import from the directory that contains it, or add them to environment.`, at(origin, 'env_file', i), `services.${name}.env`);
      return;
    }
    for (const [key, value] of Object.entries(parseDotenv(content))) pairs.push([key, ctx.interpolate(value, at(origin, 'env_file', i))]);
  });
  return pairs;
}

function importEnvironment(raw: Record<string, unknown>, service: ServiceInput & { env: Record<string, EnvInput> }, ctx: ServiceContext): void {
  const { sink, origin, name } = ctx;
  const fromFiles = envFileEntries(raw.env_file, ctx).map(([k, v]) => [k, v, 'env_file'] as const);
  const fromEnv = toPairs(raw.environment).map(([k, v]) => [k, v, 'environment'] as const);
  for (const [key, value, source] of [...fromFiles, ...fromEnv]) {
    const envOrigin = at(origin, source, key);
    if (!ENV_NAME.test(key)) {
      sink.warn('IMPORT_ENV_NAME_INVALID', `The variable name "${key}" in "${name}" is not valid (letters, digits, underscores; not starting with a digit); it was not imported.`, envOrigin, `services.${name}.env`);
      continue;
    }
    const routeVar = parseRouteVariable(key);
    if (routeVar) {
      const domain = placeholderDomain(routeVar.id);
      service.env[key] = routeVar.kind === 'url' ? `https://${domain}` : domain;
      continue;
    }
    if (value === undefined) {
      const known = ctx.dotenv[key];
      if (known !== undefined) {
        service.env[key] = envValue(key, known, ctx, envOrigin);
      } else {
        service.env[key] = { secret: key };
        sink.warn('IMPORT_ENV_FROM_HOST', `${key} in "${name}" has no value, so compose would copy it from the machine running compose. Berth never reads that machine's environment: it is now the secret reference "${key}"; set its value in Berth.`, envOrigin, `services.${name}.env.${key}`);
      }
      continue;
    }
    service.env[key] = envValue(key, value, ctx, envOrigin);
  }
}

function envValue(key: string, value: string, ctx: ServiceContext, origin: Origin): EnvInput {
  const { sink, name } = ctx;
  const sole = soleSecret(value);
  if (sole) return { secret: sole };
  const embedded = markedSecrets(value);
  if (embedded.length > 0) {
    sink.warn('IMPORT_SECRET_COMPOSITE', `${key} in "${name}" combines generated secrets (${[...new Set(embedded)].join(', ')}) with other text, which a secret reference cannot express. It is now the secret "${key}": set it to ${unmarkSecrets(value).replace(/\$\{([A-Za-z0-9_]+)\}/g, '<$1>')}.`, origin, `services.${name}.env.${key}`);
    return { secret: key };
  }
  if (looksSensitive(key) && value !== '') {
    const secret = ctx.secrets.add(key, value, name);
    sink.info('IMPORT_SECRET_DETECTED', `${key} in "${name}" looks like a credential, so the definition references the secret "${secret}" instead of holding its value.`, origin, `services.${name}.env.${key}`);
    return { secret };
  }
  return value;
}

function importVolumes(raw: unknown, service: ServiceInput & { mounts: NonNullable<ServiceInput['mounts']>; files: NonNullable<ServiceInput['files']> }, ctx: ServiceContext): void {
  const { sink, origin, name } = ctx;
  if (!Array.isArray(raw)) return;
  raw.forEach((entry, i) => {
    const o = at(origin, 'volumes', i);
    const f = `services.${name}.mounts`;
    const parsed = parseMount(entry);
    if ('error' in parsed) {
      sink.warn('IMPORT_VOLUME_INVALID', `volumes[${i}] in "${name}": ${parsed.error}; it was not imported.`, o, f);
      return;
    }
    const m = parsed.mount;
    switch (m.kind) {
      case 'volume': {
        let source = m.source;
        if (source === undefined) {
          source = `${name}-data-${i}`;
          sink.warn('IMPORT_ANONYMOUS_VOLUME', `The anonymous volume at ${m.target} in "${name}" became the named volume "${source}", so its data survives redeploys.`, o, f);
        }
        service.mounts.push({ volume: ctx.useVolume(source, o), path: m.target, readOnly: m.readOnly });
        break;
      }
      case 'bind':
        if (/docker\.sock$/.test(m.source)) {
          sink.warn('IMPORT_DOCKER_SOCKET', `"${name}" mounts the Docker socket (${m.source}), which gives it full control of the server (as privileged as root). It is kept for Docker targets; Kubernetes has no equivalent.`, o, f);
        }
        service.mounts.push({ hostPath: m.source, path: m.target, readOnly: m.readOnly });
        break;
      case 'content':
        service.files.push({ path: m.target, content: m.content });
        break;
      case 'tmpfs':
        sink.warn('IMPORT_UNSUPPORTED_TMPFS', `The tmpfs mount at ${m.target} in "${name}" is not carried over; the service writes to its container filesystem instead.`, o, f);
        break;
      case 'unsupported':
        sink.warn('IMPORT_UNSUPPORTED_MOUNT_TYPE', `The ${m.type} mount at ${m.target} in "${name}" is not supported; it was not imported.`, o, f);
        break;
    }
  });
}

function importResources(raw: Record<string, unknown>, service: ServiceInput, ctx: ServiceContext): void {
  const { sink, origin, name } = ctx;
  const deploy = isRecord(raw.deploy) ? raw.deploy : {};
  const resources = isRecord(deploy.resources) ? deploy.resources : {};
  const out: { limits?: { cpus?: number; memory?: string }; reservations?: { cpus?: number; memory?: string } } = {};
  const set = (kind: 'limits' | 'reservations', key: 'cpus' | 'memory', value: unknown, o: Origin) => {
    if (value === undefined || value === null) return;
    const parsed = key === 'cpus' ? parseCpus(value) : parseByteSize(value);
    if (parsed === undefined) {
      sink.warn('IMPORT_RESOURCE_INVALID', `${key} "${String(value)}" in "${name}" is not ${key === 'cpus' ? 'a positive number of CPUs' : 'a size such as 512m or 1g'}; it was not imported.`, o, `services.${name}.resources`);
      return;
    }
    (out[kind] ??= {})[key] = parsed as never;
  };
  for (const kind of ['limits', 'reservations'] as const) {
    const r = isRecord(resources[kind]) ? resources[kind] : {};
    set(kind, 'cpus', r.cpus, at(origin, 'deploy', 'resources', kind, 'cpus'));
    set(kind, 'memory', r.memory, at(origin, 'deploy', 'resources', kind, 'memory'));
    for (const key of Object.keys(r)) {
      if (key !== 'cpus' && key !== 'memory') sink.warn(`IMPORT_UNSUPPORTED_RESOURCE_${key.toUpperCase()}`, `deploy.resources.${kind}.${key} in "${name}" is not carried over.`, at(origin, 'deploy', 'resources', kind, key), `services.${name}.resources`);
    }
  }
  // Top-level cpus/mem_limit/mem_reservation are the non-swarm spellings of the same limits; deploy wins when both are set.
  if (out.limits?.cpus === undefined) set('limits', 'cpus', raw.cpus, at(origin, 'cpus'));
  if (out.limits?.memory === undefined) set('limits', 'memory', raw.mem_limit, at(origin, 'mem_limit'));
  if (out.reservations?.memory === undefined) set('reservations', 'memory', raw.mem_reservation, at(origin, 'mem_reservation'));
  if (out.limits || out.reservations) service.resources = out;

  const replicas = deploy.replicas ?? raw.scale;
  if (replicas !== undefined) {
    const n = Number(replicas);
    if (Number.isInteger(n) && n >= 0) service.replicas = n;
    else sink.warn('IMPORT_REPLICAS_INVALID', `replicas "${String(replicas)}" in "${name}" is not a whole number; one replica is used.`, at(origin, deploy.replicas !== undefined ? 'deploy' : 'scale'), `services.${name}.replicas`);
  }
  for (const key of Object.keys(deploy)) {
    if (['resources', 'replicas', 'restart_policy'].includes(key)) continue;
    const detail = key === 'mode' && deploy.mode === 'global' ? ' One replica runs instead of one per node.' : '';
    sink.warn(`IMPORT_UNSUPPORTED_DEPLOY_${key.toUpperCase()}`, `deploy.${key} in "${name}" is not carried over.${detail}`, at(origin, 'deploy', key), `services.${name}`);
  }
}

const RESTART_POLICY: Record<string, 'always' | 'unless-stopped' | 'on-failure' | 'no'> = {
  always: 'always', 'unless-stopped': 'unless-stopped', 'on-failure': 'on-failure', no: 'no', false: 'no', any: 'always', none: 'no',
};

function importRestart(raw: Record<string, unknown>, service: ServiceInput, ctx: ServiceContext): void {
  const { sink, origin, name } = ctx;
  const deploy = isRecord(raw.deploy) ? raw.deploy : {};
  const policy = isRecord(deploy.restart_policy) ? deploy.restart_policy.condition : undefined;
  const value = raw.restart ?? policy;
  if (value === undefined || value === null) return;
  const text = String(value);
  const [mode = '', retries] = text.split(':');
  const restart = RESTART_POLICY[mode];
  const o = at(origin, raw.restart !== undefined ? 'restart' : 'deploy');
  if (!restart) {
    sink.warn('IMPORT_RESTART_INVALID', `restart "${text}" in "${name}" is not a compose restart policy; unless-stopped is used.`, o, `services.${name}.restart`);
    return;
  }
  // Kept as written: `no`/`on-failure` describe run-to-completion work, which the Kubernetes renderer makes a Job.
  service.restart = restart;
  if (retries !== undefined) sink.warn('IMPORT_RESTART_MAX_RETRIES', `restart "${text}" in "${name}": the retry limit (${retries}) is not carried over; on-failure retries without a limit.`, o, `services.${name}.restart`);
}

/** A service's `secrets:`/`configs:` entry, short (`name`) or long (`{source, target}`) syntax. */
function fileReference(entry: unknown): { source: string; target?: string } | undefined {
  if (typeof entry === 'string') return { source: entry };
  if (!isRecord(entry) || typeof entry.source !== 'string') return undefined;
  return typeof entry.target === 'string' ? { source: entry.source, target: entry.target } : { source: entry.source };
}

function importSecretMounts(raw: unknown, service: ServiceInput & { env: Record<string, EnvInput> }, ctx: ServiceContext): void {
  const { sink, origin, name } = ctx;
  if (!Array.isArray(raw)) return;
  raw.forEach((entry, i) => {
    const o = at(origin, 'secrets', i);
    const ref = fileReference(entry);
    if (!ref) return;
    const { source } = ref;
    const target = ref.target ?? source;
    const mountPath = target.startsWith('/') ? target : `/run/secrets/${target}`;
    const def = isRecord(ctx.topSecrets[source]) ? ctx.topSecrets[source] : undefined;
    if (!def) {
      sink.warn('IMPORT_SECRET_UNDEFINED', `"${name}" uses the secret "${source}", which the top-level secrets section does not define; it was not imported.`, o, `services.${name}.env`);
      return;
    }
    // Official images read FOO from a file named in FOO_FILE; point FOO at the secret instead of mounting a file.
    const fileVar = Object.entries(service.env).find(([k, v]) => k.endsWith('_FILE') && v === mountPath)?.[0];
    if (!fileVar) {
      sink.warn('IMPORT_SECRET_FILE_UNSUPPORTED', `"${name}" reads the secret "${source}" from the file ${mountPath}. Berth keeps secrets out of files in the app definition, so it is not mounted; if the image can read it from an environment variable, add that variable as a secret reference.`, o, `services.${name}.env`);
      return;
    }
    const value = secretValue(source, def, ctx, o);
    const key = value === undefined ? source : ctx.secrets.add(source, value, name);
    const plain = fileVar.slice(0, -'_FILE'.length);
    delete service.env[fileVar];
    service.env[plain] = { secret: key };
    sink.info('IMPORT_SECRET_FILE_TO_ENV', `${fileVar}=${mountPath} in "${name}" became ${plain} with the secret reference "${key}".${value === undefined ? ' Set its value in Berth.' : ''}`, o, `services.${name}.env.${plain}`);
  });
}

function secretValue(source: string, def: Record<string, unknown>, ctx: ServiceContext, o: Origin): string | undefined {
  if (typeof def.file === 'string') {
    const content = ctx.loadFile?.(def.file);
    if (content === undefined) ctx.sink.warn('IMPORT_SECRET_FILE_MISSING', `The file ${def.file} of secret "${source}" could not be read; set the secret's value in Berth.`, o);
    return content?.replace(/\r?\n$/, '');
  }
  if (typeof def.environment === 'string') return ctx.dotenv[def.environment];
  return undefined;
}

function importConfigs(raw: unknown, service: ServiceInput & { files: NonNullable<ServiceInput['files']> }, ctx: ServiceContext): void {
  const { sink, origin, name } = ctx;
  if (!Array.isArray(raw)) return;
  raw.forEach((entry, i) => {
    const o = at(origin, 'configs', i);
    const ref = fileReference(entry);
    if (!ref) return;
    const { source } = ref;
    const target = ref.target ?? `/${source}`;
    const def = isRecord(ctx.topConfigs[source]) ? ctx.topConfigs[source] : undefined;
    let content: string | undefined;
    if (def && typeof def.content === 'string') content = def.content;
    else if (def && typeof def.file === 'string') content = ctx.loadFile?.(def.file);
    else if (def && typeof def.environment === 'string') content = ctx.dotenv[def.environment];
    if (content === undefined) {
      sink.warn('IMPORT_CONFIG_UNREADABLE', `The config "${source}" used by "${name}" has no readable content (missing definition, unreadable file or external config); it was not imported.`, o, `services.${name}.files`);
      return;
    }
    const mode = isRecord(entry) && entry.mode !== undefined ? String(entry.mode) : undefined;
    service.files.push({ path: target.startsWith('/') ? target : `/${target}`, content, ...(mode && /^0?[0-7]{3}$/.test(mode) ? { mode } : {}) });
  });
}

function importNetworks(raw: unknown, ctx: ServiceContext): void {
  if (raw === undefined || raw === null) return;
  const configured = isRecord(raw) && Object.values(raw).some((v) => isRecord(v) && Object.keys(v).length > 0);
  const message = `"${ctx.name}" joins networks ${JSON.stringify(Array.isArray(raw) ? raw : Object.keys(raw as object))}; Berth puts all services of an app on one network, so they still reach each other by service name.`;
  if (configured) ctx.sink.warn('IMPORT_NETWORK_SETTINGS', `${message} Aliases and fixed addresses are not carried over.`, at(ctx.origin, 'networks'), `services.${ctx.name}`);
  else ctx.sink.info('IMPORT_NETWORKS_MERGED', message, at(ctx.origin, 'networks'), `services.${ctx.name}`);
}

/** Coolify route declarations: an environment key SERVICE_URL_<ID>[_<PORT>] (value empty, itself, or a path). */
function coolifyDeclarations(raw: Record<string, unknown>, ctx: ServiceContext): CoolifyDeclaration[] {
  const out: CoolifyDeclaration[] = [];
  for (const [key, value] of toPairs(raw.environment)) {
    const routeVar = parseRouteVariable(key);
    if (!routeVar) continue;
    out.push({ id: routeVar.id, port: routeVar.port, path: value?.startsWith('/') ? value : '/', origin: at(ctx.origin, 'environment', key) });
  }
  return out;
}

/**
 * Generated secrets used outside environment values: a shell line can still expand them
 * from the container's environment, so they become `${NAME}` plus a secret reference.
 */
function resolveSecretMarkers(service: ServiceInput & { env: Record<string, EnvInput> }, ctx: ServiceContext): void {
  const { sink, origin, name } = ctx;
  const found = new Set<string>();
  const clean = (text: string) => {
    for (const s of markedSecrets(text)) found.add(s);
    return unmarkSecrets(text);
  };
  const unexpanded: string[] = [];
  const cleanArgv = (argv: string[] | undefined, what: string) => {
    if (!argv) return argv;
    const before = found.size;
    const out = argv.map(clean);
    if (found.size > before) unexpanded.push(what);
    return out;
  };
  if (service.command) service.command = cleanArgv(service.command, 'command');
  if (service.entrypoint) service.entrypoint = cleanArgv(service.entrypoint, 'entrypoint');
  const hc = service.healthcheck;
  if (hc && typeof hc.command === 'string') hc.command = clean(hc.command);
  else if (hc && Array.isArray(hc.command)) hc.command = cleanArgv(hc.command, 'healthcheck') as [string, ...string[]];
  if (service.files) {
    const before = found.size;
    service.files = service.files.map((f) => ({ ...f, content: clean(f.content) }));
    if (found.size > before) unexpanded.push('files');
  }
  for (const key of ['labels', 'annotations'] as const) {
    const map = service[key];
    if (!map) continue;
    const before = found.size;
    service[key] = Object.fromEntries(Object.entries(map).map(([k, v]) => [k, clean(v)]));
    if (found.size > before) unexpanded.push(key);
  }
  if (service.workingDir) service.workingDir = clean(service.workingDir);
  if (service.user) service.user = clean(service.user);
  for (const secret of found) if (!(secret in service.env)) service.env[secret] = { secret };
  if (unexpanded.length > 0) {
    sink.warn('IMPORT_SECRET_OUTSIDE_ENV', `"${name}" uses generated secrets in ${unexpanded.join(', ')}, where no shell expands them; they are written as \${NAME}. Move them into a shell line (sh -c) or an environment variable.`, origin, `services.${name}`);
  }
}
