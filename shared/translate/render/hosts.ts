import type { Route } from '../../model/app.js';

export interface RouteHosts {
  /** The host that serves the app. */
  canonical: string;
  /** The host that redirects to the canonical one (www redirect), if any. */
  redirectFrom?: string;
}

export function routeHosts(route: Route): RouteHosts {
  const domain = route.domain.toLowerCase();
  const apex = domain.startsWith('www.') ? domain.slice(4) : domain;
  if (route.www === 'to-www') return { canonical: `www.${apex}`, redirectFrom: apex };
  if (route.www === 'to-apex') return { canonical: apex, redirectFrom: `www.${apex}` };
  return { canonical: domain };
}
