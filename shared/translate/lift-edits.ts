import { generate } from 'json-merge-patch';
import { App, HealthCheck, type Service, type Destination, type Dependency, type OverrideTarget } from '../model/app.js';
import { buildCompose } from './render/compose/render-compose.js';
import { buildKubernetes } from './render/kubernetes/render-kubernetes.js';
import { bytesToKubernetes } from './render/quantity.js';
import { WORKLOAD_KINDS } from './override-shadows.js';

/**
 * Edits of the rendered output, taken back into the app definition.
 *
 * The rendered object a service becomes (its compose service, or its
 * Kubernetes workload) is read as a set of slots: image, env, ports… Each
 * slot the user changed is mapped back onto the service by the inverse of
 * the renderer, and the mapping is kept only when rendering again gives
 * exactly the edited slot. Whatever is left (slots no field can express,
 * inverses that do not round-trip) is the residual merge patch, the
 * override: rendering the lifted app and applying the residual always
 * reproduces the edit, so nothing the user wrote is lost or reinterpreted.
 *
 * Keys a compose service has but Berth does not model become an override,
 * not `compose:` verbatim keys: both are Docker-only, and the override keeps
 * the edit where the user made it.
 */

type Obj = Record<string, unknown>;

export interface LiftResult {
  app: App;
  /** What stays an override of this object; undefined when the definition now expresses all of the edit. */
  residual?: Obj;
  /** Definition fields that changed (services.web.image…). */
  lifted: string[];
}

interface Slot {
  /** The definition field (under services.<name>) this slot renders from. */
  field: string;
  read(object: Obj): unknown;
  /** The service with the slot's edited value; undefined when the value has no form in the definition. */
  lift(service: Service, value: unknown, ctx: LiftContext): Service | undefined;
}

interface LiftContext {
  app: App;
  name: string;
  destination: Destination;
  /** The slot's value as the user saw it, before the edit. */
  shown: unknown;
}

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const at = (v: unknown, ...path: (string | number)[]): unknown => path.reduce<unknown>((cur, p) => (cur !== null && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[p] : undefined), v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const scalar = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
/** Drops a key when the value is undefined, so a removed line removes the field. */
const put = <K extends keyof Service>(s: Service, key: K, value: Service[K] | undefined): Service => {
  const next = { ...s };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
};

/** The main rendered object of a service, rendered without overrides. */
export function renderedObject(app: App, destination: Destination, kind: string, name: string): Obj | undefined {
  const base = { ...app, overrides: [] };
  if (destination.type === 'docker') return kind === 'service' ? (at(buildCompose(base, destination).compose, 'services', name) as Obj | undefined) : undefined;
  return buildKubernetes(base, destination).objects.find((o) => o.kind === kind && at(o, 'metadata', 'name') === name);
}

/** Whether edits of this object can change the definition: a compose service, or a service's Kubernetes workload. */
export const isLiftable = (target: OverrideTarget, kind: string) => (target === 'compose' ? kind === 'service' : WORKLOAD_KINDS.has(kind));

/**
 * Maps the edit of one rendered object back onto the app. `shown` is the
 * object as the editor showed it (overrides applied), `edited` what the
 * user made of it; only slots that differ between them are lifted, so an
 * existing override of a slot stays an override until that slot is edited.
 */
export function liftEdit(app: App, destination: Destination, kind: string, name: string, shown: Obj, edited: Obj): LiftResult {
  const target: OverrideTarget = destination.type === 'docker' ? 'compose' : 'kubernetes';
  let current = app;
  const lifted: string[] = [];
  if (isLiftable(target, kind) && app.services[name]) {
    for (const slot of target === 'compose' ? COMPOSE_SLOTS : KUBERNETES_SLOTS) {
      const value = slot.read(edited);
      const before = slot.read(shown);
      if (same(value, before)) continue;
      const next = slot.lift(current.services[name]!, value, { app: current, name, destination, shown: before });
      if (!next) continue;
      const candidate = App.safeParse({ ...current, services: { ...current.services, [name]: next }, volumes: { ...current.volumes, ...declaredVolumes(current, next) } });
      if (!candidate.success) continue;
      const rendered = renderedObject(candidate.data, destination, kind, name);
      // Kept only when it round-trips: rendering the lifted field gives exactly what was typed.
      if (!rendered || !same(slot.read(rendered), value)) continue;
      current = candidate.data;
      lifted.push(`services.${name}.${slot.field}`);
    }
  }
  const rendered = renderedObject(current, destination, kind, name);
  const residual = rendered ? (generate(rendered, edited) as Obj | undefined) : (generate({}, edited) as Obj | undefined);
  return { app: current, ...(residual !== undefined ? { residual } : {}), lifted };
}

/** Named volumes a lifted mount refers to that the app does not declare yet: declared with the defaults, so the mount renders. */
function declaredVolumes(app: App, service: Service): Record<string, { size: string; shared: boolean }> {
  const out: Record<string, { size: string; shared: boolean }> = {};
  for (const m of service.mounts) if ('volume' in m && !app.volumes[m.volume]) out[m.volume] = { size: '1Gi', shared: false };
  return out;
}

// ---- shared inverses ----

/** Plain env values, keeping each entry's shape (scope) and every secret, in the user's order. */
function liftEnv(service: Service, plain: Map<string, string>): Service {
  const env: Service['env'] = {};
  for (const [key, entry] of Object.entries(service.env)) {
    const isPlain = typeof entry === 'string' || ('value' in entry && entry.scope !== 'build');
    if (!isPlain) {
      env[key] = entry;
      continue;
    }
    const value = plain.get(key);
    if (value === undefined) continue;
    env[key] = typeof entry === 'string' ? value : { ...entry, value };
  }
  for (const [key, value] of plain) if (!(key in env)) env[key] = value;
  return { ...service, env };
}

function ports(service: Service, list: Array<{ port: number; protocol: 'tcp' | 'udp'; publish?: number; hostIp?: string; name?: string }>): Service['ports'] {
  // The form's order is kept: compose lists published ports apart from exposed ones, so the rendered order says nothing.
  const index = (p: { port: number; protocol: string }) => {
    const i = service.ports.findIndex((o) => o.port === p.port && o.protocol === p.protocol);
    return i < 0 ? Infinity : i;
  };
  return [...list].sort((a, b) => index(a) - index(b)).map((p) => {
    const old = service.ports.find((o) => o.port === p.port && o.protocol === p.protocol);
    const out: Service['ports'][number] = { port: p.port, protocol: p.protocol };
    const name = p.name ?? old?.name;
    if (name !== undefined) out.name = name;
    if (p.publish !== undefined) out.publish = p.publish;
    if (p.hostIp !== undefined) out.hostIp = p.hostIp;
    return out;
  });
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

// ---- compose ----

/** compose.yaml doubles every `$`; a lone `$` would be compose interpolation, which the definition cannot hold. */
function unescapeCompose(s: string): string | undefined {
  if (/(^|[^$])(\$\$)*\$([^$]|$)/.test(s)) return undefined;
  return s.replace(/\$\$/g, '$');
}
const composeString = (v: unknown) => { const s = scalar(v); return s === undefined ? undefined : unescapeCompose(s); };
function composeStrings(v: unknown): string[] | undefined {
  if (!isStrings(v)) return undefined;
  const out = v.map(unescapeCompose);
  return out.every((s): s is string => s !== undefined) ? out : undefined;
}

/** Docker durations: 1m30s, 45s, 1h; in whole or fractional seconds. */
function durationSeconds(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const parts = [...v.matchAll(/(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== v) return undefined;
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9 };
  return parts.reduce((n, p) => n + Number(p[1]) * unit[p[2]!]!, 0);
}

/** Docker sizes (k/m/g are powers of 1024) as a definition quantity. */
function composeSize(v: unknown): string | undefined {
  if (typeof v === 'number') return bytesToKubernetes(v);
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+)\s*([bkmg])?b?$/i.exec(v.trim());
  if (!m) return undefined;
  const unit = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b' | 'k' | 'm' | 'g'];
  return bytesToKubernetes(Number(m[1]) * unit);
}

function composeEnvMap(v: unknown): Map<string, string> | undefined {
  const out = new Map<string, string>();
  if (v === undefined) return out;
  if (Array.isArray(v)) {
    for (const line of v) {
      if (typeof line !== 'string' || !line.includes('=')) return undefined;
      const value = unescapeCompose(line.slice(line.indexOf('=') + 1));
      if (value === undefined) return undefined;
      out.set(line.slice(0, line.indexOf('=')), value);
    }
    return out;
  }
  if (!isObj(v)) return undefined;
  for (const [k, raw] of Object.entries(v)) {
    const value = composeString(raw);
    if (value === undefined) return undefined;
    out.set(k, value);
  }
  return out;
}

function composePorts(v: unknown, service: Service): Service['ports'] | undefined {
  if (!isObj(v)) return undefined;
  const list: Array<{ port: number; protocol: 'tcp' | 'udp'; publish?: number; hostIp?: string }> = [];
  for (const p of (v.ports ?? []) as unknown[]) {
    if (isObj(p)) {
      const port = num(p.target);
      const protocol = (p.protocol ?? 'tcp') as 'tcp' | 'udp';
      if (port === undefined) return undefined;
      const publish = num(p.published);
      list.push({ port, protocol, ...(publish !== undefined ? { publish } : {}), ...(typeof p.host_ip === 'string' ? { hostIp: p.host_ip } : {}) });
      continue;
    }
    const m = /^(?:(?:([\d.]+|\[[0-9a-f:]+\]):)?(\d+):)?(\d+)(?:\/(tcp|udp))?$/i.exec(String(p));
    if (!m) return undefined;
    list.push({ port: Number(m[3]), protocol: (m[4]?.toLowerCase() ?? 'tcp') as 'tcp' | 'udp', ...(m[2] ? { publish: Number(m[2]) } : {}), ...(m[1] ? { hostIp: m[1].replace(/^\[|\]$/g, '') } : {}) });
  }
  for (const e of (v.expose ?? []) as unknown[]) {
    const m = /^(\d+)(?:\/(tcp|udp))?$/.exec(String(e));
    if (!m) return undefined;
    const port = Number(m[1]);
    const protocol = (m[2] ?? 'tcp') as 'tcp' | 'udp';
    // A routed port with publish set is rendered as exposed; keep its publish.
    const old = service.ports.find((o) => o.port === port && o.protocol === protocol);
    list.push({ port, protocol, ...(old?.publish !== undefined ? { publish: old.publish } : {}) });
  }
  return ports(service, list);
}

const COMPOSE_CONDITIONS: Record<string, 'started' | 'healthy' | 'completed'> = { service_started: 'started', service_healthy: 'healthy', service_completed_successfully: 'completed' };

function composeDepends(v: unknown): Dependency[] | undefined {
  if (v === undefined) return [];
  if (isStrings(v)) return v;
  if (!isObj(v)) return undefined;
  const out: Dependency[] = [];
  for (const [service, d] of Object.entries(v)) {
    const condition = COMPOSE_CONDITIONS[String(at(d, 'condition') ?? 'service_started')];
    if (!condition) return undefined;
    const required = at(d, 'required') !== false;
    const restart = at(d, 'restart') === true;
    out.push(condition === 'started' && required && !restart ? service : { service, condition, required, restart });
  }
  return out;
}

function composeMounts(v: unknown, ctx: LiftContext): Service['mounts'] | undefined {
  const list = v === undefined ? [] : Array.isArray(v) ? v : undefined;
  if (!list) return undefined;
  // tmpfs mounts with a size or mode render here in long form; those are the tmpfs field's, and must stay as they were.
  const long = (xs: unknown[]) => xs.filter((x) => typeof x !== 'string');
  if (!same(long(list), long(Array.isArray(ctx.shown) ? ctx.shown : []))) return undefined;
  const mounts: Service['mounts'] = [];
  for (const entry of list) {
    if (typeof entry !== 'string') continue;
    const [source, path, mode = ''] = entry.split(':');
    if (!source || !path?.startsWith('/')) return undefined;
    const readOnly = mode.split(',').includes('ro');
    const named = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(source);
    mounts.push(named ? { volume: source, path, readOnly } : { hostPath: source, path, readOnly });
  }
  return mounts;
}

function composeHealth(v: unknown, service: Service, ctx: LiftContext): HealthCheck | undefined {
  if (v === undefined) return undefined;
  if (!isObj(v)) return undefined;
  if (v.disable === true) return HealthCheck.parse({ disable: true });
  const test = v.test;
  let handler: Partial<HealthCheck>;
  const old = service.healthcheck;
  if (same(test, at(ctx.shown, 'test')) && old && !old.disable) handler = old.http ? { http: old.http } : old.tcp ? { tcp: old.tcp } : { command: old.command! };
  else if (typeof test === 'string') handler = { command: composeString(test) };
  else if (isStrings(test) && test[0] === 'CMD-SHELL' && test.length === 2) handler = { command: unescapeCompose(test[1]!) };
  else if (isStrings(test) && test[0] === 'CMD' && test.length > 1) handler = { command: composeStrings(test.slice(1)) };
  else if (isStrings(test) && test[0] === 'NONE') return HealthCheck.parse({ disable: true });
  else return undefined;
  const timing = {
    intervalSeconds: v.interval === undefined ? 30 : durationSeconds(v.interval),
    timeoutSeconds: v.timeout === undefined ? 30 : durationSeconds(v.timeout),
    retries: v.retries === undefined ? 3 : num(v.retries),
    startPeriodSeconds: v.start_period === undefined ? 0 : durationSeconds(v.start_period),
  };
  const parsed = HealthCheck.safeParse({ ...handler, ...timing });
  return parsed.success ? parsed.data : undefined;
}

function composeResources(v: unknown): Service['resources'] | 'none' | undefined {
  if (v === undefined) return 'none';
  if (!isObj(v)) return undefined;
  const out: NonNullable<Service['resources']> = {};
  for (const key of ['limits', 'reservations'] as const) {
    const r = v[key];
    if (r === undefined) continue;
    if (!isObj(r)) return undefined;
    const cpus = r.cpus === undefined ? undefined : num(r.cpus);
    const memory = r.memory === undefined ? undefined : composeSize(r.memory);
    if ((r.cpus !== undefined && cpus === undefined) || (r.memory !== undefined && memory === undefined)) return undefined;
    out[key] = { ...(cpus !== undefined ? { cpus } : {}), ...(memory !== undefined ? { memory } : {}) };
  }
  return out;
}

const stringSlot = (key: string, field: keyof Service): Slot => ({
  field,
  read: (o) => o[key],
  lift: (s, v) => (v === undefined ? put(s, field, undefined) : composeString(v) === undefined ? undefined : put(s, field, composeString(v) as never)),
});
const listSlot = (key: string, field: 'capAdd' | 'capDrop' | 'command' | 'entrypoint'): Slot => ({
  field,
  read: (o) => o[key],
  lift: (s, v) => (v === undefined ? put(s, field, undefined) : composeStrings(v) ? put(s, field, composeStrings(v)) : undefined),
});
const flagSlot = (key: string, field: 'privileged' | 'readOnly' | 'init'): Slot => ({
  field,
  read: (o) => o[key],
  lift: (s, v) => (v === undefined || typeof v === 'boolean' ? put(s, field, v) : undefined),
});

const COMPOSE_SLOTS: Slot[] = [
  { field: 'image', read: (o) => o.image, lift: (s, v) => (typeof v === 'string' ? { ...s, image: v } : v === undefined && s.build ? put(s, 'image', undefined) : undefined) },
  {
    field: 'env',
    // An emptied section (`environment:` with nothing under it) means no plain variables, as the render omits it.
    read: (o) => (o.environment === null || (isObj(o.environment) && Object.keys(o.environment).length === 0) ? undefined : o.environment),
    lift: (s, v) => { const plain = composeEnvMap(v); return plain && liftEnv(s, plain); },
  },
  listSlot('command', 'command'),
  listSlot('entrypoint', 'entrypoint'),
  stringSlot('working_dir', 'workingDir'),
  stringSlot('user', 'user'),
  { field: 'ports', read: (o) => ({ ports: o.ports, expose: o.expose }), lift: (s, v) => { const p = composePorts(v, s); return p && { ...s, ports: p }; } },
  { field: 'replicas', read: (o) => at(o, 'deploy', 'replicas'), lift: (s, v) => (v === undefined ? { ...s, replicas: 1 } : num(v) === undefined ? undefined : { ...s, replicas: num(v)! }) },
  { field: 'resources', read: (o) => at(o, 'deploy', 'resources'), lift: (s, v) => { const r = composeResources(v); return r === undefined ? undefined : put(s, 'resources', r === 'none' ? undefined : r); } },
  { field: 'healthcheck', read: (o) => o.healthcheck, lift: (s, v, ctx) => (v === undefined ? put(s, 'healthcheck', undefined) : (() => { const h = composeHealth(v, s, ctx); return h && { ...s, healthcheck: h }; })()) },
  { field: 'restart', read: (o) => o.restart, lift: (s, v) => (typeof v === 'string' && ['always', 'unless-stopped', 'on-failure', 'no'].includes(v) ? { ...s, restart: v as Service['restart'] } : undefined) },
  { field: 'dependsOn', read: (o) => o.depends_on, lift: (s, v) => { const d = composeDepends(v); return d && { ...s, dependsOn: d }; } },
  { field: 'mounts', read: (o) => o.volumes, lift: (s, v, ctx) => { const m = composeMounts(v, ctx); return m && { ...s, mounts: m }; } },
  listSlot('cap_add', 'capAdd'),
  listSlot('cap_drop', 'capDrop'),
  flagSlot('privileged', 'privileged'),
  flagSlot('read_only', 'readOnly'),
  flagSlot('init', 'init'),
  stringSlot('stop_signal', 'stopSignal'),
  stringSlot('container_name', 'containerName'),
  { field: 'shmSize', read: (o) => o.shm_size, lift: (s, v) => { if (v === undefined) return put(s, 'shmSize', undefined); const size = composeSize(v); return size === undefined ? undefined : { ...s, shmSize: size }; } },
  {
    field: 'stopGracePeriodSeconds',
    read: (o) => o.stop_grace_period,
    lift: (s, v) => { if (v === undefined) return put(s, 'stopGracePeriodSeconds', undefined); const n = durationSeconds(v); return n !== undefined && Number.isInteger(n) ? { ...s, stopGracePeriodSeconds: n } : undefined; },
  },
  {
    field: 'extraHosts',
    read: (o) => o.extra_hosts,
    lift: (s, v) => {
      if (v === undefined) return put(s, 'extraHosts', undefined);
      const pairs = isStrings(v) ? v.map((h) => [h.slice(0, h.indexOf(':')), h.slice(h.indexOf(':') + 1)] as const) : isObj(v) ? Object.entries(v).map(([h, ip]) => [h, String(ip)] as const) : undefined;
      return pairs && { ...s, extraHosts: pairs.map(([host, ip]) => ({ host, ip })) };
    },
  },
  {
    field: 'sysctls',
    read: (o) => o.sysctls,
    lift: (s, v) => (v === undefined ? put(s, 'sysctls', undefined) : isObj(v) && Object.values(v).every((x) => typeof x === 'string' || typeof x === 'number') ? { ...s, sysctls: v as Record<string, string | number> } : undefined),
  },
  {
    field: 'labels',
    read: (o) => o.labels,
    lift: (s, v, ctx) => {
      if (!isObj(v)) return undefined;
      // Berth's own labels (berth.*, and Traefik's for routed services) are rendered from elsewhere: only the others are the user's.
      const generated = Object.entries(isObj(ctx.shown) ? ctx.shown : {}).filter(([k]) => !(k in s.labels));
      const labels: Record<string, string> = {};
      for (const [k, raw] of Object.entries(v)) {
        if (generated.some(([g, gv]) => g === k && gv === raw)) continue;
        const value = composeString(raw);
        if (value === undefined) return undefined;
        labels[k] = value;
      }
      return { ...s, labels };
    },
  },
];

// ---- Kubernetes ----

/** Kubernetes reads `$(VAR)` and `$$`; a string with either had every `$` doubled when rendered. */
const unescapeKube = (s: string) => (/\$\$/.test(s) ? s.replace(/\$\$/g, '$') : s);
const container = (o: Obj) => at(o, 'spec', 'template', 'spec', 'containers', 0) as Obj | undefined;
const inContainer = (key: string) => (o: Obj) => container(o)?.[key];

function kubeCpus(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)(m)?$/.exec(v);
  return m ? Number(m[1]) / (m[2] ? 1000 : 1) : undefined;
}

function kubeResources(v: unknown): Service['resources'] | 'none' | undefined {
  if (v === undefined) return 'none';
  if (!isObj(v)) return undefined;
  const out: NonNullable<Service['resources']> = {};
  for (const [from, to] of [['limits', 'limits'], ['requests', 'reservations']] as const) {
    const r = v[from];
    if (r === undefined) continue;
    if (!isObj(r) || Object.keys(r).some((k) => k !== 'cpu' && k !== 'memory')) return undefined;
    const cpus = r.cpu === undefined ? undefined : kubeCpus(r.cpu);
    if (r.cpu !== undefined && cpus === undefined) return undefined;
    const memory = r.memory === undefined ? undefined : scalar(r.memory);
    out[to] = { ...(cpus !== undefined ? { cpus } : {}), ...(memory !== undefined ? { memory } : {}) };
  }
  return out;
}

function kubeHealth(v: unknown, service: Service, ctx: LiftContext): HealthCheck | undefined {
  if (!isObj(v)) return undefined;
  const probe = (v.readinessProbe ?? v.livenessProbe) as Obj | undefined;
  if (!isObj(probe)) return undefined;
  const handlerOf = (p: unknown) => (isObj(p) ? { httpGet: p.httpGet, tcpSocket: p.tcpSocket, exec: p.exec } : undefined);
  const old = service.healthcheck;
  let handler: Partial<HealthCheck>;
  if (same(handlerOf(probe), handlerOf(at(ctx.shown, 'readinessProbe'))) && old && !old.disable) handler = old.http ? { http: old.http } : old.tcp ? { tcp: old.tcp } : { command: old.command! };
  else if (isObj(probe.httpGet)) handler = { http: { path: String(probe.httpGet.path ?? '/'), port: num(probe.httpGet.port)! } };
  else if (isObj(probe.tcpSocket)) handler = { tcp: { port: num(probe.tcpSocket.port)! } };
  else if (isStrings(at(probe, 'exec', 'command'))) {
    const command = at(probe, 'exec', 'command') as string[];
    handler = { command: command.length === 3 && command[0] === '/bin/sh' && command[1] === '-c' ? command[2]! : command };
  } else return undefined;
  const interval = num(probe.periodSeconds) ?? 10;
  const retries = num(probe.failureThreshold) ?? 3;
  const startup = at(v, 'startupProbe', 'failureThreshold');
  const parsed = HealthCheck.safeParse({
    ...handler,
    intervalSeconds: interval,
    timeoutSeconds: num(probe.timeoutSeconds) ?? 1,
    retries,
    startPeriodSeconds: startup === undefined ? 0 : Math.max(0, (num(startup)! - retries) * interval),
  });
  return parsed.success ? parsed.data : undefined;
}

const kubeList = (key: string, field: 'command' | 'entrypoint'): Slot => ({
  field,
  read: inContainer(key),
  lift: (s, v) => (v === undefined ? put(s, field, undefined) : isStrings(v) ? put(s, field, v.map(unescapeKube)) : undefined),
});
const securityFlag = (key: string, field: 'privileged' | 'readOnly'): Slot => ({
  field,
  read: (o) => at(container(o), 'securityContext', key),
  lift: (s, v) => (v === undefined ? put(s, field, undefined) : typeof v === 'boolean' ? put(s, field, v) : undefined),
});
const capabilities = (key: 'add' | 'drop', field: 'capAdd' | 'capDrop'): Slot => ({
  field,
  read: (o) => at(container(o), 'securityContext', 'capabilities', key),
  lift: (s, v) => (v === undefined ? put(s, field, undefined) : isStrings(v) ? put(s, field, v) : undefined),
});

const KUBERNETES_SLOTS: Slot[] = [
  { field: 'image', read: inContainer('image'), lift: (s, v) => (typeof v === 'string' ? { ...s, image: v } : undefined) },
  {
    field: 'env',
    read: inContainer('env'),
    lift: (s, v) => {
      const plain = new Map<string, string>();
      for (const e of (v ?? []) as unknown[]) {
        if (!isObj(e) || typeof e.name !== 'string') return undefined;
        if (e.valueFrom !== undefined) {
          // A secret reference stays the secret it was; any other source has no field.
          if (!envIsSecret(s, e.name)) return undefined;
          continue;
        }
        plain.set(e.name, unescapeKube(scalar(e.value) ?? ''));
      }
      return liftEnv(s, plain);
    },
  },
  kubeList('args', 'command'),
  kubeList('command', 'entrypoint'),
  { field: 'workingDir', read: inContainer('workingDir'), lift: (s, v) => (v === undefined || typeof v === 'string' ? put(s, 'workingDir', v) : undefined) },
  {
    field: 'ports',
    read: inContainer('ports'),
    lift: (s, v) => {
      const list = (v ?? []) as unknown[];
      const out: Array<{ port: number; protocol: 'tcp' | 'udp'; publish?: number; name?: string }> = [];
      for (const p of list) {
        const port = num(at(p, 'containerPort'));
        const protocol = String(at(p, 'protocol') ?? 'TCP').toLowerCase() as 'tcp' | 'udp';
        if (port === undefined) return undefined;
        const old = s.ports.find((o) => o.port === port && o.protocol === protocol);
        const name = scalar(at(p, 'name'));
        out.push({ port, protocol, ...(old?.publish !== undefined ? { publish: old.publish } : {}), ...(name && name !== `${protocol}-${port}` ? { name } : {}) });
      }
      return { ...s, ports: ports(s, out) };
    },
  },
  { field: 'replicas', read: (o) => at(o, 'spec', 'replicas'), lift: (s, v) => (num(v) === undefined || s.autoscale ? undefined : { ...s, replicas: num(v)! }) },
  { field: 'resources', read: inContainer('resources'), lift: (s, v) => { const r = kubeResources(v); return r === undefined ? undefined : put(s, 'resources', r === 'none' ? undefined : r); } },
  {
    field: 'healthcheck',
    read: (o) => { const c = container(o); return c && (c.readinessProbe || c.livenessProbe || c.startupProbe) ? { readinessProbe: c.readinessProbe, livenessProbe: c.livenessProbe, startupProbe: c.startupProbe } : undefined; },
    lift: (s, v, ctx) => (v === undefined ? put(s, 'healthcheck', undefined) : (() => { const h = kubeHealth(v, s, ctx); return h && { ...s, healthcheck: h }; })()),
  },
  capabilities('add', 'capAdd'),
  capabilities('drop', 'capDrop'),
  securityFlag('privileged', 'privileged'),
  securityFlag('readOnlyRootFilesystem', 'readOnly'),
  {
    field: 'stopGracePeriodSeconds',
    read: (o) => at(o, 'spec', 'template', 'spec', 'terminationGracePeriodSeconds'),
    lift: (s, v) => (v === undefined ? put(s, 'stopGracePeriodSeconds', undefined) : num(v) === undefined ? undefined : { ...s, stopGracePeriodSeconds: num(v)! }),
  },
];

function envIsSecret(service: Service, name: string): boolean {
  const entry = service.env[name];
  return typeof entry === 'object' && ('secret' in entry || 'template' in entry);
}
