import type { ComposeDocument, ComposeService } from '../compose-model.js';
import { appEnvText, composeEnv, joinCommand, type CheckContext, type ComposeTarget, type KubeTarget } from '../checker.js';
import { hostsInEnvironment, hostsInText, type HostUse } from '../hosts.js';
import { containerOf, envOf, selects } from '../kube-model.js';

/** A host name one service uses for another, found in the original. */
export interface Reference extends HostUse {
  from: string;
  to: string;
  /** Where: `environment.KEY`, `command`, `entrypoint` or `healthcheck`. */
  place: string;
}

const namesCache = new WeakMap<ComposeDocument, Map<string, Array<{ service: string; network: string }>>>();

/** Every name a service answers to on each of its networks (service name, aliases, container_name). */
function namesOn(doc: ComposeDocument) {
  const cached = namesCache.get(doc);
  if (cached) return cached;
  const names = new Map<string, Array<{ service: string; network: string }>>();
  const add = (host: string, service: string, network: string) => {
    const key = host.toLowerCase();
    names.set(key, [...(names.get(key) ?? []), { service, network }]);
  };
  for (const s of Object.values(doc.services)) {
    for (const [network, attachment] of Object.entries(s.networks)) {
      add(s.name, s.name, network);
      if (s.containerName) add(s.containerName, s.name, network);
      for (const alias of attachment.aliases) add(alias, s.name, network);
    }
  }
  namesCache.set(doc, names);
  return names;
}

/** The service `host` reaches from `from` in this document: a shared network, or a link. */
function resolveIn(doc: ComposeDocument, names: ReturnType<typeof namesOn>, from: ComposeService, host: string): string | undefined {
  const link = from.links.find((l) => l.alias.toLowerCase() === host.toLowerCase());
  if (link && doc.services[link.service]) return link.service;
  return names.get(host.toLowerCase())?.find((n) => from.networks[n.network] !== undefined)?.service;
}

const placesOf = (s: ComposeService) => [
  ['command', joinCommand(s.command)],
  ['entrypoint', joinCommand(s.entrypoint)],
  ['healthcheck', s.healthcheck && !s.healthcheck.disable ? joinCommand(s.healthcheck.test) : undefined],
] as const;

const referencesCache = new WeakMap<CheckContext, Reference[]>();

export function referencesOf(ctx: CheckContext): Reference[] {
  const cached = referencesCache.get(ctx);
  if (cached) return cached;
  const doc = ctx.original.doc;
  const names = namesOn(doc);
  const refs: Reference[] = [];
  for (const s of Object.values(doc.services)) {
    if (s.networkMode) continue; // host, none or another container's network: names resolve differently there
    const known = (h: string) => resolveIn(doc, names, s, h) !== undefined;
    const add = (use: HostUse, place: string) => {
      const to = resolveIn(doc, names, s, use.host)!;
      if (!refs.some((r) => r.from === s.name && r.place === place && r.host === use.host && r.port === use.port)) refs.push({ ...use, from: s.name, to, place });
    };
    for (const use of hostsInEnvironment(s.environment, known)) add(use, `environment.${use.key}`);
    for (const [place, text] of placesOf(s)) if (text) for (const use of hostsInText(text, known)) add(use, place);
  }
  referencesCache.set(ctx, refs);
  return refs;
}

/** The text of a reference's place in an output, when the output still has it there. */
function composePlace(ctx: CheckContext, target: ComposeTarget, service: ComposeService, place: string): string | undefined {
  if (place.startsWith('environment.')) {
    const key = place.slice('environment.'.length);
    const v = composeEnv(target, service)[key];
    return v && v !== '********' ? v : appEnvText(ctx, service.name, key);
  }
  const p = placesOf(service).find(([name]) => name === place);
  return p?.[1];
}

function composeResolves(target: ComposeTarget, from: ComposeService, host: string, to: string, port: number | undefined): string | undefined {
  const doc = target.doc;
  const reached = resolveIn(doc, namesOn(doc), from, host);
  if (reached === undefined) return `"${host}" does not resolve from ${from.name}`;
  if (reached !== to) return `"${host}" reaches ${reached}, not ${to}`;
  const t = doc.services[to]!;
  if (port !== undefined && !t.expose.includes(port) && !t.ports.some((p) => p.target === port)) return `${to} does not declare port ${port}`;
  return undefined;
}

function kubePlace(ctx: CheckContext, target: KubeTarget, service: string, place: string): string | undefined {
  const found = containerOf(target.index, service);
  if (!found) return undefined;
  const c = found.container;
  if (place.startsWith('environment.')) {
    const key = place.slice('environment.'.length);
    const e = envOf(c).get(key);
    return typeof e?.value === 'string' && e.value !== '********' ? e.value : appEnvText(ctx, service, key);
  }
  const words = (v: unknown) => (Array.isArray(v) ? v.map(String).join(' ') : undefined);
  if (place === 'command' || place === 'entrypoint') return [words(c.command), words(c.args)].filter(Boolean).join(' ');
  return JSON.stringify([c.readinessProbe, c.livenessProbe, c.startupProbe]);
}

function kubeService(target: KubeTarget, host: string) {
  const h = host.toLowerCase();
  const inNamespace = new RegExp(`^([a-z0-9-]+)\\.${target.namespace}(\\.svc(\\.cluster\\.local)?)?$`).exec(h);
  return target.index.services.get(h) ?? (inNamespace ? target.index.services.get(inNamespace[1]!) : undefined);
}

function kubeResolves(target: KubeTarget, host: string, to: string, port: number | undefined): string | undefined {
  const svc = kubeService(target, host);
  if (!svc) return `no Service "${host}"`;
  const workload = containerOf(target.index, to)?.workload;
  if (!workload) return `${to} has no workload`;
  if (!selects(svc.selector, workload.podLabels)) return `Service "${host}" does not select ${to}`;
  if (port !== undefined && !svc.ports.some((p) => p.port === port)) return `Service "${host}" has no port ${port}`;
  return undefined;
}

/** Class 1: each name a service uses for another resolves on every target, with the port it uses. */
export function checkHostNames(ctx: CheckContext): void {
  for (const ref of referencesOf(ctx)) {
    const subject = `${ref.host}${ref.port ? `:${ref.port}` : ''} in ${ref.place}`;
    const from = ctx.outName(ref.from);
    const to = ctx.outName(ref.to);
    // The diagnostic must name the host the reference uses, or (when that is the service's own name) the port.
    const terms = ref.host.toLowerCase() === ref.to.toLowerCase() && ref.port ? [`${ref.host}:${ref.port}`, `port ${ref.port}`] : [ref.host];
    for (const target of ctx.compose) {
      const service = target.doc.services[from];
      let problem: string | undefined = service ? undefined : `${from} is not in the output`;
      if (service) {
        const text = composePlace(ctx, target, service, ref.place) ?? '';
        const candidates = [...hostsInText(text, (h) => resolveIn(target.doc, namesOn(target.doc), service, h) !== undefined).map((u) => u.host), ref.host];
        const outcomes = candidates.map((h) => composeResolves(target, service, h, to, ref.port));
        problem = outcomes.includes(undefined) ? undefined : outcomes.at(-1);
      }
      ctx.record({ check: 'hosts', target: 'compose', destination: target.destination, service: ref.from, also: [ref.to], subject, problem, terms, diagnostics: target.diagnostics });
    }
    for (const target of ctx.kube) {
      const text = kubePlace(ctx, target, from, ref.place) ?? '';
      const candidates = [...hostsInText(text, (h) => kubeService(target, h) !== undefined).map((u) => u.host), ref.host];
      const outcomes = candidates.map((h) => kubeResolves(target, h, to, ref.port));
      const problem = outcomes.includes(undefined) ? undefined : outcomes.at(-1);
      ctx.record({ check: 'hosts', target: 'kubernetes', destination: target.destination, service: ref.from, also: [ref.to], subject, problem, terms, diagnostics: target.diagnostics });
    }
  }
}

/** Coolify routes the service whose own environment declares SERVICE_URL_<ID>[_<PORT>] or SERVICE_FQDN_… (bare or with a path). */
const ROUTE_KEY = /^SERVICE_(FQDN|URL)_/;

/**
 * How the original uses each service: one-shot when another waits for it to
 * complete, or when nothing reaches it and Docker does not restart it; a server
 * when something reaches it (a reference, ports, a route, a health check or a
 * health wait).
 */
export function usageOf(ctx: CheckContext): Map<string, 'once' | 'server' | 'other'> {
  const doc = ctx.original.doc;
  const refs = referencesOf(ctx);
  const completed = new Set(Object.values(doc.services).flatMap((s) => Object.entries(s.dependsOn).filter(([, d]) => d.condition === 'service_completed_successfully').map(([n]) => n)));
  const healthy = new Set(Object.values(doc.services).flatMap((s) => Object.entries(s.dependsOn).filter(([, d]) => d.condition === 'service_healthy').map(([n]) => n)));
  const usage = new Map<string, 'once' | 'server' | 'other'>();
  for (const s of Object.values(doc.services)) {
    const routed = Object.keys(s.environment).some((k) => ROUTE_KEY.test(k));
    const labels = JSON.stringify(s.raw.labels ?? '');
    const checked = s.healthcheck !== undefined && !s.healthcheck.disable;
    const reached = refs.some((r) => r.to === s.name && r.from !== s.name) || s.ports.length > 0 || s.expose.length > 0 || routed || checked || healthy.has(s.name) || /traefik\.enable|caddy/.test(labels);
    if (completed.has(s.name)) usage.set(s.name, 'once');
    else if (reached) usage.set(s.name, 'server');
    else if (s.restart === undefined || s.restart === 'no') usage.set(s.name, 'once');
    else usage.set(s.name, 'other');
  }
  return usage;
}

const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/** Class 4: one-shot services are Jobs on Kubernetes, and servers are not. */
export function checkOneShot(ctx: CheckContext): void {
  for (const [name, use] of usageOf(ctx)) {
    if (use === 'other') continue;
    for (const target of ctx.kube) {
      const kind = containerOf(target.index, ctx.outName(name))?.workload.kind;
      let problem: string | undefined;
      if (!kind) problem = `no workload for ${name}`;
      else if (use === 'once' && kind !== 'Job' && kind !== 'CronJob') problem = `a one-shot task rendered as a ${kind}`;
      else if (use === 'server' && !LONG_RUNNING.has(kind)) problem = `a server rendered as a ${kind}`;
      ctx.record({ check: 'oneShot', target: 'kubernetes', destination: target.destination, service: name, subject: use === 'once' ? 'runs once' : 'runs continuously', problem, terms: ['Job', 'once', 'restart', 'depends_on', 'completed'], diagnostics: target.diagnostics });
    }
  }
}
