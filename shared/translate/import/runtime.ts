import { at } from './diagnostics.js';
import { fieldOf, type DraftService, type ServiceContext } from './context.js';
import { isRecord, scalarText, toPairs } from './lists.js';
import { addTmpfs } from './mounts.js';
import { parseByteSize } from './units.js';
import { LOCAL_DEV_KEYS, MAPPED_SERVICE_KEYS, VERBATIM_SERVICE_KEYS } from './unsupported.js';

const truthy = (v: unknown) => v === true || v === 'true';
const CONTAINER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function stringList(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.map((v) => scalarText(v).trim()).filter((v) => v !== '');
}

/** `host:ip`, `host=ip` (list), or a `{host: ip}` mapping; IPv6 addresses keep their colons (`myhost:::1`, `myhost=[::1]`). */
function extraHosts(value: unknown): Array<{ host: string; ip: string }> | undefined {
  const pairs: Array<[string, string]> = [];
  if (isRecord(value)) {
    for (const [host, ip] of Object.entries(value)) for (const one of Array.isArray(ip) ? ip : [ip]) pairs.push([host, scalarText(one)]);
  } else {
    for (const entry of stringList(value)) {
      const eq = entry.indexOf('=');
      const sep = eq >= 0 ? eq : entry.indexOf(':');
      if (sep <= 0) return undefined;
      pairs.push([entry.slice(0, sep), entry.slice(sep + 1)]);
    }
  }
  const out = pairs.map(([host, ip]) => ({ host: host.trim(), ip: ip.trim().replace(/^\[(.*)\]$/, '$1') }));
  return out.every((h) => h.host !== '' && h.ip !== '') ? out : undefined;
}

/** Service references inside verbatim keys follow the service's new name. */
function renameServices(key: string, value: unknown, ctx: ServiceContext): unknown {
  const rename = (service: string) => ctx.serviceNames.get(service) ?? service;
  if (key === 'links' || key === 'volumes_from') {
    return stringList(value).map((entry) => {
      if (entry.startsWith('container:')) return entry;
      const [service = '', ...rest] = entry.split(':');
      return [rename(service), ...rest].join(':');
    });
  }
  if (key === 'network_mode' && typeof value === 'string' && value.startsWith('service:')) return `service:${rename(value.slice('service:'.length))}`;
  return value;
}

/**
 * How the container runs: the keys Berth types (capabilities, privileged, read-only
 * root, init, stop signal, /dev/shm, tmpfs, sysctls, extra hosts, container name),
 * and every other key Compose runs, kept verbatim for Docker.
 */
export function importRuntime(raw: Record<string, unknown>, service: DraftService, ctx: ServiceContext): void {
  const { sink, origin, name } = ctx;
  for (const key of ['cap_add', 'cap_drop'] as const) {
    const caps = stringList(raw[key]);
    if (caps.length > 0) service[key === 'cap_add' ? 'capAdd' : 'capDrop'] = caps;
  }
  if (raw.privileged !== undefined) service.privileged = truthy(raw.privileged);
  if (raw.read_only !== undefined) service.readOnly = truthy(raw.read_only);
  if (raw.init !== undefined) service.init = truthy(raw.init);
  if (typeof raw.stop_signal === 'string' && raw.stop_signal !== '') service.stopSignal = raw.stop_signal;
  if (raw.shm_size !== undefined && raw.shm_size !== null) {
    const size = parseByteSize(raw.shm_size);
    if (size) service.shmSize = size;
    else sink.warn('IMPORT_SHM_SIZE_INVALID', `shm_size "${String(raw.shm_size)}" in "${name}" is not a size such as 256m; Docker's default (64m) applies. Fix the size.`, at(origin, 'shm_size'), fieldOf(ctx, 'shmSize'));
  }
  stringList(raw.tmpfs).forEach((entry, i) => {
    // `/run:rw,noexec,size=64m,mode=1777`: Berth keeps size and mode; the tmpfs is always writable.
    const [path = '', options = ''] = entry.split(/:(.*)/s);
    const opts = new Map(options.split(',').filter(Boolean).map((o) => o.split('=') as [string, string | undefined]));
    const dropped = [...opts.keys()].filter((k) => !['size', 'mode', 'rw'].includes(k));
    if (dropped.length > 0) sink.warn('IMPORT_TMPFS_OPTIONS', `The tmpfs at ${path} in "${name}" has options ${dropped.join(', ')} that Berth does not keep (only size and mode). If they matter, put the tmpfs under compose: instead.`, at(origin, 'tmpfs', i), fieldOf(ctx, 'tmpfs'));
    if (path.startsWith('/')) addTmpfs(service, ctx, at(origin, 'tmpfs', i), path, opts.get('size'), opts.get('mode'));
    else sink.warn('IMPORT_TMPFS_INVALID', `tmpfs "${entry}" in "${name}" is not an absolute path; it was not imported.`, at(origin, 'tmpfs', i), fieldOf(ctx, 'tmpfs'));
  });
  if (raw.sysctls !== undefined && raw.sysctls !== null) {
    const sysctls: Record<string, string | number> = {};
    if (isRecord(raw.sysctls)) for (const [k, v] of Object.entries(raw.sysctls)) sysctls[k] = typeof v === 'number' ? v : scalarText(v);
    else for (const [k, v] of toPairs(raw.sysctls)) sysctls[k] = v ?? '';
    if (Object.keys(sysctls).length > 0) service.sysctls = sysctls;
  }
  if (raw.extra_hosts !== undefined && raw.extra_hosts !== null) {
    const hosts = extraHosts(raw.extra_hosts);
    if (hosts) service.extraHosts = hosts;
    else sink.warn('IMPORT_EXTRA_HOSTS_INVALID', `extra_hosts in "${name}" must be "host:ip" entries or a host → ip mapping; it was not imported.`, at(origin, 'extra_hosts'), fieldOf(ctx, 'extraHosts'));
  }
  if (raw.container_name !== undefined) {
    const containerName = scalarText(raw.container_name);
    if (CONTAINER_NAME.test(containerName)) service.containerName = containerName;
    else sink.warn('IMPORT_CONTAINER_NAME_INVALID', `container_name "${containerName}" in "${name}" is not a valid container name (letters, digits, _ . -); it was not imported.`, at(origin, 'container_name'), fieldOf(ctx, 'containerName'));
  }

  const verbatim: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if (key.startsWith('x-') || MAPPED_SERVICE_KEYS.has(key)) continue;
    if (VERBATIM_SERVICE_KEYS.has(key)) verbatim[key] = renameServices(key, raw[key], ctx);
    else if (key in LOCAL_DEV_KEYS) sink.warn(`IMPORT_LOCAL_DEV_${key.toUpperCase()}`, `${key} in "${name}" was dropped: ${LOCAL_DEV_KEYS[key]}`, at(origin, key), `services.${name}`);
    else sink.warn('IMPORT_UNKNOWN_KEY', `"${key}" in service "${name}" is not a compose key Berth knows; it was not imported. Check the spelling.`, at(origin, key), `services.${name}`);
  }
  const deploy = leftoverDeploy(raw.deploy);
  if (deploy) verbatim.deploy = deploy;
  const keys = Object.keys(verbatim);
  if (keys.length === 0) return;
  service.compose = verbatim;
  const listed = keys.map((k) => (k === 'deploy' ? `deploy (${describeDeploy(deploy!)})` : k)).join(', ');
  sink.info('IMPORT_COMPOSE_KEPT', `"${name}" uses ${listed}, which Berth keeps as written under compose: and passes to Docker unchanged. Kubernetes renders report what they cannot express; edit them in the service's compose section.`, at(origin, keys[0] === 'deploy' ? 'deploy' : keys[0]!), fieldOf(ctx, 'compose'));
}

/** deploy keys Berth types: replicas, mode, restart_policy.condition, resources limits/reservations cpus and memory. */
function leftoverDeploy(value: unknown): Record<string, unknown> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'replicas' || key === 'mode') continue;
    if (key === 'restart_policy' && isRecord(v)) {
      const rest = Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'condition'));
      if (Object.keys(rest).length > 0) out[key] = rest;
      continue;
    }
    if (key === 'resources' && isRecord(v)) {
      const resources: Record<string, unknown> = {};
      for (const [kind, r] of Object.entries(v)) {
        if (!isRecord(r) || (kind !== 'limits' && kind !== 'reservations')) {
          resources[kind] = r;
          continue;
        }
        const rest = Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'cpus' && k !== 'memory'));
        if (Object.keys(rest).length > 0) resources[kind] = rest;
      }
      if (Object.keys(resources).length > 0) out[key] = resources;
      continue;
    }
    out[key] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function describeDeploy(deploy: Record<string, unknown>): string {
  const paths: string[] = [];
  const walk = (v: unknown, prefix: string, depth: number) => {
    if (isRecord(v) && depth < 3 && !(prefix.endsWith('devices'))) for (const [k, child] of Object.entries(v)) walk(child, prefix ? `${prefix}.${k}` : k, depth + 1);
    else paths.push(prefix);
  };
  walk(deploy, '', 0);
  return paths.join(', ');
}
