import { at, type Origin } from './diagnostics.js';
import { fieldOf, type ServiceContext, type ServiceInput } from './context.js';
import { isRecord } from './lists.js';
import { parseByteSize, parseCpus } from './units.js';

/** deploy.resources cpus/memory (and the non-swarm cpus/mem_limit/mem_reservation), replicas and mode. */
export function importResources(raw: Record<string, unknown>, service: ServiceInput, ctx: ServiceContext): void {
  const { sink, origin, name } = ctx;
  const deploy = isRecord(raw.deploy) ? raw.deploy : {};
  const resources = isRecord(deploy.resources) ? deploy.resources : {};
  const out: { limits?: { cpus?: number; memory?: string }; reservations?: { cpus?: number; memory?: string } } = {};
  const set = (kind: 'limits' | 'reservations', key: 'cpus' | 'memory', value: unknown, o: Origin) => {
    if (value === undefined || value === null) return;
    const parsed = key === 'cpus' ? parseCpus(value) : parseByteSize(value);
    if (parsed === undefined) {
      sink.warn('IMPORT_RESOURCE_INVALID', `${key} "${String(value)}" in "${name}" is not ${key === 'cpus' ? 'a positive number of CPUs' : 'a size such as 512m or 1g'}; it was not imported.`, o, fieldOf(ctx, 'resources'));
      return;
    }
    (out[kind] ??= {})[key] = parsed as never;
  };
  for (const kind of ['limits', 'reservations'] as const) {
    const r = isRecord(resources[kind]) ? resources[kind] : {};
    set(kind, 'cpus', r.cpus, at(origin, 'deploy', 'resources', kind, 'cpus'));
    set(kind, 'memory', r.memory, at(origin, 'deploy', 'resources', kind, 'memory'));
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
    else sink.warn('IMPORT_REPLICAS_INVALID', `replicas "${String(replicas)}" in "${name}" is not a whole number; one replica is used.`, at(origin, deploy.replicas !== undefined ? 'deploy' : 'scale'), fieldOf(ctx, 'replicas'));
  }
  if (deploy.mode === 'global') service.mode = 'global';
  else if (deploy.mode !== undefined && deploy.mode !== 'replicated') {
    sink.warn('IMPORT_DEPLOY_MODE_INVALID', `deploy.mode "${String(deploy.mode)}" in "${name}" is neither replicated nor global; replicated is used.`, at(origin, 'deploy', 'mode'), fieldOf(ctx, 'mode'));
  }
}

const RESTART_POLICY: Record<string, 'always' | 'unless-stopped' | 'on-failure' | 'no'> = {
  always: 'always', 'unless-stopped': 'unless-stopped', 'on-failure': 'on-failure', no: 'no', false: 'no', any: 'always', none: 'no',
};

/** restart (or deploy.restart_policy.condition) as written; without either, compose's default `no`, written out. True when the file set it. */
export function importRestart(raw: Record<string, unknown>, service: ServiceInput, ctx: ServiceContext): boolean {
  const { sink, origin, name } = ctx;
  const deploy = isRecord(raw.deploy) ? raw.deploy : {};
  const policy = isRecord(deploy.restart_policy) ? deploy.restart_policy.condition ?? 'any' : undefined;
  const value = raw.restart ?? policy;
  if (value === undefined || value === null) {
    service.restart = 'no';
    return false;
  }
  const text = String(value);
  const [mode = '', retries] = text.split(':');
  const restart = RESTART_POLICY[mode];
  const o = at(origin, raw.restart !== undefined ? 'restart' : 'deploy');
  if (!restart) {
    service.restart = 'no';
    sink.warn('IMPORT_RESTART_INVALID', `restart "${text}" in "${name}" is not a compose restart policy (no, always, on-failure, unless-stopped); "no", compose's default, is used.`, o, fieldOf(ctx, 'restart'));
    return false;
  }
  service.restart = restart;
  if (retries !== undefined) sink.warn('IMPORT_RESTART_MAX_RETRIES', `restart "${text}" in "${name}": the retry limit (${retries}) is not carried over; on-failure retries without a limit.`, o, fieldOf(ctx, 'restart'));
  return true;
}
