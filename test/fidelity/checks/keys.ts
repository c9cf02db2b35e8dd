import path from 'node:path';
import { isRecord, keyValues, type ComposeService } from '../compose-model.js';
import { composeEnv, type CheckContext } from '../checker.js';
import { containerOf, volumeAt, type KubeWorkload } from '../kube-model.js';

type Obj = Record<string, unknown>;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const strings = (v: unknown) => list(v).map(String);
const sorted = (v: string[]) => JSON.stringify([...new Set(v)].sort());
const canonical = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (isRecord(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));
const caps = (v: unknown) => strings(v).map((c) => c.toUpperCase().replace(/^CAP_/, ''));
const signal = (v: unknown) => (v === undefined ? '' : `SIG${String(v).toUpperCase().replace(/^SIG/, '')}`);

/** Docker sizes (go-units RAMInBytes): 1g = 1gb = 1GiB = 1024^3 bytes, case-insensitive. */
export function bytes(v: unknown): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?$/i.exec(String(v ?? '').trim());
  return m ? Math.round(Number(m[1]) * 1024 ** ' kmgtp'.indexOf(m[2]!.toLowerCase() || ' ')) : undefined;
}

/** `host:ip`, `host=ip` and map entries as `host=ip`. */
function extraHosts(v: unknown): string[] {
  if (isRecord(v)) return Object.entries(v).flatMap(([h, ip]) => strings(ip).map((i) => `${h}=${i}`));
  return strings(v).map((e) => {
    const i = e.search(/[=:]/);
    return `${e.slice(0, i)}=${e.slice(i + 1)}`;
  });
}

function ulimits(v: unknown): string {
  if (!isRecord(v)) return canonical(v);
  return canonical(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, isRecord(x) ? { soft: Number(x.soft), hard: Number(x.hard) } : { soft: Number(x), hard: Number(x) }])));
}

const tmpfsPaths = (s: ComposeService) => [...strings(s.raw.tmpfs).map((t) => t.split(':')[0]!), ...s.mounts.filter((m) => m.type === 'tmpfs').map((m) => m.target)];
const reservations = (s: ComposeService) => {
  const deploy = isRecord(s.raw.deploy) ? s.raw.deploy : {};
  const resources = isRecord(deploy.resources) ? deploy.resources : {};
  return isRecord(resources.reservations) ? resources.reservations.devices : undefined;
};

/** How a key's value is compared: the same normal form on both sides. */
const NORMAL: Record<string, (s: ComposeService, ctx: CheckContext) => string> = {
  cap_add: (s) => sorted(caps(s.raw.cap_add)),
  cap_drop: (s) => sorted(caps(s.raw.cap_drop)),
  sysctls: (s) => canonical(keyValues(s.raw.sysctls)),
  ulimits: (s) => ulimits(s.raw.ulimits),
  shm_size: (s) => String(bytes(s.raw.shm_size)),
  extra_hosts: (s) => sorted(extraHosts(s.raw.extra_hosts)),
  dns: (s) => sorted(strings(s.raw.dns)),
  dns_search: (s) => sorted(strings(s.raw.dns_search)),
  dns_opt: (s) => sorted(strings(s.raw.dns_opt)),
  security_opt: (s) => sorted(strings(s.raw.security_opt)),
  group_add: (s) => sorted(strings(s.raw.group_add)),
  tmpfs: (s) => sorted(tmpfsPaths(s)),
  stop_signal: (s) => signal(s.raw.stop_signal),
  pids_limit: (s) => String(Number(s.raw.pids_limit)),
  oom_score_adj: (s) => String(Number(s.raw.oom_score_adj)),
  privileged: (s) => String(s.raw.privileged === true),
  read_only: (s) => String(s.raw.read_only === true),
  init: (s) => String(s.raw.init === true),
  tty: (s) => String(s.raw.tty === true),
  stdin_open: (s) => String(s.raw.stdin_open === true),
  oom_kill_disable: (s) => String(s.raw.oom_kill_disable === true),
  network_mode: (s, ctx) => (s.networkMode?.startsWith('service:') ? `service:${ctx.outName(s.networkMode.slice(8))}` : String(s.networkMode)),
  links: (s, ctx) => sorted(s.links.map((l) => `${ctx.outName(l.service)}:${l.alias}`)),
  volumes_from: (s, ctx) => sorted(s.volumesFrom.map((v) => `${v.from.startsWith('container:') ? v.from : ctx.outName(v.from)}:${v.mode}`)),
  gpu_reservations: (s) => canonical(reservations(s)),
};

/** Compose keys the issue lists as what Compose runs, and those the model keeps verbatim; compared as written. */
const VERBATIM = ['container_name', 'devices', 'logging', 'gpus', 'hostname', 'domainname', 'platform', 'runtime', 'pid', 'ipc', 'userns_mode', 'cgroup_parent', 'mac_address', 'storage_opt', 'blkio_config', 'cpuset', 'cpu_shares', 'cpu_quota', 'cpu_period', 'mem_swappiness', 'memswap_limit'];

function present(s: ComposeService, key: string): boolean {
  if (key === 'tmpfs') return tmpfsPaths(s).length > 0;
  if (key === 'gpu_reservations') return reservations(s) !== undefined;
  if (key === 'links') return s.links.length > 0;
  if (key === 'volumes_from') return s.volumesFrom.length > 0;
  return s.raw[key] !== undefined && s.raw[key] !== null;
}

const localContext = (c: string | undefined) => c !== undefined && !/^[a-z]+:\/\/|^git@|\.git(#|$)|#/.test(c);
const MODEL_NAMES: Record<string, string> = { cap_add: 'capAdd', cap_drop: 'capDrop', read_only: 'readOnly', stop_signal: 'stopSignal', shm_size: 'shmSize', extra_hosts: 'extraHosts', container_name: 'containerName', ipv4_address: 'ipv4Address', ipv6_address: 'ipv6Address', secrets: 'secretFiles', gpu_reservations: 'devices', aliases: 'aliases', host_ip: 'hostIp' };
const termsFor = (key: string) => [key, MODEL_NAMES[key] ?? key, key.split('.')[0]!];

/** The composite keys: each returns [subject, problem] pairs for one service. */
function composite(s: ComposeService, o: ComposeService, ctx: CheckContext, env: Record<string, string | null>): Array<[string, string, string | undefined]> {
  const out: Array<[string, string, string | undefined]> = [];
  for (const p of s.ports.filter((x) => x.hostIp)) {
    const same = o.ports.some((q) => q.hostIp === p.hostIp && q.target === p.target && String(q.published) === String(p.published) && q.protocol === p.protocol);
    out.push(['host_ip', `ports ${p.hostIp}:${p.published ?? ''}:${p.target}/${p.protocol}`, same ? undefined : 'the host-IP publish is gone']);
  }
  const aliases = (x: ComposeService) => new Set(Object.values(x.networks).flatMap((n) => n.aliases.map((a) => a.toLowerCase())));
  const outAliases = aliases(o);
  for (const a of aliases(s)) out.push(['aliases', `alias ${a}`, outAliases.has(a) ? undefined : 'the network alias is gone']);
  for (const family of ['ipv4Address', 'ipv6Address'] as const) {
    const outAddresses = Object.values(o.networks).map((n) => n[family]);
    for (const n of Object.values(s.networks)) {
      const a = n[family];
      if (a) out.push([family === 'ipv4Address' ? 'ipv4_address' : 'ipv6_address', `address ${a}`, outAddresses.includes(a) ? undefined : 'the fixed address is gone']);
    }
  }
  for (const secret of s.secrets) {
    const kept = o.secrets.find((x) => x.target === secret.target);
    out.push(['secrets', `secret at ${secret.target}`, kept && ctx.compose.length > 0 ? undefined : 'the file secret is not mounted there']);
  }
  for (const [key, value] of Object.entries(s.environment)) {
    if (!key.endsWith('_FILE') || !value?.startsWith('/run/secrets/')) continue;
    out.push(['secrets', `environment.${key}`, env[key] === value ? undefined : `${key} no longer points at ${value}`]);
  }
  if (s.build) {
    const b = s.build;
    const ob = o.build;
    if (!ob) out.push(['build', 'build', 'the build is gone']);
    else {
      if (b.target) out.push(['build.target', `build.target ${b.target}`, ob.target === b.target ? undefined : `target is ${ob.target ?? 'unset'}`]);
      for (const [k, v] of Object.entries(b.args)) out.push(['build.args', `build.args.${k}`, k in ob.args && (v === null || ob.args[k] === v) ? undefined : 'the build argument is gone or differs']);
      for (const c of b.cacheFrom) out.push(['build.cache_from', `build.cache_from ${c}`, ob.cacheFrom.includes(c) ? undefined : 'the cache source is gone']);
      if (localContext(b.context)) {
        const dir = ctx.original.projectDir;
        const want = path.posix.resolve(dir, b.context!);
        const got = localContext(ob.context) ? path.posix.resolve(dir, ob.context!) : undefined;
        out.push(['build.context', `build.context ./${path.posix.relative(dir, want)}`, got === want ? undefined : `context is ${ob.context ?? 'unset'}`]);
      }
      if (b.dockerfile && b.dockerfile !== 'Dockerfile') out.push(['build.dockerfile', `build.dockerfile ${b.dockerfile}`, ob.dockerfile === b.dockerfile ? undefined : `dockerfile is ${ob.dockerfile ?? 'Dockerfile'}`]);
    }
  }
  if (s.healthcheck?.disable) out.push(['healthcheck.disable', 'healthcheck.disable', o.healthcheck?.disable ? undefined : "the image's own health check comes back"]);
  return out;
}

/** Class 7: every key Compose runs that the original sets is in the compose output with the same meaning. */
export function checkComposeKeys(ctx: CheckContext): void {
  for (const s of Object.values(ctx.original.doc.services)) {
    const name = ctx.outName(s.name);
    for (const out of ctx.compose) {
      const o = out.doc.services[name];
      const record = (key: string, subject: string, problem: string | undefined) =>
        ctx.record({ check: 'composeKeys', target: 'compose', destination: out.destination, service: s.name, subject, problem, terms: termsFor(key), diagnostics: out.diagnostics });
      for (const key of [...Object.keys(NORMAL), ...VERBATIM]) {
        if (!present(s, key)) continue;
        if (!o) { record(key, key, `${name} is not in the output`); continue; }
        const normal = NORMAL[key];
        const same = normal ? normal(s, ctx) === normal(o, ctx) : canonical(s.raw[key]) === canonical(o.raw[key]);
        record(key, key, same ? undefined : o.raw[key] === undefined && !present(o, key) ? 'missing' : 'differs');
      }
      if (o) for (const [key, subject, problem] of composite(s, o, ctx, composeEnv(out, o))) record(key, subject, problem);
    }
  }
}

// ---- Kubernetes ----

const rec = (v: unknown): Obj => (isRecord(v) ? v : {});
const memoryDir = (w: KubeWorkload, c: Obj, p: string) => {
  const at = volumeAt(w, c, p);
  return at?.volume !== undefined && rec(at.volume.emptyDir).medium === 'Memory';
};

/**
 * What Kubernetes can express, and how to see it in the manifests. A key
 * whose test is null has no Kubernetes form: it must be reported.
 */
const KUBE_FORMS: Record<string, ((s: ComposeService, w: KubeWorkload, c: Obj, ctx: CheckContext) => boolean) | null> = {
  cap_add: (s, _w, c) => caps(s.raw.cap_add).every((x) => caps(rec(rec(c.securityContext).capabilities).add).includes(x)),
  cap_drop: (s, _w, c) => caps(s.raw.cap_drop).every((x) => caps(rec(rec(c.securityContext).capabilities).drop).includes(x)),
  privileged: (s, _w, c) => s.raw.privileged !== true || rec(c.securityContext).privileged === true,
  read_only: (s, _w, c) => s.raw.read_only !== true || rec(c.securityContext).readOnlyRootFilesystem === true,
  user: (s, w, c) => {
    const m = /^(\d+)(?::(\d+))?$/.exec(String(s.raw.user));
    const sc = { ...rec(w.pod.securityContext), ...rec(c.securityContext) };
    return m !== null && Number(sc.runAsUser) === Number(m[1]) && (m[2] === undefined || Number(sc.runAsGroup) === Number(m[2]));
  },
  tmpfs: (s, w, c) => tmpfsPaths(s).every((p) => memoryDir(w, c, p)),
  shm_size: (_s, w, c) => memoryDir(w, c, '/dev/shm'),
  sysctls: (s, w) => Object.keys(keyValues(s.raw.sysctls)).every((k) => list(rec(w.pod.securityContext).sysctls).some((x) => rec(x).name === k)),
  extra_hosts: (s, w) => extraHosts(s.raw.extra_hosts).every((e) => {
    const [host, ip] = e.split('=');
    return list(w.pod.hostAliases).some((a) => rec(a).ip === ip && strings(rec(a).hostnames).includes(host!));
  }),
  dns: (s, w) => strings(s.raw.dns).every((d) => strings(rec(w.pod.dnsConfig).nameservers).includes(d)),
  dns_search: (s, w) => strings(s.raw.dns_search).every((d) => strings(rec(w.pod.dnsConfig).searches).includes(d)),
  hostname: (s, w) => w.pod.hostname === s.raw.hostname,
  pid: (s, w) => s.raw.pid === 'host' && w.pod.hostPID === true,
  ipc: (s, w) => s.raw.ipc === 'host' && w.pod.hostIPC === true,
  tty: (_s, _w, c) => c.tty === true,
  stdin_open: (_s, _w, c) => c.stdin === true,
  network_mode: (s, w, _c, ctx) => (s.networkMode === 'host' ? w.pod.hostNetwork === true
    : s.networkMode?.startsWith('service:') ? containerOf(ctxIndex(ctx, w), ctx.outName(s.networkMode.slice(8)))?.workload === w : false),
  platform: (s, w) => {
    const [os, arch] = String(s.raw.platform).split('/');
    const selector = rec(w.pod.nodeSelector);
    return (!os || selector['kubernetes.io/os'] === os) && (!arch || selector['kubernetes.io/arch'] === arch);
  },
  runtime: (s, w) => w.pod.runtimeClassName === s.raw.runtime,
  gpu_reservations: (_s, _w, c) => Object.keys(rec(rec(c.resources).limits)).some((k) => /gpu/i.test(k)),
  gpus: (_s, _w, c) => Object.keys(rec(rec(c.resources).limits)).some((k) => /gpu/i.test(k)),
  init: null, stop_signal: null, devices: null, ulimits: null, logging: null, security_opt: null, pids_limit: null, dns_opt: null,
  userns_mode: null, cgroup_parent: null, oom_kill_disable: null, oom_score_adj: null, mac_address: null,
  storage_opt: null, volumes_from: null, links: null,
};

/** The index a workload came from, for forms that look at other workloads. */
function ctxIndex(ctx: CheckContext, w: KubeWorkload) {
  return ctx.kube.find((k) => k.index.workloads.includes(w))!.index;
}

/** Class 8: each such key in the original is expressed in the manifests, or a diagnostic names the service and the key. */
export function checkKubernetesReports(ctx: CheckContext): void {
  for (const s of Object.values(ctx.original.doc.services)) {
    const name = ctx.outName(s.name);
    for (const out of ctx.kube) {
      const found = containerOf(out.index, name);
      const record = (key: string, subject: string, expressed: boolean) =>
        ctx.record({ check: 'kubeReports', target: 'kubernetes', destination: out.destination, service: s.name, subject, problem: expressed ? undefined : `${key} is neither expressed nor reported`, terms: termsFor(key), diagnostics: out.diagnostics });
      for (const [key, form] of Object.entries(KUBE_FORMS)) {
        if (!present(s, key)) continue;
        if (key === 'user' && !/^\d/.test(String(s.raw.user))) { record(key, key, false); continue; }
        record(key, key, found !== undefined && form !== null && form(s, found.workload, found.container, ctx));
      }
      if (s.deployMode === 'global') record('deploy.mode', 'deploy.mode global', found?.workload.kind === 'DaemonSet');
      for (const p of s.ports.filter((x) => x.hostIp)) record('host_ip', `ports ${p.hostIp}:${p.published ?? ''}:${p.target}`, false);
      for (const n of Object.values(s.networks)) {
        if (n.ipv4Address) record('ipv4_address', `address ${n.ipv4Address}`, false);
        if (n.ipv6Address) record('ipv6_address', `address ${n.ipv6Address}`, false);
      }
      for (const m of s.mounts.filter((x) => x.type === 'bind' && x.source && /\.sock$/.test(x.source))) record('docker.sock', `socket ${m.source}`, false);
      for (const secret of s.secrets) {
        const at = found ? volumeAt(found.workload, found.container, secret.target) : undefined;
        record('secrets', `secret at ${secret.target}`, at?.volume !== undefined && (isRecord(at.volume.secret) || isRecord(at.volume.projected)));
      }
    }
  }
}
