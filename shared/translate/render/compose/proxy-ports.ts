import type { App, DockerDestination } from '../../../model/app.js';
import type { Diagnostic } from '../../../model/diagnostic.js';

/** Images of reverse proxies that compose apps ship to route their own traffic. */
const REVERSE_PROXY = /(^|\/)(traefik|caddy|nginx-proxy|haproxy|envoy)(:|@|$)|(^|\/)(jwilder|nginxproxy)\/nginx-proxy/i;

/**
 * With Berth's Caddy (or Coolify's Traefik) on the server, the host's HTTP
 * and HTTPS ports are taken: a service that publishes them cannot start. An
 * app's own reverse proxy is the usual case, and the fix is different (let
 * Berth route), so it gets its own message.
 */
export function proxyPortConflicts(app: App, destination: DockerDestination): Diagnostic[] {
  if (destination.proxy === 'none') return [];
  const taken = destination.proxy === 'caddy' ? [destination.httpPort ?? 80, destination.httpsPort ?? 443] : [80, 443];
  const proxyName = destination.proxy === 'caddy' ? "Berth's Caddy proxy (berth-proxy)" : "Coolify's Traefik proxy";
  const out: Diagnostic[] = [];
  for (const [name, service] of Object.entries(app.services)) {
    const routed = new Set(service.routes.map((r) => r.port));
    service.ports.forEach((p, i) => {
      // Routed ports are never published on a proxied destination (ROUTED_PORT_NOT_PUBLISHED).
      if (p.publish === undefined || p.protocol !== 'tcp' || routed.has(p.port) || !taken.includes(p.publish)) return;
      const field = `services.${name}.ports[${i}].publish`;
      if (service.image && REVERSE_PROXY.test(service.image)) {
        out.push({
          severity: 'error',
          code: 'APP_PROXY_CONFLICTS_WITH_BERTH_PROXY',
          message: `${name} is the app's own reverse proxy (${service.image}) and publishes host port ${p.publish}, which ${proxyName} already binds on ${destination.name}. Remove ${name} and give the services it routed Berth routes (routes: domain and port), or deploy to a destination with proxy: none.`,
          field,
        });
      } else {
        out.push({
          severity: 'error',
          code: 'HOST_PORT_TAKEN_BY_PROXY',
          message: `${name} publishes host port ${p.publish}, which ${proxyName} already binds on ${destination.name}. Add a route for port ${p.port} instead of publishing it, or publish another host port.`,
          field,
        });
      }
    });
  }
  return out;
}
