import type { Diagnostic } from '../../../model/diagnostic.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Merges a service's verbatim compose keys (`service.compose`) into what
 * Berth rendered for it. Mappings merge key by key, so `deploy.resources.
 * reservations.devices` (GPUs) sits beside Berth's `deploy.replicas`.
 *
 * Where both set the same value, Berth's wins, with a warning naming the
 * key: Berth's keys are what routing, secrets, health gates and the deploy
 * split rely on (networks and aliases, env_file, labels, restart, depends_on),
 * and each has a typed field in the app definition the user can change
 * instead. A verbatim key that silently replaced one of them would break
 * the deploy in ways nothing reports.
 */
export function mergeVerbatim(service: string, rendered: Obj, verbatim: Obj, field: string, diagnostics: Diagnostic[]): Obj {
  const out: Obj = { ...rendered };
  for (const [key, value] of Object.entries(verbatim)) {
    if (value === undefined) continue;
    if (key === 'network_mode' && 'networks' in rendered) {
      diagnostics.push(conflict(service, key, `${field}.${key}`, 'network_mode cannot be combined with the networks Berth joins for routes, aliases or fixed addresses, so it is left out. Remove the routes, aliases and addresses to run on that network mode'));
      continue;
    }
    out[key] = key in rendered ? mergeValue(service, rendered[key], value, key, `${field}.${key}`, diagnostics) : value;
  }
  return out;
}

function mergeValue(service: string, ours: unknown, theirs: unknown, key: string, field: string, diagnostics: Diagnostic[]): unknown {
  if (isObj(ours) && isObj(theirs)) {
    const out: Obj = { ...ours };
    for (const [k, v] of Object.entries(theirs)) out[k] = k in ours ? mergeValue(service, ours[k], v, `${key}.${k}`, `${field}.${k}`, diagnostics) : v;
    return out;
  }
  if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
    diagnostics.push(conflict(service, key, field, `Berth renders ${key} from the app definition, so that value is used and the verbatim one is ignored. Set it through the service's own field (or an override of compose.yaml) and remove it from compose`));
  }
  return ours;
}

function conflict(service: string, key: string, field: string, what: string): Diagnostic {
  return { severity: 'warning', code: 'COMPOSE_VERBATIM_KEY_CONFLICT', message: `${service}'s verbatim compose key ${key}: ${what}.`, field };
}
