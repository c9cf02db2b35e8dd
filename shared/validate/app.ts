import { dependenciesOf, type App } from '../model/app.js';
import type { Diagnostic } from '../model/diagnostic.js';

/**
 * Checks across fields that the App schema cannot express: references
 * between services, volumes, ports and routes. Target-independent, so both
 * renderers start from the same findings.
 */
export function validateAppReferences(app: App): Diagnostic[] {
  const out: Diagnostic[] = [];
  const error = (code: string, message: string, field: string) => out.push({ severity: 'error', code, message, field });
  const routeOwners = new Map<string, string>();

  for (const [name, service] of Object.entries(app.services)) {
    const at = `services.${name}`;
    const ports = new Set<string>();
    service.ports.forEach((p, i) => {
      const key = `${p.port}/${p.protocol}`;
      if (ports.has(key)) error('PORT_DUPLICATE', `Port ${key} is listed twice in ${name}; remove one.`, `${at}.ports[${i}].port`);
      ports.add(key);
    });
    service.routes.forEach((route, i) => {
      if (!ports.has(`${route.port}/tcp`)) {
        error('ROUTE_PORT_UNDECLARED', `Route ${route.domain}${route.path} sends traffic to port ${route.port}, which ${name} does not declare; add it under ports or change the route's port.`, `${at}.routes[${i}].port`);
      }
      const key = `${route.domain.toLowerCase()}${route.path}`;
      const owner = routeOwners.get(key);
      if (owner) error('ROUTE_DUPLICATE', `${route.domain}${route.path} is already routed by ${owner}; each domain and path goes to one service.`, `${at}.routes[${i}].domain`);
      else routeOwners.set(key, `${at}.routes[${i}]`);
    });
    const paths = new Set<string>();
    const checkPath = (path: string, field: string) => {
      if (paths.has(path)) error('MOUNT_PATH_DUPLICATE', `${path} is mounted twice in ${name}; keep one mount per path.`, field);
      paths.add(path);
    };
    service.mounts.forEach((mount, i) => {
      checkPath(mount.path, `${at}.mounts[${i}].path`);
      if ('volume' in mount && !Object.hasOwn(app.volumes, mount.volume)) {
        error('VOLUME_UNDECLARED', `${name} mounts volume "${mount.volume}", which is not declared; add it under volumes.`, `${at}.mounts[${i}].volume`);
      }
    });
    service.files.forEach((file, i) => checkPath(file.path, `${at}.files[${i}].path`));
    dependenciesOf(service).forEach(({ service: dep }, i) => {
      if (dep === name) error('DEPENDS_ON_SELF', `${name} cannot depend on itself; remove it from dependsOn.`, `${at}.dependsOn[${i}]`);
      else if (!Object.hasOwn(app.services, dep)) error('DEPENDS_ON_UNKNOWN', `${name} depends on "${dep}", which is not a service of this app.`, `${at}.dependsOn[${i}]`);
    });
  }
  return out;
}
