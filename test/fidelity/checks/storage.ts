import path from 'node:path';
import { isRecord, type ComposeService } from '../compose-model.js';
import { toLabel, type CheckContext, type ComposeTarget, type KubeTarget } from '../checker.js';
import { containerOf, dataValue, volumeAt } from '../kube-model.js';

/**
 * File content compared with the host names in it put in their DNS-label form:
 * a renderer may rewrite `appflowy_cloud:8000` in an nginx.conf to the name a
 * Kubernetes Service can have.
 */
function sameContent(ctx: CheckContext, a: string, b: string): boolean {
  if (a === b) return true;
  const hosts = Object.values(ctx.original.doc.services).flatMap((s) => [s.name, s.containerName ?? '', ...Object.values(s.networks).flatMap((n) => n.aliases)]).filter((h) => h && h !== toLabel(h));
  const canonical = (text: string) => hosts.reduce((t, h) => t.replace(new RegExp(`(?<![A-Za-z0-9_.-])${h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_-])`, 'g'), toLabel(h)), text);
  return canonical(a) === canonical(b);
}

const isSocket = (p: string) => /\.sock$/.test(p) || p.startsWith('/var/run/') || p.startsWith('/run/');

/** A file beside the compose file, with its content; undefined for directories and anything elsewhere. */
function sideFile(ctx: CheckContext, source: string | undefined): string | undefined {
  const content = source === undefined ? undefined : ctx.original.files[source];
  return typeof content === 'string' ? content : undefined;
}

/** How the compose output provides a file at `target`: its content when it is a file Berth ships (a config or a rendered file), else why not. */
function composeFileAt(out: ComposeTarget, service: ComposeService, target: string, projectDir: string): { content?: string; problem?: string } {
  const config = service.configs.find((c) => c.target === target) ?? service.secrets.find((c) => c.target === target);
  if (config) {
    const def = out.doc.configs[config.source] ?? out.doc.secrets[config.source];
    if (def && typeof def.content === 'string') return { content: def.content };
    if (def && typeof def.file === 'string') {
      const shipped = out.files.find((f) => path.posix.resolve(projectDir, f.path) === path.posix.resolve(projectDir, String(def.file)));
      return shipped ? { content: shipped.content } : { problem: `config ${config.source} reads ${String(def.file)}, which Berth does not ship` };
    }
    return { problem: `config ${config.source} has no content` };
  }
  const mount = service.mounts.find((m) => m.target === target);
  if (!mount) return { problem: `nothing is mounted at ${target}` };
  if (mount.type === 'bind' && mount.source) {
    const shipped = out.files.find((f) => path.posix.resolve(projectDir, f.path) === mount.source);
    if (shipped) return { content: shipped.content };
    return { problem: `still a host bind of ${path.posix.relative(projectDir, mount.source) || mount.source}` };
  }
  return { problem: `a ${mount.type} ${mount.source ?? ''} is mounted at ${target}`.replace(/\s+/g, ' ') };
}

function kubeFileAt(out: KubeTarget, service: string, target: string): { content?: string; masked?: boolean; problem?: string } {
  const found = containerOf(out.index, service);
  if (!found) return { problem: `no workload for ${service}` };
  const at = volumeAt(found.workload, found.container, target);
  if (!at) return { problem: `nothing is mounted at ${target}` };
  const volume = at.volume ?? {};
  const source = (isRecord(volume.configMap) && { kind: 'ConfigMap', def: volume.configMap }) || (isRecord(volume.secret) && { kind: 'Secret', def: volume.secret });
  if (!source) {
    const kind = Object.keys(volume).find((k) => k !== 'name') ?? 'unknown volume';
    return { problem: `a ${kind}${at.claim ? ` (${at.claim})` : ''} is mounted at ${target}` };
  }
  if (typeof at.mount.subPath !== 'string') return { problem: `the ${source.kind} is mounted as a directory over ${target} (no subPath)` };
  const items = Array.isArray(source.def.items) ? source.def.items.filter(isRecord) : [];
  const key = String(items.find((i) => i.path === at.mount.subPath)?.key ?? at.mount.subPath);
  const name = String(source.kind === 'ConfigMap' ? source.def.name : source.def.secretName);
  const obj = source.kind === 'ConfigMap' ? out.index.configMaps.get(name) : out.index.secrets.get(name);
  const content = dataValue(obj, key);
  if (content === undefined) return { problem: `${source.kind} ${name} has no key ${key}` };
  return { content, masked: content === '********' };
}

/** Class 2: a bound file beside the compose file becomes a file of the app on both targets, with its content. */
export function checkBoundFiles(ctx: CheckContext): void {
  const dir = ctx.original.projectDir;
  for (const s of Object.values(ctx.original.doc.services)) {
    for (const m of s.mounts) {
      if (m.type !== 'bind') continue;
      const content = sideFile(ctx, m.source);
      if (content === undefined) continue;
      const source = `./${path.posix.relative(dir, m.source!)}`;
      const subject = `${source} → ${m.target}`;
      const terms = [source.slice(2), m.target];
      const name = ctx.outName(s.name);
      for (const out of ctx.compose) {
        const service = out.doc.services[name];
        const found = service ? composeFileAt(out, service, m.target, dir) : { problem: `${name} is not in the output` };
        const problem = found.problem ?? (sameContent(ctx, found.content!, content) ? undefined : 'its content differs from the file');
        ctx.record({ check: 'files', target: 'compose', destination: out.destination, service: s.name, subject, problem, terms, diagnostics: out.diagnostics });
      }
      for (const out of ctx.kube) {
        const found = kubeFileAt(out, name, m.target);
        const problem = found.problem ?? (found.masked || sameContent(ctx, found.content!, content) ? undefined : 'its content differs from the file');
        ctx.record({ check: 'files', target: 'kubernetes', destination: out.destination, service: s.name, subject, problem, terms, diagnostics: out.diagnostics });
      }
    }
  }
}

interface Use { service: string; target: string }

/** Storage that became files of the app (a small config directory): nothing to share or lose. */
const FILES = 'files of the app';

/** Storage services mount: named volumes and host directories (not files, not sockets), volumes_from included. */
function sharedStorage(ctx: CheckContext): Map<string, Use[]> {
  const services = ctx.original.doc.services;
  const uses = new Map<string, Use[]>();
  const add = (id: string, use: Use) => uses.set(id, [...(uses.get(id) ?? []), use]);
  const idOf = (m: ComposeService['mounts'][number]) => {
    if (m.type === 'volume' && m.source) return `volume ${m.source}`;
    if (m.type === 'bind' && m.source && sideFile(ctx, m.source) === undefined && !isSocket(m.source)) return `host directory ${m.source.startsWith(ctx.original.projectDir) ? `./${path.posix.relative(ctx.original.projectDir, m.source)}` : m.source}`;
    return undefined;
  };
  for (const s of Object.values(services)) {
    const mounts = [...s.mounts, ...s.volumesFrom.flatMap((v) => services[v.from]?.mounts ?? [])];
    for (const m of mounts) {
      const id = idOf(m);
      if (id) add(id, { service: s.name, target: m.target });
    }
  }
  return uses;
}

function composeStorageAt(out: ComposeTarget, service: string, target: string, seen = new Set<string>()): string | undefined {
  const s = out.doc.services[service];
  if (!s || seen.has(service)) return undefined;
  seen.add(service);
  const m = s.mounts.find((x) => x.target === target);
  if (m?.source) return `${m.type} ${m.source}`;
  // A small config directory may become files of the app under its mount point: kept, as content.
  if (!m && [...s.configs, ...s.secrets].some((c) => c.target.startsWith(`${target}/`))) return FILES;
  for (const v of s.volumesFrom) {
    const id = composeStorageAt(out, v.from, target, seen);
    if (id) return id;
  }
  return undefined;
}

/** Class 3: storage is kept (a volume or bind on compose, a claim on Kubernetes), and storage several services mount stays one volume and one claim. */
export function checkSharedStorage(ctx: CheckContext): void {
  for (const [id, uses] of sharedStorage(ctx)) {
    const services = [...new Set(uses.map((u) => u.service))];
    const subject = `${id} (${services.join(', ')})`;
    const terms = [id.replace(/^(volume|host directory) (\.\/)?/, ''), 'volumes_from', 'ReadWriteMany', 'shared'];
    for (const out of ctx.compose) {
      const ids = uses.map((u) => composeStorageAt(out, ctx.outName(u.service), u.target));
      const problem = ids.includes(undefined) ? `not mounted in ${uses.filter((_, i) => ids[i] === undefined).map((u) => u.service).join(', ')}`
        : new Set(ids).size > 1 ? `became ${new Set(ids).size} separate mounts: ${[...new Set(ids)].join(', ')}` : undefined;
      ctx.record({ check: 'shared', target: 'compose', destination: out.destination, service: services[0]!, also: services, subject, problem, terms, diagnostics: out.diagnostics });
    }
    for (const out of ctx.kube) {
      const claims = uses.map((u) => {
        const found = containerOf(out.index, ctx.outName(u.service));
        if (!found) return undefined;
        const claim = volumeAt(found.workload, found.container, u.target)?.claim;
        const mounts = Array.isArray(found.container.volumeMounts) ? found.container.volumeMounts as Array<Record<string, unknown>> : [];
        return claim ?? (mounts.some((x) => String(x.mountPath).startsWith(`${u.target}/`) && typeof x.subPath === 'string') ? FILES : undefined);
      });
      let problem: string | undefined;
      if (claims.includes(undefined)) problem = `no claim mounted in ${uses.filter((_, i) => claims[i] === undefined).map((u) => u.service).join(', ')}`;
      else if (new Set(claims).size > 1 || claims.some((c) => c!.endsWith('(per replica)'))) problem = `became separate claims: ${[...new Set(claims)].join(', ')}`;
      else {
        const workloads = new Set(uses.map((u) => containerOf(out.index, ctx.outName(u.service))?.workload.name));
        const modes = out.index.claims.get(claims[0]!)?.accessModes ?? [];
        if (claims[0] !== FILES && workloads.size > 1 && !modes.includes('ReadWriteMany')) problem = `claim ${claims[0]} is ${modes.join(', ') || 'without an access mode'} but ${workloads.size} workloads mount it`;
      }
      ctx.record({ check: 'shared', target: 'kubernetes', destination: out.destination, service: services[0]!, also: services, subject, problem, terms, diagnostics: out.diagnostics });
    }
  }
}
