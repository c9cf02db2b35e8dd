import type { App, Override, OverrideTarget } from '../model/app.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { overrideFile } from './render/addressable.js';

/**
 * Which definition fields an override hides. A merge patch that sets a key
 * a field renders to wins over the field on that target, so the form's value
 * no longer reaches it: the form marks the field "overridden in <file>", and
 * a render where the override makes the field's output differ reports it.
 * Kubernetes lists are replaced whole by a merge patch, so an override of a
 * container hides every field the container is rendered from.
 */

type Obj = Record<string, unknown>;

/** The kinds a service's workload renders as on Kubernetes. */
export const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

interface Mapping {
  /** Where the field renders inside the object. */
  path: string[];
  /** The definition field(s) under services.<name>. */
  fields: string[];
  /** A mapping of names (env): each key the patch sets is its own field. */
  perKey?: boolean;
  /** Where each field renders inside the value at path, to tell which of them an override actually changed. */
  inner?: Record<string, (string | number)[]>;
}

export interface Shadow {
  /** Diagnostic.field spelling: services.web.image, services.web.env.MODE. */
  field: string;
  target: OverrideTarget;
  kind: string;
  name: string;
  file: string;
}

const one = (path: string[], field: string, perKey = false): Mapping => ({ path, fields: [field], ...(perKey ? { perKey } : {}) });

const COMPOSE_SERVICE: Mapping[] = [
  one(['image'], 'image'), one(['environment'], 'env', true), one(['command'], 'command'), one(['entrypoint'], 'entrypoint'),
  one(['working_dir'], 'workingDir'), one(['user'], 'user'), one(['ports'], 'ports'), one(['expose'], 'ports'),
  one(['deploy', 'replicas'], 'replicas'),
  ...(['limits', 'reservations'] as const).flatMap((k) => [one(['deploy', 'resources', k, 'cpus'], `resources.${k}.cpus`), one(['deploy', 'resources', k, 'memory'], `resources.${k}.memory`)]),
  ...['test', 'interval', 'timeout', 'retries', 'start_period', 'disable'].map((k) => one(['healthcheck', k], 'healthcheck')),
  one(['restart'], 'restart'), one(['depends_on'], 'dependsOn'), one(['volumes'], 'mounts'), one(['cap_add'], 'capAdd'), one(['cap_drop'], 'capDrop'),
  one(['privileged'], 'privileged'), one(['read_only'], 'readOnly'), one(['init'], 'init'), one(['stop_signal'], 'stopSignal'),
  one(['container_name'], 'containerName'), one(['shm_size'], 'shmSize'), one(['stop_grace_period'], 'stopGracePeriodSeconds'),
  one(['extra_hosts'], 'extraHosts'), one(['sysctls'], 'sysctls'),
];

const CONTAINER_FIELDS = ['image', 'env', 'command', 'entrypoint', 'workingDir', 'ports', 'resources', 'healthcheck', 'mounts', 'capAdd', 'capDrop', 'privileged', 'readOnly', 'user'];
const KUBE_WORKLOAD: Mapping[] = [
  one(['spec', 'replicas'], 'replicas'),
  {
    path: ['spec', 'template', 'spec', 'containers'],
    fields: CONTAINER_FIELDS,
    inner: {
      image: [0, 'image'], env: [0, 'env'], command: [0, 'args'], entrypoint: [0, 'command'], workingDir: [0, 'workingDir'], ports: [0, 'ports'],
      resources: [0, 'resources'], healthcheck: [0, 'readinessProbe'], mounts: [0, 'volumeMounts'], capAdd: [0, 'securityContext', 'capabilities', 'add'],
      capDrop: [0, 'securityContext', 'capabilities', 'drop'], privileged: [0, 'securityContext', 'privileged'], readOnly: [0, 'securityContext', 'readOnlyRootFilesystem'],
      user: [0, 'securityContext', 'runAsUser'],
    },
  },
  one(['spec', 'template', 'spec', 'terminationGracePeriodSeconds'], 'stopGracePeriodSeconds'),
];

function mappings(target: OverrideTarget, kind: string): Mapping[] {
  if (target === 'compose') return kind === 'service' ? COMPOSE_SERVICE : [];
  if (WORKLOAD_KINDS.has(kind)) return KUBE_WORKLOAD;
  if (kind === 'Service') return [one(['spec', 'ports'], 'ports')];
  if (kind === 'Ingress') return [one(['spec'], 'routes')];
  return [];
}

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** What the patch sets at the path: the value there, or a whole-replacement (a non-object) at a parent. */
function touched(patch: Obj, path: string[]): { whole: boolean; value: unknown } | undefined {
  let cur: unknown = patch;
  for (const part of path) {
    if (!isObj(cur)) return { whole: true, value: cur };
    if (!(part in cur)) return undefined;
    cur = cur[part];
  }
  return { whole: false, value: cur };
}

const fieldsOf = (m: Mapping, hit: { whole: boolean; value: unknown }): string[] =>
  m.perKey && !hit.whole && isObj(hit.value) ? Object.keys(hit.value).map((k) => `${m.fields[0]}.${k}`) : m.fields;

/** The service an override's object renders from: compose services and workloads by name; a Service or Ingress named after one. */
const serviceOf = (app: App, o: Override): string | undefined => (app.services[o.name] ? o.name : undefined);

/** Every definition field an override of the app hides, on either target. */
export function overriddenFields(app: App): Shadow[] {
  const out: Shadow[] = [];
  for (const o of app.overrides) {
    const service = serviceOf(app, o);
    if (!service) continue;
    for (const m of mappings(o.target, o.kind)) {
      const hit = touched(o.patch, m.path);
      if (!hit) continue;
      for (const f of fieldsOf(m, hit)) out.push({ field: `services.${service}.${f}`, target: o.target, kind: o.kind, name: o.name, file: overrideFile(o.target, o.kind) });
    }
  }
  return out;
}

const at = (v: unknown, path: (string | number)[]) => path.reduce<unknown>((cur, p) => (cur !== null && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[p] : undefined), v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The fields whose rendered output an applied override changed: the form
 * says one thing, this target runs another. One warning per field.
 */
export function hiddenByOverride(app: App, o: Override, before: Obj, after: Obj): Diagnostic[] {
  const service = serviceOf(app, o);
  if (!service) return [];
  const file = overrideFile(o.target, o.kind);
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const m of mappings(o.target, o.kind)) {
    const hit = touched(o.patch, m.path);
    if (!hit || same(at(before, m.path), at(after, m.path))) continue;
    for (const f of fieldsOf(m, hit)) {
      const inner = m.inner?.[f];
      if (inner && same(at(before, [...m.path, ...inner]), at(after, [...m.path, ...inner]))) continue;
      const field = `services.${service}.${f}`;
      if (seen.has(field)) continue;
      seen.add(field);
      out.push({
        severity: 'warning',
        code: 'OVERRIDE_HIDES_FIELD',
        message: `The override of ${o.kind} ${o.name} in ${file} replaces what ${field} renders, so the form's value does not reach this ${o.target === 'compose' ? 'compose file' : 'cluster'}. Reset the override to use the form's value, or edit ${file} again.`,
        field,
        file,
      });
    }
  }
  return out;
}
