import type { App, Service } from '../../../model/app.js';
import type { Diagnostic } from '../../../model/diagnostic.js';
import { isDnsLabel, toDnsLabel } from '../names.js';
import { mentionsHost, replaceHost, replaceHostUse, usesHost } from './hostnames.js';

/** Somewhere in a service's definition that may name another service's host. */
interface Place {
  field: string;
  text: string;
  /** An env variable whose name says it holds a host (DOCKER_HOST, XMPP_SERVER, REDIS_URL): a bare name there is a host. */
  holdsHost?: boolean;
  /** An env variable whose name says it holds a domain (XMPP_DOMAIN): an identity, never rewritten. */
  holdsDomain?: boolean;
  /** Undefined where the text cannot be edited here: a binary file, a value in the secret store. */
  set?: (text: string) => void;
}

const HOST_VARIABLE = /(^|_)(HOST|HOSTNAME|HOSTS|SERVER|SERVERS|ADDR|ADDRESS|URL|URLS|URI|ENDPOINT|PROXY|BROKER|BROKERS)$/i;

function placesOf(name: string, service: Service, secrets: Record<string, string> | undefined): Place[] {
  const at = `services.${name}`;
  const out: Place[] = [];
  for (const [key, value] of Object.entries(service.env)) {
    const field = `${at}.env.${key}`;
    const holdsHost = HOST_VARIABLE.test(key);
    const holdsDomain = /DOMAIN/i.test(key);
    if (typeof value === 'string') out.push({ field, text: value, holdsHost, holdsDomain, set: (t) => { service.env[key] = t; } });
    else if ('value' in value) out.push({ field, text: value.value, holdsHost, holdsDomain, set: (t) => { service.env[key] = { ...value, value: t }; } });
    else if ('template' in value) out.push({ field, text: value.template, holdsHost, holdsDomain, set: (t) => { service.env[key] = { ...value, template: t }; } });
    else if (secrets?.[value.secret] !== undefined) out.push({ field, text: secrets[value.secret]!, holdsHost, holdsDomain });
  }
  for (const key of ['entrypoint', 'command'] as const) {
    service[key]?.forEach((arg, i) => out.push({ field: `${at}.${key}[${i}]`, text: arg, set: (t) => { service[key]![i] = t; } }));
  }
  service.files.forEach((f, i) => {
    const field = `${at}.files[${i}].content`;
    if (f.encoding === 'base64') {
      let text = '';
      try { text = atob(f.content); } catch { /* not base64: nothing to find */ }
      out.push({ field, text });
    } else out.push({ field, text: f.content, set: (t) => { service.files[i] = { ...f, content: t }; } });
  });
  const check = service.healthcheck?.command;
  if (typeof check === 'string') out.push({ field: `${at}.healthcheck.command`, text: check, set: (t) => { service.healthcheck!.command = t; } });
  else check?.forEach((arg, i) => out.push({ field: `${at}.healthcheck.command[${i}]`, text: arg, set: (t) => { (service.healthcheck!.command as string[])[i] = t; } }));
  return out;
}

/** How a place uses a name: to connect to it (a URL, host:port, -h, a host variable), or only mentions it (a domain, a user name). */
const use = (place: Place, host: string): 'host' | 'mention' | undefined =>
  usesHost(place.text, host) || (place.holdsHost && mentionsHost(place.text, host)) ? 'host' : mentionsHost(place.text, host) ? 'mention' : undefined;

export interface AliasResolution {
  app: App;
  /** Extra Service names per service: its aliases that are valid DNS labels. */
  extraServices: Map<string, string[]>;
}

/** Service names a compose `links` entry (`db` or `db:database`) gives an alias to, keyed by the alias. */
function linkAliases(app: App): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const service of Object.values(app.services)) {
    const links = service.compose?.links;
    if (!Array.isArray(links)) continue;
    for (const link of links.map(String)) {
      const [target, alias] = link.split(':');
      const owner = target && (app.services[target] ? target : toDnsLabel(target));
      if (owner && alias && app.services[owner]) out.push([owner, alias.toLowerCase()]);
    }
  }
  return out;
}

/**
 * Compose aliases are names on a Docker network; on Kubernetes a name is a
 * Service. An alias that is a DNS label becomes one more Service selecting
 * the same pods. A dotted alias (`xmpp.meet.jitsi`) cannot be a Service name
 * (the namespace's DNS serves `<service>.<namespace>.svc`), so where other
 * services connect to it (a URL, host:port, a host variable such as
 * XMPP_SERVER) it is rewritten to the service's own name. Other mentions are
 * left as they are with a warning: `XMPP_DOMAIN: meet.jitsi` names a domain,
 * not a host, and rewriting it would break the app. Where a host use cannot
 * be edited (a binary file, a value in the secret store, an alias several
 * services share) each place is an error. Link aliases, and a container name
 * or hostname that other services connect to, count as aliases. References
 * inside the aliased service itself are left alone: they are as often its
 * own domain as a host it connects to.
 */
export function resolveAliases(definition: App, secrets: Record<string, string> | undefined, diagnostics: Diagnostic[]): AliasResolution {
  const extraServices = new Map<string, string[]>();
  const links = linkAliases(definition);
  const hasAliases = links.length > 0 || Object.values(definition.services).some((s) => (s.aliases?.length ?? 0) > 0 || s.containerName || s.compose?.hostname !== undefined);
  if (!hasAliases) return { app: definition, extraServices };
  const app = structuredClone(definition);
  const serviceNames = new Set(Object.keys(app.services));
  const places = new Map(Object.entries(app.services).map(([name, s]) => [name, placesOf(name, s, secrets)]));
  const connectedToByOthers = (owner: string, host: string) => [...places].some(([other, list]) => other !== owner && list.some((p) => use(p, host) === 'host'));

  // alias (lowercase) → the services that answer to it
  const owners = new Map<string, string[]>();
  const own = (name: string, alias: string) => {
    if (alias === name) return;
    if (serviceNames.has(alias)) {
      diagnostics.push({ severity: 'warning', code: 'ALIAS_IS_SERVICE_NAME', message: `${name} answers to ${alias}, which is also the name of the service ${alias}; on Kubernetes ${alias} leads only to the service ${alias}. Remove the alias, or rename one of them.`, field: `services.${name}.aliases` });
      return;
    }
    const list = owners.get(alias) ?? [];
    if (!list.includes(name)) owners.set(alias, [...list, name]);
  };
  for (const [name, service] of Object.entries(app.services)) {
    for (const alias of service.aliases ?? []) own(name, alias.toLowerCase());
    for (const other of [service.containerName, service.compose?.hostname]) {
      const host = typeof other === 'string' ? other.toLowerCase() : undefined;
      if (host && connectedToByOthers(name, host)) own(name, host);
    }
  }
  for (const [owner, alias] of links) own(owner, alias);

  for (const [alias, [owner, ...rest]] of owners) {
    const shared = rest.length > 0;
    if (isDnsLabel(alias) && !shared) {
      extraServices.set(owner!, [...(extraServices.get(owner!) ?? []), alias]);
      continue;
    }
    const others = [...places].filter(([other]) => other !== owner && !rest.includes(other)).flatMap(([, list]) => list);
    const found = others.map((place) => ({ place, how: use(place, alias) })).filter((f) => f.how !== undefined);
    if (found.length === 0) {
      diagnostics.push({
        severity: 'info',
        code: 'ALIAS_NOT_SERVED',
        message: `${owner} answers to ${alias} on Docker; Kubernetes cannot serve ${shared ? `a name shared by ${[owner, ...rest].join(', ')}` : 'a dotted name as a Service'}, and no other service uses it, so it is left out there. If something outside the app uses it, point it at ${owner} instead.`,
        field: `services.${owner}.aliases`,
      });
      continue;
    }
    for (const { place, how } of found) {
      if (how === 'mention') {
        diagnostics.push({
          severity: place.holdsDomain ? 'info' : 'warning',
          code: 'ALIAS_LEFT_AS_IS',
          message: `${place.field} mentions ${alias}, an alias of ${owner} that Kubernetes cannot serve; it does not look like a host to connect to (a domain or a user name, say), so it is left as it is. If it is a host, change it to ${owner} there.`,
          field: place.field,
        });
        continue;
      }
      if (shared || !place.set) {
        const why = shared
          ? `${alias} is an alias of ${[owner, ...rest].join(' and ')}, and a Kubernetes name leads to one service`
          : `${place.field} cannot be edited here (${place.field.includes('.files[') ? 'a binary file' : 'its value is in the secret store'})`;
        diagnostics.push({
          severity: 'error',
          code: 'ALIAS_UNSERVABLE',
          message: `${place.field} connects to ${alias}, which Kubernetes cannot serve: ${why}. Change it to ${shared ? 'the name of one service' : owner} there (Kubernetes Service names are DNS labels), or deploy to a Docker destination.`,
          field: place.field,
        });
        continue;
      }
      place.text = place.holdsHost ? replaceHost(place.text, alias, owner!) : replaceHostUse(place.text, alias, owner!);
      place.set(place.text);
      diagnostics.push({
        severity: 'info',
        code: 'ALIAS_REWRITTEN',
        message: `${place.field} connects to ${alias}, an alias of ${owner} that Kubernetes cannot serve as a Service name; on Kubernetes it says ${owner} instead. If ${alias} must appear as it is (a TLS name, a domain in the protocol), give ${owner} a DNS-label alias and use that.`,
        field: place.field,
      });
    }
  }
  return { app, extraServices };
}
