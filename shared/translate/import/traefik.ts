export interface TraefikRoute {
  router: string;
  domain: string;
  path: string;
  https: boolean;
  stripPrefix: boolean;
  /** From `traefik.http.services.<S>.loadbalancer.server.port`; undefined when the labels leave it to Traefik. */
  port: number | undefined;
}

export interface TraefikImport {
  routes: TraefikRoute[];
  /** Label keys (as written) that the routes now express. */
  consumed: Set<string>;
  problems: Array<{ code: string; message: string; label: string }>;
}

const ROUTER_KEY = /^traefik\.http\.routers\.([^.]+)\.(.+)$/i;
const SERVICE_PORT_KEY = /^traefik\.http\.services\.([^.]+)\.loadbalancer\.server\.port$/i;
const STRIP_KEY = /^traefik\.http\.middlewares\.([^.]+)\.stripprefix\.prefixes$/i;
const ARG = /\s*(?:`([^`]*)`|"([^"]*)")\s*/y;
const DOMAIN = /^(\*\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/i;

interface Matcher {
  name: string;
  args: string[];
}

/** Parses `Host(`a`, `b`) && PathPrefix(`/x`)`; undefined when the rule uses anything else. */
function parseConjunction(text: string): Matcher[] | undefined {
  const matchers: Matcher[] = [];
  for (const term of text.split('&&')) {
    const m = /^\s*([A-Za-z]+)\((.*)\)\s*$/.exec(term);
    if (!m) return undefined;
    const args: string[] = [];
    const body = m[2]!;
    ARG.lastIndex = 0;
    while (ARG.lastIndex < body.length) {
      const a = ARG.exec(body);
      if (!a) return undefined;
      args.push(a[1] ?? a[2] ?? '');
      if (body[ARG.lastIndex] === ',') ARG.lastIndex++;
    }
    matchers.push({ name: m[1]!.toLowerCase(), args });
  }
  return matchers;
}

function routesOfRule(rule: string): Array<{ domain: string; path: string }> | undefined {
  const out: Array<{ domain: string; path: string }> = [];
  for (const alternative of rule.split('||')) {
    let text = alternative.trim();
    // `(Host(`a`) && Path(`/x`)) || ...`: drop grouping parentheses around an alternative.
    while (text.startsWith('(') && text.endsWith(')') && !parseConjunction(text)) text = text.slice(1, -1).trim();
    const matchers = parseConjunction(text);
    if (!matchers) return undefined;
    const hosts = matchers.filter((m) => m.name === 'host').flatMap((m) => m.args);
    const paths = matchers.filter((m) => m.name === 'pathprefix' || m.name === 'path').flatMap((m) => m.args);
    if (hosts.length === 0 || paths.length > 1 || matchers.some((m) => !['host', 'pathprefix', 'path'].includes(m.name))) return undefined;
    for (const domain of hosts) out.push({ domain, path: paths[0] ?? '/' });
  }
  return out;
}

/** Routes from Traefik v2/v3 router labels (keys are case-insensitive in Traefik). */
export function importTraefikLabels(labels: Array<[string, string | undefined]>): TraefikImport {
  const routers = new Map<string, Map<string, { key: string; value: string }>>();
  const servicePorts = new Map<string, { key: string; value: string }>();
  const stripMiddlewares = new Map<string, string>();
  for (const [key, value = ''] of labels) {
    const router = ROUTER_KEY.exec(key);
    if (router) {
      const props = routers.get(router[1]!) ?? new Map();
      props.set(router[2]!.toLowerCase(), { key, value });
      routers.set(router[1]!, props);
    }
    const service = SERVICE_PORT_KEY.exec(key);
    if (service) servicePorts.set(service[1]!, { key, value });
    const strip = STRIP_KEY.exec(key);
    if (strip) stripMiddlewares.set(strip[1]!, key);
  }
  const result: TraefikImport = { routes: [], consumed: new Set(), problems: [] };
  for (const [name, props] of routers) {
    const rule = props.get('rule');
    if (!rule) continue;
    const parsed = routesOfRule(rule.value);
    const invalid = parsed?.find((r) => !DOMAIN.test(r.domain) || !r.path.startsWith('/'));
    if (!parsed || invalid) {
      result.problems.push({
        code: 'IMPORT_TRAEFIK_RULE_UNSUPPORTED',
        message: `Traefik router "${name}" has the rule ${rule.value}; only Host(...) with an optional PathPrefix(...) becomes a route. Its labels are kept as they are.`,
        label: rule.key,
      });
      continue;
    }
    const serviceName = props.get('service')?.value;
    const portLabel = serviceName ? servicePorts.get(serviceName) : servicePorts.size === 1 ? [...servicePorts.values()][0] : undefined;
    const port = portLabel ? Number(portLabel.value) : undefined;
    const entrypoints = (props.get('entrypoints')?.value ?? '').toLowerCase().split(',').map((e) => e.trim());
    const https = [...props.keys()].some((k) => k === 'tls' || k.startsWith('tls.')) ? props.get('tls')?.value !== 'false' : entrypoints.some((e) => e === 'websecure' || e === 'https');
    const middlewares = (props.get('middlewares')?.value ?? '').split(',').map((m) => m.trim().replace(/@.*$/, '')).filter(Boolean);
    const stripPrefix = middlewares.some((m) => stripMiddlewares.has(m));
    const unknownMiddlewares = middlewares.filter((m) => !stripMiddlewares.has(m) && !/redirect-?to-?https|^https?-?redirect|gzip|compress/i.test(m));
    if (unknownMiddlewares.length > 0) {
      result.problems.push({
        code: 'IMPORT_TRAEFIK_MIDDLEWARE',
        message: `Traefik router "${name}" uses middlewares ${unknownMiddlewares.join(', ')}, which a Berth route does not express; their definitions are kept as labels but no longer attached. Re-create them as overrides if you need them.`,
        label: props.get('middlewares')!.key,
      });
    }
    for (const r of parsed) {
      result.routes.push({ router: name, domain: r.domain.toLowerCase(), path: r.path, https, stripPrefix: stripPrefix && r.path !== '/', port: port !== undefined && Number.isInteger(port) && port >= 1 && port <= 65535 ? port : undefined });
    }
    for (const { key } of props.values()) result.consumed.add(key);
    if (portLabel) result.consumed.add(portLabel.key);
    for (const m of middlewares) {
      const stripKey = stripMiddlewares.get(m);
      if (stripKey) result.consumed.add(stripKey);
    }
  }
  if (result.routes.length > 0) {
    for (const [key] of labels) if (/^traefik\.(enable|docker\.network)$/i.test(key)) result.consumed.add(key);
  }
  result.routes = mergeRedirectPairs(result.routes);
  return result;
}

/** An HTTP router that only redirects to its HTTPS twin is the same route: keep one, https on. */
function mergeRedirectPairs(routes: TraefikRoute[]): TraefikRoute[] {
  const byTarget = new Map<string, TraefikRoute>();
  for (const route of routes) {
    const key = `${route.domain} ${route.path}`;
    const seen = byTarget.get(key);
    if (!seen) byTarget.set(key, { ...route });
    else {
      seen.https ||= route.https;
      seen.stripPrefix ||= route.stripPrefix;
      seen.port ??= route.port;
    }
  }
  return [...byTarget.values()];
}
