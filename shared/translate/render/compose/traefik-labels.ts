import type { Route } from '../../../model/app.js';
import { routeHosts } from '../hosts.js';

/** Coolify's proxy network; Berth attaches routed services to it in traefik mode. */
export const COOLIFY_NETWORK = 'coolify';

/**
 * Traefik labels in Coolify's format (router and service names
 * `http-<i>-<id>` / `https-<i>-<id>`, entryPoints http/https, certresolver
 * letsencrypt, shared gzip and redirect-to-https middlewares), so a Berth
 * service behaves like a Coolify one behind an existing Coolify proxy.
 * `id` is `<app>-<service>`. Values keep their `$` unescaped; the compose
 * renderer escapes every value at the end.
 */
export function traefikLabels(id: string, routes: Route[], network: string): Record<string, string> {
  const labels: Record<string, string> = {
    'traefik.enable': 'true',
    'traefik.docker.network': network,
    'traefik.http.middlewares.gzip.compress': 'true',
  };
  routes.forEach((route, i) => {
    const hosts = routeHosts(route);
    const hostRule = hosts.redirectFrom ? `(Host(\`${hosts.canonical}\`) || Host(\`${hosts.redirectFrom}\`))` : `Host(\`${hosts.canonical}\`)`;
    const rule = `${hostRule} && PathPrefix(\`${route.path}\`)`;
    const scheme = route.https ? 'https' : 'http';
    const main = `${scheme}-${i}-${id}`;
    const chain: string[] = [];
    if (route.stripPrefix && route.path !== '/') {
      labels[`traefik.http.middlewares.${main}-stripprefix.stripprefix.prefixes`] = route.path;
      chain.push(`${main}-stripprefix`);
    }
    if (route.www === 'to-www') {
      const mw = `${i}-${id}-to-www`;
      labels[`traefik.http.middlewares.${mw}.redirectregex.regex`] = '^(http|https)://(?:www\\.)?(.+)';
      labels[`traefik.http.middlewares.${mw}.redirectregex.replacement`] = '${1}://www.${2}';
      labels[`traefik.http.middlewares.${mw}.redirectregex.permanent`] = 'false';
      chain.push(mw);
    } else if (route.www === 'to-apex') {
      const mw = `${i}-${id}-to-non-www`;
      labels[`traefik.http.middlewares.${mw}.redirectregex.regex`] = '^(http|https)://www\\.(.+)';
      labels[`traefik.http.middlewares.${mw}.redirectregex.replacement`] = '${1}://${2}';
      labels[`traefik.http.middlewares.${mw}.redirectregex.permanent`] = 'false';
      chain.push(mw);
    }
    chain.push('gzip');
    router(labels, main, rule, scheme, route.port, chain.join(','));
    if (route.https) {
      labels[`traefik.http.routers.${main}.tls`] = 'true';
      labels[`traefik.http.routers.${main}.tls.certresolver`] = 'letsencrypt';
      labels['traefik.http.middlewares.redirect-to-https.redirectscheme.scheme'] = 'https';
      router(labels, `http-${i}-${id}`, rule, 'http', route.port, 'redirect-to-https');
    }
  });
  return labels;
}

function router(labels: Record<string, string>, name: string, rule: string, entryPoint: string, port: number, middlewares: string) {
  labels[`traefik.http.routers.${name}.rule`] = rule;
  labels[`traefik.http.routers.${name}.entryPoints`] = entryPoint;
  labels[`traefik.http.routers.${name}.service`] = name;
  labels[`traefik.http.services.${name}.loadbalancer.server.port`] = String(port);
  labels[`traefik.http.routers.${name}.middlewares`] = middlewares;
}
