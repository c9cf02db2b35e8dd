import type { z } from 'zod';
import type { Route, ServicePort } from '../../model/app.js';
import type { DiagnosticSink, Origin } from './diagnostics.js';
import { placeholderDomain } from './coolify.js';
import { wellKnownPort } from '../references.js';
import type { ConvertedService, ServiceInput } from './service.js';

type RouteInput = z.input<typeof Route>;
type PortInput = z.input<typeof ServicePort>;

const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Publishing on every address is the default; any other host IP is kept (127.0.0.1 keeps a port off the network). */
const ANY_ADDRESS = /^(0\.0\.0\.0|::|)$/;

/** The container port a route goes to when the source does not say: the only declared port, the health check's, or a well-known one. */
function knownPort(c: ConvertedService): number | undefined {
  const ports = [...new Set(c.ports.filter((p) => p.protocol === 'tcp').map((p) => p.container))];
  if (ports.length === 1) return ports[0];
  return c.healthPort ?? (ports.length === 0 ? wellKnownPort(c.service.image) : undefined);
}

const coolifyServiceKey = (name: string) => name.toUpperCase().replace(/-/g, '_');

/**
 * Turns Traefik routers and Coolify SERVICE_URL/FQDN variables into routes, then
 * settles each service's ports: container ports (never host ports) so a Kubernetes
 * Service gets the port clients use; publish only for ports no route serves.
 */
export function assignRoutesAndPorts(converted: Map<string, ConvertedService>, routeRefs: Map<string, Set<string>>, sink: DiagnosticSink): Record<string, ServiceInput> {
  const routes = new Map<string, RouteInput[]>();
  const taken = new Map<string, string>();
  const addRoute = (service: string, route: RouteInput, origin: Origin | undefined, what: string) => {
    const key = `${route.domain}${route.path ?? '/'}`;
    const owner = taken.get(key);
    if (owner !== undefined) {
      sink.warn('IMPORT_ROUTE_DUPLICATE', `${what} asks for ${key} on "${service}", which "${owner}" already serves; it was not imported.`, origin, `services.${service}.routes`);
      return;
    }
    taken.set(key, service);
    const list = routes.get(service) ?? [];
    list.push(route);
    routes.set(service, list);
  };
  const portFor = (service: string, c: ConvertedService, explicit: number | undefined, origin: Origin | undefined, what: string) => {
    if (explicit !== undefined) return explicit;
    const port = knownPort(c);
    if (port !== undefined) return port;
    sink.warn('IMPORT_ROUTE_PORT_GUESSED', `${what} does not say which port of "${service}" serves it, and the service declares none; port 80 is assumed. Set the route's port.`, origin, `services.${service}.routes`);
    return 80;
  };

  for (const [name, c] of converted) {
    for (const r of c.traefikRoutes) {
      const what = `Traefik router "${r.router}"`;
      addRoute(name, { domain: r.domain, path: r.path, https: r.https, stripPrefix: r.stripPrefix, port: portFor(name, c, r.port, undefined, what) }, undefined, what);
    }
    for (const d of c.coolifyRoutes) {
      const domain = placeholderDomain(d.id);
      const what = `SERVICE_URL_${d.id}${d.port ? `_${d.port}` : ''}`;
      addRoute(name, { domain, path: d.path, port: portFor(name, c, d.port, d.origin, what) }, d.origin, what);
      sink.warn('IMPORT_ROUTE_DOMAIN_PLACEHOLDER', `${what} makes "${name}" public, with a domain Coolify would pick at deploy time. The route uses ${domain} for now: set the real domain in the route and in the variables that mention ${domain}.`, d.origin, `services.${name}.routes`);
    }
  }

  // Referenced (`$SERVICE_URL_X`) but never declared: Coolify still creates the URL, for the service named X.
  const declared = new Set([...converted.values()].flatMap((c) => c.coolifyRoutes.map((d) => d.id)));
  const referencedBy = new Map<string, string>();
  for (const [service, ids] of routeRefs) for (const id of ids) if (!declared.has(id) && !referencedBy.has(id)) referencedBy.set(id, service);
  for (const [id, referrer] of referencedBy) {
    const target = [...converted.keys()].find((n) => coolifyServiceKey(n) === id) ?? referrer;
    const c = converted.get(target)!;
    const domain = placeholderDomain(id);
    const what = `SERVICE_URL_${id}`;
    addRoute(target, { domain, port: portFor(target, c, undefined, undefined, what) }, undefined, what);
    sink.warn('IMPORT_ROUTE_DOMAIN_PLACEHOLDER', `${what} is used by "${referrer}", which makes "${target}" public with a domain Coolify would pick at deploy time. The route uses ${domain} for now: set the real domain in the route and in the variables that mention it.`, undefined, `services.${target}.routes`);
  }

  const out: Record<string, ServiceInput> = {};
  for (const [name, c] of converted) {
    const serviceRoutes = routes.get(name) ?? [];
    const routed = new Set(serviceRoutes.map((r) => r.port));
    const ports: PortInput[] = [];
    const byKey = new Map<string, PortInput>();
    for (const p of c.ports) {
      const key = `${p.container}/${p.protocol}`;
      let publish = p.published;
      if (publish !== undefined && p.protocol === 'tcp' && routed.has(p.container)) {
        sink.info('IMPORT_PUBLISH_DROPPED_ROUTED', `Port ${p.container} of "${name}" is reached through its route, so host port ${publish} is no longer published.`, undefined, `services.${name}.ports`);
        publish = undefined;
      }
      const existing = byKey.get(key);
      if (existing) {
        if (publish !== undefined && existing.publish !== undefined && existing.publish !== publish) {
          sink.warn('IMPORT_PORT_PUBLISHED_TWICE', `Port ${p.container} of "${name}" is published as both ${existing.publish} and ${publish}; only ${existing.publish} is kept.`, undefined, `services.${name}.ports`);
        }
        existing.publish ??= publish;
        continue;
      }
      const hostIp = publish !== undefined && p.hostIp !== undefined && !ANY_ADDRESS.test(p.hostIp) ? p.hostIp : undefined;
      const port: PortInput = { port: p.container, protocol: p.protocol, ...(publish !== undefined ? { publish } : {}), ...(hostIp ? { hostIp } : {}), ...(p.name && PORT_NAME.test(p.name) && p.name.length <= 15 ? { name: p.name } : {}) };
      byKey.set(key, port);
      ports.push(port);
    }
    for (const port of routed) {
      if (!byKey.has(`${port}/tcp`)) {
        const added: PortInput = { port, protocol: 'tcp' };
        byKey.set(`${port}/tcp`, added);
        ports.push(added);
      }
    }
    out[name] = { ...c.service, ...(ports.length > 0 ? { ports } : {}), ...(serviceRoutes.length > 0 ? { routes: serviceRoutes } : {}) };
  }
  return out;
}
