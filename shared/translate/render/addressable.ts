import type { OverrideTarget } from '../../model/app.js';

/**
 * The objects of a rendered file that overrides can address, by kind and
 * name. compose.yaml: kinds `service`, `volume`, `network`, `config`,
 * `secret` (the top-level sections, named by key). caddy.json: kind `caddy`,
 * one per route, named by its `@id`. kubernetes.yaml: the object's kind and
 * metadata.name.
 */
export interface Addressable {
  kind: string;
  name: string;
  object: Record<string, unknown>;
  /** Puts a replacement object where this one was. */
  replace(next: Record<string, unknown>): void;
}

export const COMPOSE_SECTIONS: Record<string, string> = { services: 'service', volumes: 'volume', networks: 'network', configs: 'config', secrets: 'secret' };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function composeObjects(compose: Record<string, unknown>): Addressable[] {
  const out: Addressable[] = [];
  for (const [section, kind] of Object.entries(COMPOSE_SECTIONS)) {
    const entries = compose[section];
    if (!isObject(entries)) continue;
    for (const [name, object] of Object.entries(entries)) {
      out.push({ kind, name, object: isObject(object) ? object : {}, replace: (next) => { entries[name] = next; } });
    }
  }
  return out;
}

export function caddyObjects(caddy: Record<string, unknown>): Addressable[] {
  const out: Addressable[] = [];
  const servers = (caddy.apps as { http?: { servers?: unknown } } | undefined)?.http?.servers;
  if (!isObject(servers)) return out;
  for (const server of Object.values(servers)) {
    const routes = isObject(server) && Array.isArray(server.routes) ? (server.routes as unknown[]) : [];
    routes.forEach((route, i) => {
      if (isObject(route) && typeof route['@id'] === 'string') out.push({ kind: 'caddy', name: route['@id'], object: route, replace: (next) => { routes[i] = next; } });
    });
  }
  return out;
}

export function kubernetesObjects(objects: Record<string, unknown>[]): Addressable[] {
  return objects.flatMap((object, i) => {
    const name = (object.metadata as { name?: unknown } | undefined)?.name;
    if (typeof object.kind !== 'string' || typeof name !== 'string') return [];
    return [{ kind: object.kind, name, object, replace: (next: Record<string, unknown>) => { objects[i] = next; } }];
  });
}

/** Which file of a target an override kind lives in. */
export const overrideFile = (target: OverrideTarget, kind: string): string => (target === 'kubernetes' ? 'kubernetes.yaml' : kind === 'caddy' ? 'caddy.json' : 'compose.yaml');
