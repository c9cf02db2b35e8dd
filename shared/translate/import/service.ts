import { importBuild } from './build.js';
import { toArgv } from './command.js';
import { fieldOf, type DraftService, type ServiceContext, type ServiceInput } from './context.js';
import { parseRouteVariable } from './coolify.js';
import { importResources, importRestart } from './deploy.js';
import { at, type Origin } from './diagnostics.js';
import { importEnvironment } from './environment.js';
import { importHealthCheck } from './healthcheck.js';
import { isRecord, toPairs } from './lists.js';
import { importVolumes } from './mounts.js';
import { importNetworks } from './networks.js';
import { parsePort, type ComposePort } from './ports.js';
import { importRuntime } from './runtime.js';
import { importConfigs, importSecretFiles } from './secret-files.js';
import { resolveSecretMarkers } from './secret-markers.js';
import { importTraefikLabels, type TraefikRoute } from './traefik.js';
import { parseDuration } from './units.js';

export type { ServiceContext, ServiceInput } from './context.js';

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
  /** The compose file set a restart policy (rather than leaving compose's default). */
  restartWritten: boolean;
}

const CONDITIONS: Record<string, 'started' | 'healthy' | 'completed'> = {
  service_started: 'started', service_healthy: 'healthy', service_completed_successfully: 'completed',
};

export function convertService(raw: Record<string, unknown>, ctx: ServiceContext): ConvertedService {
  const { sink, origin, name } = ctx;
  const field = (f: string) => fieldOf(ctx, f);
  const service: DraftService = { env: {}, mounts: [], files: [] };

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
    if (hc.disabled) service.healthcheck = { disable: true };
    else if (hc.healthcheck) service.healthcheck = hc.healthcheck;
    healthPort = hc.port;
  }

  importResources(raw, service, ctx);
  const restartWritten = importRestart(raw, service, ctx);

  // ---- labels: Traefik routers become routes, everything else stays ----
  const labelPairs = [...labelFileEntries(raw.label_file, ctx), ...toPairs(raw.labels)];
  const traefik = importTraefikLabels(labelPairs);
  for (const p of traefik.problems) sink.warn(p.code, p.message, at(origin, 'labels', p.label), field('labels'));
  const labels: Record<string, string> = {};
  for (const [key, value] of labelPairs) if (!traefik.consumed.has(key)) labels[key] = value ?? '';
  if (Object.keys(labels).length > 0) service.labels = labels;
  if (raw.annotations !== undefined) service.annotations = Object.fromEntries(toPairs(raw.annotations).map(([k, v]) => [k, v ?? '']));

  importDependencies(raw.depends_on, service, ctx);

  if (raw.working_dir !== undefined) service.workingDir = String(raw.working_dir);
  if (raw.user !== undefined) service.user = String(raw.user);
  if (raw.stop_grace_period !== undefined) {
    const seconds = parseDuration(raw.stop_grace_period);
    if (seconds === undefined) sink.warn('IMPORT_DURATION_INVALID', `stop_grace_period "${String(raw.stop_grace_period)}" in "${name}" is not a duration such as 10s; it was not imported.`, at(origin, 'stop_grace_period'), field('stopGracePeriodSeconds'));
    else service.stopGracePeriodSeconds = Math.ceil(seconds);
  }

  importSecretFiles(raw.secrets, service, ctx);
  importConfigs(raw.configs, service, ctx);
  importNetworks(raw.networks, service, ctx);
  importRuntime(raw, service, ctx);

  const coolifyRoutes = coolifyDeclarations(raw, ctx);
  resolveSecretMarkers(service, ctx);
  return { service, ports, traefikRoutes: traefik.routes, coolifyRoutes, healthPort, restartWritten };
}

/** label_file entries come first; labels written in the compose file win. */
function labelFileEntries(raw: unknown, ctx: ServiceContext): Array<[string, string | undefined]> {
  const files = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  const pairs: Array<[string, string | undefined]> = [];
  files.forEach((file, i) => {
    const content = typeof file === 'string' ? ctx.files.loadFile?.(file) : undefined;
    if (content === undefined) {
      ctx.sink.warn('IMPORT_LABEL_FILE_MISSING', `label_file ${String(file)} of "${ctx.name}" could not be read; its labels are missing. Import from the directory that contains it, or copy them into labels.`, at(ctx.origin, 'label_file', i), fieldOf(ctx, 'labels'));
      return;
    }
    for (const line of content.split(/\r?\n/)) {
      const text = line.trim();
      if (text === '' || text.startsWith('#')) continue;
      const eq = text.indexOf('=');
      pairs.push(eq < 0 ? [text, ''] : [text.slice(0, eq), text.slice(eq + 1)]);
    }
  });
  return pairs;
}

/** Short form: started. Long form: the condition, required and restart exactly as written. */
function importDependencies(raw: unknown, service: ServiceInput, ctx: ServiceContext): void {
  const { sink, origin, name } = ctx;
  const entries: Array<[string, Record<string, unknown> | undefined]> = Array.isArray(raw)
    ? raw.map((d) => [String(d), undefined])
    : isRecord(raw) ? Object.entries(raw).map(([d, v]) => [d, isRecord(v) ? v : {}]) : [];
  const dependsOn: NonNullable<ServiceInput['dependsOn']> = [];
  const seen = new Set<string>();
  for (const [dep, spec] of entries) {
    const target = ctx.serviceNames.get(dep);
    const required = spec?.required !== false && spec?.required !== 'false';
    if (!target) {
      if (required) sink.warn('IMPORT_DEPENDS_ON_UNKNOWN', `"${name}" depends on "${dep}", which is not imported (missing, or left out by profiles); the dependency was dropped. Import it too, or remove the dependency.`, at(origin, 'depends_on'), fieldOf(ctx, 'dependsOn'));
      else sink.info('IMPORT_DEPENDS_ON_OPTIONAL', `"${name}" optionally depends on "${dep}", which is not imported; the dependency was dropped.`, at(origin, 'depends_on'), fieldOf(ctx, 'dependsOn'));
      continue;
    }
    if (seen.has(target)) continue;
    seen.add(target);
    if (!spec) {
      dependsOn.push(target);
      continue;
    }
    const written = spec.condition === undefined ? 'service_started' : String(spec.condition);
    const condition = CONDITIONS[written];
    if (!condition) sink.warn('IMPORT_DEPENDS_ON_CONDITION_INVALID', `depends_on.${dep}.condition "${written}" in "${name}" is not service_started, service_healthy or service_completed_successfully; service_started is used.`, at(origin, 'depends_on', dep, 'condition'), fieldOf(ctx, 'dependsOn'));
    dependsOn.push({ service: target, condition: condition ?? 'started', required, restart: spec.restart === true || spec.restart === 'true' });
  }
  if (dependsOn.length > 0) service.dependsOn = dependsOn;
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
