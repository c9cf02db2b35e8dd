import { findReferences, wellKnownPort, type HostUse } from '../references.js';
import type { ServiceInput } from './context.js';
import type { DiagnosticSink, Origin } from './diagnostics.js';

export interface ReachabilityInput {
  services: Record<string, ServiceInput>;
  /** Normalised name → the name in the compose file, for services that were renamed. */
  originals: ReadonlyMap<string, string>;
  /** The port each service's health check talks to. */
  healthPorts: ReadonlyMap<string, number | undefined>;
  /** Services whose restart policy the compose file wrote out. */
  restartWritten: ReadonlySet<string>;
  originOf(name: string): Origin | undefined;
  sink: DiagnosticSink;
}

const HOST_ALIAS = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const places = (uses: HostUse[], self: string) => [...new Set(uses.map((u) => (u.from === self ? `its own ${u.where}` : `${u.from} ${u.where}`)))].slice(0, 3).join(', ');

/**
 * Settles, from how services use each other, what the compose file leaves
 * implicit: the ports others reach a service on (so it gets a Kubernetes
 * Service), the names they reach it by (container_name, its name before
 * normalisation), and whether it runs continuously or once.
 */
export function settleReachability(input: ReachabilityInput): void {
  const { services, originals, healthPorts, restartWritten, originOf, sink } = input;
  addLinkAliases(services);
  const extra: Record<string, string[]> = {};
  for (const [name, original] of originals) if (original !== name) extra[name] = [original];
  const references = findReferences(services, extra);

  const completedBy = new Map<string, string[]>();
  const startedBy = new Map<string, string[]>();
  const healthyBy = new Set<string>();
  for (const [name, s] of Object.entries(services)) {
    for (const dep of s.dependsOn ?? []) {
      const d = typeof dep === 'string' ? { service: dep, condition: 'started' } : { service: dep.service, condition: dep.condition ?? 'started' };
      const by = d.condition === 'completed' ? completedBy : startedBy;
      by.set(d.service, [...(by.get(d.service) ?? []), name]);
      if (d.condition === 'healthy') healthyBy.add(d.service);
    }
  }

  for (const [name, s] of Object.entries(services)) {
    const uses = references.get(name) ?? [];
    const byOthers = uses.filter((u) => u.from !== name);
    const field = `services.${name}`;
    addNamesInUse(name, s, byOthers, originals.get(name), input);

    const ports = (s.ports ??= []);
    const has = (port: number) => ports.some((p) => p.port === port && (p.protocol ?? 'tcp') === 'tcp');
    const used = new Map<number, HostUse[]>();
    for (const u of uses) if (u.port !== undefined) used.set(u.port, [...(used.get(u.port) ?? []), u]);
    for (const [port, list] of used) {
      if (has(port)) continue;
      ports.push({ port, protocol: 'tcp' });
      sink.info('IMPORT_PORT_FROM_REFERENCE', `"${name}" does not declare port ${port}, but ${places(list, name)} reach${list.length > 1 ? '' : 'es'} it there, so the port was added (not published) and it gets a Kubernetes Service. If it listens on another port, fix the port here and in those places.`, originOf(name), `${field}.ports`);
    }

    const overridden = s.command !== undefined || s.entrypoint !== undefined;
    const imagePort = wellKnownPort(s.image);
    const checked = s.healthcheck !== undefined && s.healthcheck.disable !== true;
    const reasons = [
      ports.length > 0 || (s.routes ?? []).length > 0 ? 'it has ports' : '',
      byOthers.length > 0 ? `other services reach it (${places(byOthers, name)})` : '',
      // Others wait for it to start, not to complete: it keeps running, unless the file says restart: "no" (an init
      // task written the way compose files did before service_completed_successfully).
      startedBy.has(name) && !(s.restart === 'no' && restartWritten.has(name)) ? `${startedBy.get(name)!.join(', ')} depend${startedBy.get(name)!.length > 1 ? '' : 's'} on it running` : '',
      s.restart === 'always' || s.restart === 'unless-stopped' ? `restart is ${s.restart}` : '',
      checked || healthyBy.has(name) ? 'it has a health check' : '',
      imagePort !== undefined && !overridden ? `${s.image} is a server` : '',
      s.mode === 'global' ? 'it runs on every node (deploy.mode: global)' : '',
    ].filter(Boolean);
    const completed = completedBy.get(name);
    if (completed) {
      s.runs = 'once';
      if (reasons.length > 0) sink.info('IMPORT_RUNS_ONCE', `"${name}" runs once: ${completed.join(', ')} wait${completed.length > 1 ? '' : 's'} for it to complete (service_completed_successfully), though ${reasons.join(' and ')}. If it is a server, set runs: continuously and change their condition.`, originOf(name), `${field}.runs`);
    } else if (reasons.length > 0) {
      s.runs = 'continuously';
    } else {
      s.runs = 'once';
      sink.info('IMPORT_RUNS_ONCE', `"${name}" runs once (a Job on Kubernetes): it has no ports, nothing reaches it or waits for it to run, no health check, and restart is ${s.restart ?? 'no'}, so it looks like a task that runs to completion. If it is a long-running worker, set runs: continuously (and restart: unless-stopped).`, originOf(name), `${field}.runs`);
    }

    if (ports.length === 0 && s.runs === 'continuously') {
      const fromHealth = healthPorts.get(name);
      const port = fromHealth ?? imagePort;
      if (port !== undefined) {
        ports.push({ port, protocol: 'tcp' });
        sink.info(
          fromHealth !== undefined ? 'IMPORT_PORT_FROM_HEALTHCHECK' : 'IMPORT_PORT_FROM_IMAGE',
          `"${name}" declares no ports; port ${port} (${fromHealth !== undefined ? 'from its health check' : `usual for ${s.image}`}) was added so other services can reach it on Kubernetes too. Fix it if the service listens elsewhere.`,
          originOf(name),
          `${field}.ports`,
        );
      } else if (byOthers.length > 0) {
        sink.warn('IMPORT_PORT_UNKNOWN', `Other services reach "${name}" (${places(byOthers, name)}), but no port is known for it, so on Kubernetes it gets no Service and they cannot connect. Add the port it listens on to its ports.`, originOf(name), `${field}.ports`);
      }
    }
    if (ports.length === 0) delete s.ports;
  }
}

/** Names others use that only Docker knew: container_name, and the service's name before normalisation. */
function addNamesInUse(name: string, s: ServiceInput, byOthers: HostUse[], original: string | undefined, input: ReachabilityInput): void {
  const aliases = new Set(s.aliases ?? []);
  for (const u of byOthers) {
    const host = u.host;
    if (host.toLowerCase() === name || aliases.has(host)) continue;
    const isContainer = s.containerName !== undefined && host.toLowerCase() === s.containerName.toLowerCase();
    const isOriginal = original !== undefined && host.toLowerCase() === original.toLowerCase();
    if (!(isContainer || isOriginal) || !HOST_ALIAS.test(host)) continue;
    aliases.add(host);
    input.sink.info(
      'IMPORT_ALIAS_ADDED',
      `${u.from} reaches "${name}" as "${host}" (${u.where}), its ${isContainer ? 'container_name' : 'name in the compose file'}, so "${host}" is kept as an alias of "${name}" and resolves on every target. Or change ${u.where} to "${name}".`,
      input.originOf(name),
      `services.${name}.aliases`,
    );
  }
  if (aliases.size > 0) s.aliases = [...aliases];
}

/** `links: [db:database]` makes `database` a name of db; as an alias it resolves on every target, not only for the linking service. */
function addLinkAliases(services: Record<string, ServiceInput>): void {
  for (const s of Object.values(services)) {
    const links = Array.isArray(s.compose?.links) ? (s.compose.links as unknown[]) : [];
    for (const link of links) {
      const [target = '', alias] = String(link).split(':');
      const t = services[target];
      if (!t || alias === undefined || alias === target || !HOST_ALIAS.test(alias)) continue;
      if (!(t.aliases ?? []).includes(alias)) t.aliases = [...(t.aliases ?? []), alias];
    }
  }
}
