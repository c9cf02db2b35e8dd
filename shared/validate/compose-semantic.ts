import type { Diagnostic } from '../model/diagnostic.js';

type Obj = Record<string, unknown>;
const keysOf = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : String((x as Obj)?.source ?? ''))) : v && typeof v === 'object' ? Object.keys(v) : []);

/** A short-syntax volume whose source is a name rather than a path is a named volume. */
function namedVolume(entry: unknown): string | undefined {
  if (typeof entry === 'string') {
    const source = entry.split(':')[0] ?? '';
    return entry.includes(':') && !/^[./~$]/.test(source) && !source.includes('/') ? source : undefined;
  }
  const long = entry as Obj | null;
  return long?.type === 'volume' && typeof long.source === 'string' ? long.source : undefined;
}

/**
 * References inside a compose file that its schema cannot check: networks,
 * named volumes, configs, secrets and depends_on must point at something the
 * file declares.
 */
export function composeSemanticErrors(compose: Obj): Diagnostic[] {
  const out: Diagnostic[] = [];
  const services = (compose.services ?? {}) as Record<string, Obj>;
  const declared = (section: string) => new Set(keysOf(compose[section]));
  const networks = declared('networks');
  networks.add('default');
  const volumes = declared('volumes');
  const configs = declared('configs');
  const secrets = declared('secrets');
  for (const [name, service] of Object.entries(services)) {
    if (!service || typeof service !== 'object') continue;
    const err = (code: string, message: string) => out.push({ severity: 'error', code, message: `service ${name}: ${message}`, field: `services.${name}` });
    for (const n of keysOf(service.networks)) if (!networks.has(n)) err('COMPOSE_NETWORK_UNDECLARED', `network ${n} is not declared under networks.`);
    for (const v of (Array.isArray(service.volumes) ? service.volumes : [])) {
      const vol = namedVolume(v);
      if (vol !== undefined && !volumes.has(vol)) err('COMPOSE_VOLUME_UNDECLARED', `volume ${vol} is not declared under volumes.`);
    }
    for (const c of keysOf(service.configs)) if (!configs.has(c)) err('COMPOSE_CONFIG_UNDECLARED', `config ${c} is not declared under configs.`);
    for (const s of keysOf(service.secrets)) if (!secrets.has(s)) err('COMPOSE_SECRET_UNDECLARED', `secret ${s} is not declared under secrets.`);
    const build = service.build as Obj | undefined;
    if (build && typeof build === 'object') for (const s of keysOf(build.secrets)) if (!secrets.has(s)) err('COMPOSE_SECRET_UNDECLARED', `build secret ${s} is not declared under secrets.`);
    for (const d of keysOf(service.depends_on)) if (!Object.hasOwn(services, d)) err('COMPOSE_DEPENDENCY_UNKNOWN', `depends on ${d}, which is not a service in this file.`);
  }
  return out;
}
