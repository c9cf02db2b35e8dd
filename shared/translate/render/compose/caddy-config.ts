import type { Route } from '../../../model/app.js';
import { routeHosts } from '../hosts.js';

export interface CaddyUpstream {
  /** Network alias of the service on the proxy network: `<app>-<service>`. */
  alias: string;
  routes: Route[];
}

type CaddyRoute = Record<string, unknown> & { '@id': string };

/**
 * Caddy JSON config for one app's routes, reviewed beside compose.yaml and
 * loaded into Berth's Caddy through its admin API. Every route carries an
 * `@id` (`berth-<alias>-<i>`) so a deploy can replace exactly this app's
 * routes. HTTPS routes live in the `berth-https` server (:443, Caddy's
 * automatic HTTPS issues the certificate and redirects :80); `https: false`
 * routes live in `berth-http`, which listens on :80 only, and Caddy never
 * manages certificates for a server that listens only on the HTTP port.
 */
export function caddyConfig(upstreams: CaddyUpstream[]): Record<string, unknown> {
  const https: CaddyRoute[] = [];
  const http: CaddyRoute[] = [];
  for (const upstream of upstreams) {
    upstream.routes.forEach((route, i) => {
      const id = `berth-${upstream.alias}-${i}`;
      const hosts = routeHosts(route);
      const list = route.https ? https : http;
      if (hosts.redirectFrom) {
        list.push({
          '@id': `${id}-redirect`,
          match: [{ host: [hosts.redirectFrom] }],
          handle: [{ handler: 'static_response', status_code: 308, headers: { Location: [`{http.request.scheme}://${hosts.canonical}{http.request.uri}`] } }],
          terminal: true,
        });
      }
      const match: Record<string, unknown> = { host: [hosts.canonical] };
      if (route.path !== '/') match.path = [route.path, `${route.path.replace(/\/+$/, '')}/*`];
      const handle: Record<string, unknown>[] = [];
      if (route.stripPrefix && route.path !== '/') handle.push({ handler: 'rewrite', strip_path_prefix: route.path.replace(/\/+$/, '') });
      handle.push({ handler: 'reverse_proxy', upstreams: [{ dial: `${upstream.alias}:${route.port}` }] });
      list.push({ '@id': id, match: [match], handle, terminal: true });
    });
  }
  const servers: Record<string, unknown> = {};
  if (https.length > 0) servers['berth-https'] = { listen: [':443'], routes: sortRoutes(https) };
  if (http.length > 0) servers['berth-http'] = { listen: [':80'], routes: sortRoutes(http) };
  return { apps: { http: { servers } } };
}

/** Caddy tries routes in order: longer paths first so /api wins over /. */
function sortRoutes(routes: CaddyRoute[]): CaddyRoute[] {
  const pathOf = (r: CaddyRoute) => {
    const m = (r.match as Array<{ path?: string[] }>)[0];
    return m?.path?.[0] ?? '';
  };
  return [...routes].sort((a, b) => pathOf(b).length - pathOf(a).length || a['@id'].localeCompare(b['@id']));
}
