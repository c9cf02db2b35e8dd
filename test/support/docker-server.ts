import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { addVethNamespace, netnsList, netnsPids, pickSubnet, removeVethNamespace } from './netns.js';
import { descendants, fingerprintOfPublicKey, generateKey, sshdUnavailableReason } from './sshd.js';

/**
 * A real server for deploy tests: dockerd and sshd inside a network namespace
 * of their own, joined to the machine by a veth pair on a private /30
 * (10.231.X.1 host side, 10.231.X.2 server side). Docker's bridges exist only
 * inside that namespace, so nothing a test starts is reachable from, or sends
 * traffic to, anything but this machine and the namespaces the run created.
 *
 * Every name encodes the pid of the process that created it
 * (netns berth-ds-<pid>-<n>, veth bdh<pid>x<n>, user bds<pid>x<n>, directory
 * /tmp/bd-<pid>-<n>), so a later run removes what a crashed run left behind.
 */

export interface DockerServerOptions {
  /** Start sshd on <address>:22 (default true). */
  sshd?: boolean;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: Buffer | string;
  /** Kill the command after this long (code 124, a note on stderr). Default: no limit. */
  timeoutMs?: number;
}

export interface DockerServerSsh {
  host: string;
  port: number;
  user: string;
  /** Unencrypted ed25519 private key accepted for `user`. */
  clientKeyPath: string;
  /** "type base64" of sshd's host key; known_hosts line: `${host} ${hostPublicKey}`. */
  hostPublicKey: string;
  /** 'SHA256:' + unpadded base64, as OpenSSH prints it. */
  hostKeyFingerprint: string;
  /** sshd -E log. It accumulates across restart(), so counts of "Accepted publickey" keep growing. */
  logPath: string;
  /** SIGKILL sshd and all its sessions (connections drop without a goodbye). */
  kill(): Promise<void>;
  /** Start sshd again with the same host key (kills a running one first). */
  restart(): Promise<void>;
  /** SIGKILL every open session but keep listening: connections drop and new ones succeed. */
  dropConnections(): Promise<void>;
}

export interface DockerServer {
  /** Network namespace name, /var/run/netns/<netns>. */
  netns: string;
  /** The server's address inside its namespace (10.231.X.2). */
  address: string;
  /** The host side of the veth (10.231.X.1). */
  hostAddress: string;
  /** Name of the host side of the veth pair. */
  hostInterface: string;
  /** Absolute path of dockerd's unix socket. */
  dockerSocket: string;
  /** 'unix://' + dockerSocket. */
  dockerHost: string;
  /** Daemon version as `docker version` reports it, e.g. 20.10.24+dfsg1. */
  dockerVersion: string;
  /** dockerd's stdout/stderr. */
  dockerLogPath: string;
  /** The dedicated Unix account; its primary group (same name) owns the docker socket. */
  user: string;
  uid: number;
  gid: number;
  /** The account's home directory (writable by it; ~/.berth lands here). */
  home: string;
  /** Temp directory holding everything of this server (config, keys, logs, data-root, home); removed by stop(). */
  dir: string;
  ssh?: DockerServerSsh;
  /** Runs the docker CLI against this server's daemon (as root, from the test process). Never throws on non-zero exit. */
  docker(args: string[], opts?: RunOptions): Promise<RunResult>;
  /** Runs a command inside the server's network namespace (e.g. busybox wget against a container IP). Never throws on non-zero exit. */
  inNetns(argv: string[], opts?: RunOptions): Promise<RunResult>;
  /** Stops sshd, the containers and dockerd, removes veth, netns, user and temp dirs. Idempotent, safe after a partial start. */
  stop(): Promise<void>;
}

/** Test images, built without any registry (none can be pulled here). */
export const TEST_IMAGES = { busybox: 'berth-test/busybox:1', caddy: 'berth-test/caddy:2' } as const;

// ---------------------------------------------------------------------------
// Constants and small helpers

const SSHD = '/usr/sbin/sshd';
const BUSYBOX = '/usr/bin/busybox';
const CADDY = '/usr/bin/caddy';
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Unix socket paths are limited to ~107 bytes, so everything of a server lives under a short root. */
const SHORT_ROOT = os.tmpdir().length <= 20 ? os.tmpdir() : '/tmp';
const LOCK_PATH = path.join(SHORT_ROOT, 'berth-docker-server');
const NETNS_RE = /^berth-ds-(\d+)-(\d+)$/;
const LINK_RE = /^bd[hp](\d+)x(\d+)$/;
const USER_RE = /^bds(\d+)x(\d+)$/;
const DIR_RE = /^bd-(\d+)-(\d+)$/;
const SUBNET_PREFIX = '10.231';
const DOCKERD_READY_MS = 40_000;
const SSHD_READY_MS = 15_000;
const DOCKERD_STOP_MS = 15_000;

function which(bin: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), ...SYSTEM_PATH.split(':')];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, bin);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a command and collects its output; never throws (a spawn failure is code 127). */
function run(cmd: string, args: string[], opts: RunOptions & { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    let settled = false;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (code: number, note = '') => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') + note });
    };
    let child: ChildProcess;
    try {
      child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      finish(127, `${cmd}: ${(e as Error).message}`);
      return;
    }
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    child.stdin!.on('error', () => {});
    child.once('error', (e) => finish(127, `${cmd}: ${e.message}`));
    child.once('close', (code, sig) => {
      if (timedOut) finish(124, `\n[${cmd} killed after ${opts.timeoutMs} ms]`);
      else finish(code ?? 128 + (sig ? (os.constants.signals[sig] ?? 0) : 0));
    });
    if (opts.timeoutMs) {
      timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, opts.timeoutMs);
    }
    if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
    else child.stdin!.end();
  });
}

/** Like run(), but throws with the command's stderr on non-zero exit. */
async function must(cmd: string, args: string[], opts: Parameters<typeof run>[2] = {}): Promise<string> {
  const result = await run(cmd, args, opts);
  if (result.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${result.code}: ${(result.stderr || result.stdout).trim()}`);
  return result.stdout;
}

/** Alive and not a zombie. */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals) {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

async function waitGone(pids: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!pids.some(pidAlive)) return true;
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
}

async function killTree(pid: number, sig: NodeJS.Signals): Promise<number[]> {
  const pids = [pid, ...(await descendants(pid).catch(() => []))];
  for (const p of pids) signal(p, sig);
  return pids;
}

async function tail(file: string, lines = 40): Promise<string> {
  const text = await fsp.readFile(file, 'utf8').catch(() => '');
  return text.split('\n').slice(-lines).join('\n');
}

/** Pids (not ours) whose command line mentions `dir` as a path or a path prefix. */
function processesMentioning(dir: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.split('\0').some((arg) => arg === dir || arg.includes(`${dir}/`))) found.push(pid);
  }
  return found;
}

/** Server ids (<pid>, <n>) that some process's command line mentions (<short root>/bd-<pid>-<n>/...). */
function idsOfProcesses(): Array<[number, number]> {
  const ids: Array<[number, number]> = [];
  const re = new RegExp(`${SHORT_ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/bd-(\\d+)-(\\d+)(?:/|$)`);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    for (const arg of cmdline.split('\0')) {
      const m = re.exec(arg);
      if (m) ids.push([Number(m[1]), Number(m[2])]);
    }
  }
  return ids;
}

function passwdNames(file: string): string[] {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.split(':')[0] ?? '')
      .filter(Boolean);
  } catch {
    return [];
  }
}

/** useradd/userdel/groupdel refuse while another process holds /etc/passwd's lock: retry. */
async function shadowTool(cmd: string, args: string[], okCodes: number[] = [0]): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const result = await run(cmd, args);
    if (okCodes.includes(result.code)) return;
    if (/lock/i.test(result.stderr) && Date.now() < deadline) {
      await sleep(50 + Math.random() * 150);
      continue;
    }
    throw new Error(`${cmd} ${args.join(' ')} exited with ${result.code}: ${result.stderr.trim()}`);
  }
}

// ---------------------------------------------------------------------------
// Availability

let cachedReason: { value: string | undefined } | undefined;

export function dockerServerUnavailableReason(): string | undefined {
  if (cachedReason) return cachedReason.value;
  const value = computeReason();
  cachedReason = { value };
  return value;
}

function computeReason(): string | undefined {
  if (process.platform !== 'linux') return 'the Docker server harness runs on Linux only';
  if (!isRoot()) return 'the Docker server harness needs root (network namespaces, dockerd, useradd)';
  const needed: Array<[string, string]> = [
    ['dockerd', 'docker.io'],
    ['containerd', 'docker.io'],
    ['runc', 'docker.io'],
    ['docker', 'docker.io'],
    ['docker-compose', 'docker-compose'],
    ['ip', 'iproute2'],
    ['nsenter', 'util-linux'],
    ['git', 'git'],
    ['tar', 'tar'],
    ['ldd', 'libc-bin'],
    ['useradd', 'passwd'],
    ['userdel', 'passwd'],
    ['groupdel', 'passwd'],
  ];
  for (const [bin, pkg] of needed) if (!which(bin)) return `no ${bin} on PATH (apt-get install ${pkg})`;
  if (!fs.existsSync(BUSYBOX)) return `no ${BUSYBOX} (apt-get install busybox-static)`;
  // A dynamically linked busybox (Debian's "busybox" package) would not run inside an image without its libc.
  if (spawnSync('ldd', [BUSYBOX], { stdio: 'ignore' }).status === 0) return `${BUSYBOX} is dynamically linked (apt-get install busybox-static)`;
  if (!fs.existsSync(CADDY)) return `no ${CADDY} (apt-get install caddy)`;
  const sshd = sshdUnavailableReason();
  if (sshd) return sshd;
  if (!fs.existsSync(SSHD)) return `no ${SSHD} (apt-get install openssh-server)`;
  if (spawnSync('ip', ['netns', 'list'], { stdio: 'ignore' }).status !== 0) return '`ip netns list` fails: no network namespace support';
  return undefined;
}

// ---------------------------------------------------------------------------
// Names, the host-wide lock, stale cleanup

interface Names {
  pid: number;
  n: number;
  netns: string;
  hostIf: string;
  peerIf: string;
  user: string;
  dir: string;
}

function namesFor(pid: number, n: number): Names {
  const tag = `${pid}x${n}`;
  return {
    pid,
    n,
    netns: `berth-ds-${pid}-${n}`,
    hostIf: `bdh${tag}`,
    peerIf: `bdp${tag}`,
    user: `bds${tag}`,
    dir: path.join(SHORT_ROOT, `bd-${pid}-${n}`),
  };
}

let counter = 0;
/** Server numbers of this process that are not fully stopped; anything else named with our pid is stale. */
const active = new Set<number>();
let inProcessChain: Promise<unknown> = Promise.resolve();

/** Serializes the setup steps that pick shared resources (subnet, passwd edits) across vitest forks. */
async function withHostLock<T>(fn: () => Promise<T>): Promise<T> {
  const previous = inProcessChain;
  let done!: () => void;
  inProcessChain = new Promise<void>((r) => (done = r));
  await previous;
  try {
    const release = await lockfile.lock(LOCK_PATH, {
      realpath: false,
      stale: 6_000,
      update: 1_500,
      retries: { retries: 400, factor: 1.1, minTimeout: 25, maxTimeout: 250 },
      onCompromised: () => {},
    });
    try {
      return await fn();
    } finally {
      await release().catch(() => {});
    }
  } finally {
    done();
  }
}

function isStale(pid: number, n: number): boolean {
  if (pid === process.pid) return !active.has(n);
  return !pidAlive(pid);
}

/** Tears down everything left by earlier runs of this harness whose creating process is gone. */
async function cleanupStale(): Promise<void> {
  const ids = new Map<string, [number, number]>();
  const add = (m: RegExpExecArray | null) => {
    if (m) ids.set(`${m[1]}-${m[2]}`, [Number(m[1]), Number(m[2])]);
  };
  for (const ns of await netnsList()) add(NETNS_RE.exec(ns));
  for (const link of fs.readdirSync('/sys/class/net')) add(LINK_RE.exec(link));
  for (const user of [...passwdNames('/etc/passwd'), ...passwdNames('/etc/group')]) add(USER_RE.exec(user));
  for (const entry of fs.readdirSync(SHORT_ROOT)) add(DIR_RE.exec(entry));
  for (const [pid, n] of idsOfProcesses()) ids.set(`${pid}-${n}`, [pid, n]);
  const stale = [...ids.values()].filter(([pid, n]) => isStale(pid, n));
  await Promise.all(
    stale.map(([pid, n]) =>
      teardown(namesFor(pid, n), {}).catch((err) => {
        console.warn(`docker-server: cleaning up stale server ${pid}-${n}: ${(err as Error).message}`);
      }),
    ),
  );
}

// ---------------------------------------------------------------------------
// Teardown (stop() and stale cleanup share it)

interface Live {
  sshd?: () => ChildProcess | undefined;
  dockerd?: ChildProcess;
}

/** Pid from a pid file, if that process still runs something of `dir` (guards against pid reuse). */
function pidFromFile(file: string, dir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    if (!pid || !pidAlive(pid)) return undefined;
    return processesMentioning(dir).includes(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function containerCgroupDirs(id: string): string[] {
  const dirs: string[] = [];
  const roots = ['/sys/fs/cgroup'];
  try {
    for (const c of fs.readdirSync('/sys/fs/cgroup')) roots.push(path.join('/sys/fs/cgroup', c));
  } catch {
    // No cgroup fs.
  }
  for (const root of roots) {
    const dir = path.join(root, 'docker', id);
    if (fs.existsSync(path.join(dir, 'cgroup.procs'))) dirs.push(dir);
  }
  return dirs;
}

function cgroupPids(dirs: string[]): number[] {
  const pids = new Set<number>();
  for (const dir of dirs) {
    try {
      for (const line of fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n')) if (line.trim()) pids.add(Number(line));
    } catch {
      // Gone.
    }
  }
  return [...pids];
}

async function teardown(names: Names, live: Live): Promise<void> {
  const { dir, netns } = names;
  const errors: string[] = [];
  const step = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      errors.push(`${what}: ${(err as Error).message}`);
    }
  };
  const dockerEnv = cliEnv(names);
  const socket = path.join(dir, 'docker.sock');

  // 1. sshd and all its sessions.
  await step('sshd', async () => {
    const pids: number[] = [];
    const child = live.sshd?.();
    if (child?.pid && child.exitCode === null && child.signalCode === null) pids.push(...(await killTree(child.pid, 'SIGKILL')));
    const fromFile = pidFromFile(path.join(dir, 'sshd.pid'), dir);
    if (fromFile) pids.push(...(await killTree(fromFile, 'SIGKILL')));
    if (!(await waitGone(pids, 5_000))) throw new Error(`sshd processes survive SIGKILL: ${pids.filter(pidAlive).join(' ')}`);
  });

  // 2. Containers first, so no containerd-shim outlives the daemon.
  let containerIds: string[] = [];
  try {
    containerIds = fs.readdirSync(path.join(dir, 'data', 'containers'));
  } catch {
    // No data-root.
  }
  if (fs.existsSync(socket)) {
    await step('containers', async () => {
      const ps = await run('docker', ['ps', '-aq', '--no-trunc'], { env: dockerEnv, timeoutMs: 10_000 });
      if (ps.code !== 0) return; // The daemon is gone; the process sweep below handles leftovers.
      const ids = ps.stdout.split('\n').filter(Boolean);
      containerIds = [...new Set([...containerIds, ...ids])];
      if (ids.length) {
        const rm = await run('docker', ['rm', '-f', '-v', ...ids], { env: dockerEnv, timeoutMs: 30_000 });
        if (rm.code !== 0) throw new Error(rm.stderr.trim());
      }
    });
  }

  // 3. dockerd (it stops its containerd).
  await step('dockerd', async () => {
    const pids = new Set<number>();
    const child = live.dockerd;
    if (child?.pid && child.exitCode === null && child.signalCode === null) pids.add(child.pid);
    const fromFile = pidFromFile(path.join(dir, 'dockerd.pid'), dir);
    if (fromFile) pids.add(fromFile);
    for (const pid of pids) signal(pid, 'SIGTERM');
    if (await waitGone([...pids], DOCKERD_STOP_MS)) return;
    for (const pid of pids) await killTree(pid, 'SIGKILL');
    if (!(await waitGone([...pids], 5_000))) throw new Error(`dockerd survives SIGKILL: ${[...pids].filter(pidAlive).join(' ')}`);
  });

  // 4. Anything left: processes in the namespace, processes naming our directory
  //    (containerd, shims), processes of our containers' cgroups.
  await step('processes', async () => {
    const cgroups = containerIds.flatMap(containerCgroupDirs);
    const nsPids = await netnsPids(netns);
    const pids = [...new Set([...nsPids, ...processesMentioning(dir), ...cgroupPids(cgroups)])].filter((p) => p !== process.pid);
    for (const pid of pids) signal(pid, 'SIGKILL');
    if (!(await waitGone(pids, 5_000))) throw new Error(`processes survive SIGKILL: ${pids.filter(pidAlive).join(' ')}`);
    for (const cg of cgroups) await fsp.rmdir(cg).catch(() => {});
  });

  // 5. Mounts dockerd may have left (overlay, netns bind mounts under exec-root).
  await step('mounts', async () => {
    const mountinfo = await fsp.readFile('/proc/self/mountinfo', 'utf8');
    const points = mountinfo
      .split('\n')
      .map((l) => (l.split(' ')[4] ?? '').replace(/\\040/g, ' '))
      .filter((p) => p.startsWith(`${dir}/`))
      .sort((a, b) => b.length - a.length);
    for (const p of points) await must('umount', ['-l', p]);
  });

  // 6. Network: the veth pair (deleting one end deletes both), then the namespace.
  await step('network', () => removeVethNamespace(netns, [names.hostIf, names.peerIf]));

  // 7. The account (its group goes with it under USERGROUPS_ENAB; delete it explicitly otherwise).
  await step('user', async () => {
    if (passwdNames('/etc/passwd').includes(names.user)) await shadowTool('userdel', [names.user], [0, 6]);
    if (passwdNames('/etc/group').includes(names.user)) await shadowTool('groupdel', [names.user], [0, 6]);
  });

  // 8. Files.
  await step('files', () => fsp.rm(dir, { recursive: true, force: true, maxRetries: 3 }));

  if (errors.length) throw new Error(`stopping ${netns} left something behind:\n  ${errors.join('\n  ')}`);
}

function cliEnv(names: Names): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('DOCKER_')) env[k] = v;
  env.PATH = process.env.PATH ? `${process.env.PATH}:${SYSTEM_PATH}` : SYSTEM_PATH;
  env.DOCKER_HOST = `unix://${path.join(names.dir, 'docker.sock')}`;
  // A config dir of its own: no contexts, credential helpers or proxies from the machine's ~/.docker.
  env.DOCKER_CONFIG = path.join(names.dir, 'docker-cli');
  return env;
}

// ---------------------------------------------------------------------------
// Start

export async function startDockerServer(options: DockerServerOptions = {}): Promise<DockerServer> {
  const reason = dockerServerUnavailableReason();
  if (reason) throw new Error(reason);
  const n = ++counter;
  const names = namesFor(process.pid, n);
  if (names.hostIf.length > 15) throw new Error(`interface name ${names.hostIf} is longer than 15 characters`);
  active.add(n);

  const { dir, netns } = names;
  const dockerSocket = path.join(dir, 'docker.sock');
  const dockerLogPath = path.join(dir, 'dockerd.log');
  const home = path.join(dir, 'home');
  const env = cliEnv(names);
  const live: Live = {};
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= teardown(names, live).finally(() => active.delete(n));
    return stopping;
  };

  try {
    // Shared resources are chosen and claimed under the host-wide lock: the
    // subnet (claimed by putting its address on our veth) and passwd edits.
    const x = await withHostLock(async () => {
      await cleanupStale();
      await fsp.rm(dir, { recursive: true, force: true });
      await fsp.mkdir(dir, { mode: 0o755 });
      await fsp.chmod(dir, 0o755);
      const x = await pickSubnet(SUBNET_PREFIX, (process.pid * 31 + n * 7) % 254);
      // No default route in the namespace: containers can reach only the namespace and this veth.
      await addVethNamespace({ netns, hostIf: names.hostIf, peerIf: names.peerIf, hostAddress: `${SUBNET_PREFIX}.${x}.1`, address: `${SUBNET_PREFIX}.${x}.2` });
      await shadowTool('useradd', ['-M', '-l', '-U', '-d', home, '-s', '/bin/sh', '-p', '*', '-c', 'berth test server', names.user]);
      return x;
    });
    const hostAddress = `${SUBNET_PREFIX}.${x}.1`;
    const address = `${SUBNET_PREFIX}.${x}.2`;
    const uid = Number((await must('id', ['-u', names.user])).trim());
    const gid = Number((await must('id', ['-g', names.user])).trim());
    await fsp.mkdir(home, { mode: 0o755 });
    // Repositories the tests write belong to root; without this git refuses them ("dubious ownership").
    const gitconfig = path.join(home, '.gitconfig');
    await fsp.writeFile(gitconfig, '[safe]\n\tdirectory = *\n', { mode: 0o644 });
    await fsp.chown(gitconfig, uid, gid);
    await fsp.chown(home, uid, gid);
    await fsp.mkdir(env.DOCKER_CONFIG!, { mode: 0o700 });

    // dockerd, inside the namespace (nsenter: `ip netns exec` remounts /sys and breaks cgroups).
    const daemonConfig = path.join(dir, 'daemon.json');
    // Its own config file and trust key, so nothing of /etc/docker is read or written.
    await fsp.writeFile(daemonConfig, JSON.stringify({ 'deprecated-key-path': path.join(dir, 'key.json') }, null, 2));
    const logFd = fs.openSync(dockerLogPath, 'a');
    try {
      live.dockerd = spawn(
        'nsenter',
        [
          `--net=/var/run/netns/${netns}`,
          'dockerd',
          '--config-file', daemonConfig,
          '--data-root', path.join(dir, 'data'),
          '--exec-root', path.join(dir, 'exec'),
          '--pidfile', path.join(dir, 'dockerd.pid'),
          '--host', `unix://${dockerSocket}`,
          '--group', names.user,
        ],
        { stdio: ['ignore', logFd, logFd], env: { PATH: SYSTEM_PATH, HOME: '/root', LANG: 'C' } },
      );
    } finally {
      fs.closeSync(logFd);
    }
    live.dockerd.unref();
    live.dockerd.on('error', () => {});

    const sshSetup = options.sshd === false ? undefined : prepareSshd(names, address, dockerSocket, live);
    // allSettled: on failure, neither may still be starting a process while stop() tears down.
    const [dockerd, sshd] = await Promise.allSettled([waitForDockerd(live.dockerd, env, dockerLogPath), sshSetup]);
    if (dockerd.status === 'rejected') throw dockerd.reason;
    if (sshd.status === 'rejected') throw sshd.reason;
    const dockerVersion = dockerd.value;
    const ssh = sshd.value;

    const server: DockerServer = {
      netns,
      address,
      hostAddress,
      hostInterface: names.hostIf,
      dockerSocket,
      dockerHost: `unix://${dockerSocket}`,
      dockerVersion,
      dockerLogPath,
      user: names.user,
      uid,
      gid,
      home,
      dir,
      ...(ssh ? { ssh } : {}),
      docker: (args, opts = {}) => run('docker', args, { ...opts, env }),
      inNetns: (argv, opts = {}) => run('nsenter', [`--net=/var/run/netns/${netns}`, '--', ...argv], opts),
      stop,
    };
    return server;
  } catch (err) {
    await stop().catch((stopErr) => console.warn(`docker-server: cleanup after failed start: ${(stopErr as Error).message}`));
    throw err;
  }
}

async function waitForDockerd(child: ChildProcess, env: NodeJS.ProcessEnv, logPath: string): Promise<string> {
  const deadline = Date.now() + DOCKERD_READY_MS;
  let last: RunResult | undefined;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`dockerd exited (${child.exitCode ?? child.signalCode}) before answering:\n${await tail(logPath)}`);
    }
    last = await run('docker', ['version', '--format', '{{.Server.Version}}'], { env, timeoutMs: 5_000 });
    if (last.code === 0 && last.stdout.trim()) return last.stdout.trim();
    await sleep(100);
  }
  throw new Error(
    `dockerd did not answer \`docker version\` within ${DOCKERD_READY_MS} ms (last: ${last?.stderr.trim()}):\n${await tail(logPath)}`,
  );
}

async function prepareSshd(names: Names, address: string, dockerSocket: string, live: Live): Promise<DockerServerSsh> {
  const { dir, netns } = names;
  const hostKey = path.join(dir, 'ssh_host_ed25519_key');
  const clientKeyPath = path.join(dir, 'client_key');
  const authorizedKeys = path.join(dir, 'authorized_keys');
  const configPath = path.join(dir, 'sshd_config');
  const logPath = path.join(dir, 'sshd.log');
  await Promise.all([generateKey(hostKey, 'ed25519'), generateKey(clientKeyPath, 'ed25519')]);
  // sshd reads authorized_keys as the user: the file (and the 0755 dir) must be readable by it.
  await fsp.copyFile(`${clientKeyPath}.pub`, authorizedKeys);
  await fsp.chmod(authorizedKeys, 0o644);
  await fsp.writeFile(
    configPath,
    [
      `ListenAddress ${address}`,
      'Port 22',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'AllowTcpForwarding yes',
      'AllowStreamLocalForwarding yes',
      'MaxSessions 100',
      'MaxStartups 100:30:200',
      'LogLevel DEBUG1',
      'Subsystem sftp internal-sftp',
      `SetEnv DOCKER_HOST=unix://${dockerSocket}`,
      '',
    ].join('\n'),
  );
  await fsp.writeFile(logPath, '');
  const hostPublicKey = (await fsp.readFile(`${hostKey}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');

  let child: ChildProcess | undefined;
  live.sshd = () => child;

  const terminate = async () => {
    const current = child;
    if (!current?.pid || current.exitCode !== null || current.signalCode !== null) return;
    const pids = await killTree(current.pid, 'SIGKILL');
    if (!(await waitGone(pids, 5_000))) throw new Error(`sshd processes survive SIGKILL: ${pids.filter(pidAlive).join(' ')}`);
  };

  const launch = async () => {
    const offset = (await fsp.stat(logPath)).size;
    const started = spawn('nsenter', [`--net=/var/run/netns/${netns}`, SSHD, '-D', '-E', logPath, '-f', configPath], { stdio: 'ignore' });
    started.unref();
    started.on('error', () => {});
    child = started;
    const needle = `Server listening on ${address} port 22`;
    const deadline = Date.now() + SSHD_READY_MS;
    while (Date.now() < deadline) {
      if (started.exitCode !== null || started.signalCode !== null) break;
      const log = await fsp.readFile(logPath).catch(() => Buffer.alloc(0));
      if (log.subarray(offset).toString('utf8').includes(needle)) return;
      await sleep(25);
    }
    await terminate();
    throw new Error(`sshd did not log "${needle}" within ${SSHD_READY_MS} ms:\n${await tail(logPath)}`);
  };

  await launch();
  return {
    host: address,
    port: 22,
    user: names.user,
    clientKeyPath,
    hostPublicKey,
    hostKeyFingerprint: fingerprintOfPublicKey(hostPublicKey),
    logPath,
    kill: terminate,
    async restart() {
      await terminate();
      await launch();
    },
    async dropConnections() {
      if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
      const sessions = await descendants(child.pid);
      for (const pid of sessions) signal(pid, 'SIGKILL');
      await waitGone(sessions, 5_000);
    },
  };
}

// ---------------------------------------------------------------------------
// Test images

/** Bump when the image recipe changes, so cached tarballs are rebuilt. */
const IMAGE_RECIPE = 'berth-test-images/2';
const BUSYBOX_APPLETS = [
  'sh', 'httpd', 'wget', 'nc', 'cat', 'echo', 'sleep', 'ls', 'mkdir', 'rm', 'ps', 'kill', 'env', 'printf', 'test',
  'touch', 'tr', 'head', 'tail', 'grep', 'sed', 'id', 'date', 'true', 'false',
  '[', 'cp', 'mv', 'chmod', 'wc', 'pwd', 'uname', 'hostname', 'basename', 'dirname', 'xargs', 'expr', 'seq', 'sort', 'uniq',
];
const IMAGE_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
// Like the official image's: serve /usr/share/caddy on :80; the admin API listens on localhost:2019.
const CADDYFILE = `:80 {
\troot * /usr/share/caddy
\tfile_server
}
`;

const built = new WeakMap<DockerServer, Promise<void>>();
const hashes = new Map<string, Promise<string>>();

function hashFile(file: string): Promise<string> {
  const st = fs.statSync(file);
  const key = `${file}:${st.size}:${st.mtimeMs}:${st.ino}`;
  let hash = hashes.get(key);
  if (!hash) {
    hash = new Promise<string>((resolve, reject) => {
      const h = createHash('sha256');
      fs.createReadStream(file)
        .on('data', (c) => h.update(c))
        .on('error', reject)
        .on('end', () => resolve(h.digest('hex')));
    });
    hashes.set(key, hash);
  }
  return hash;
}

/** Libraries and loader `ldd` lists for a binary, as absolute paths. */
async function sharedLibraries(binary: string): Promise<string[]> {
  const out = await must('ldd', [binary]);
  const libs: string[] = [];
  for (const line of out.split('\n')) {
    const resolved = /=>\s*(\/\S+)/.exec(line);
    const direct = /^\s*(\/\S+)\s+\(/.exec(line);
    const lib = resolved?.[1] ?? direct?.[1];
    if (lib) libs.push(lib);
  }
  if (!libs.length) throw new Error(`ldd ${binary} listed no libraries:\n${out}`);
  return libs;
}

async function writeBusyboxRootfs(root: string): Promise<void> {
  for (const d of ['bin', 'etc', 'root', 'tmp', 'usr/bin', 'var', 'proc', 'sys', 'dev']) await fsp.mkdir(path.join(root, d), { recursive: true });
  await fsp.chmod(path.join(root, 'tmp'), 0o1777);
  await fsp.chmod(path.join(root, 'root'), 0o700);
  await fsp.copyFile(BUSYBOX, path.join(root, 'bin/busybox'));
  await fsp.chmod(path.join(root, 'bin/busybox'), 0o755);
  for (const applet of BUSYBOX_APPLETS) await fsp.symlink('busybox', path.join(root, 'bin', applet));
  await fsp.writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  await fsp.writeFile(path.join(root, 'etc/group'), 'root:x:0:\nnobody:x:65534:\n');
}

async function writeCaddyRootfs(root: string, libs: string[]): Promise<void> {
  await writeBusyboxRootfs(root);
  await fsp.copyFile(CADDY, path.join(root, 'usr/bin/caddy'));
  await fsp.chmod(path.join(root, 'usr/bin/caddy'), 0o755);
  for (const lib of libs) {
    const target = path.join(root, lib);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    await fsp.copyFile(lib, target); // Follows symlinks: a real file at the path ldd printed.
    await fsp.chmod(target, 0o755);
  }
  for (const d of ['etc/caddy', 'config/caddy', 'data/caddy', 'srv', 'usr/share/caddy']) await fsp.mkdir(path.join(root, d), { recursive: true });
  await fsp.writeFile(path.join(root, 'etc/caddy/Caddyfile'), CADDYFILE);
  await fsp.writeFile(path.join(root, 'usr/share/caddy/index.html'), 'berth-test caddy\n');
}

/** A rootfs tarball in os.tmpdir(), cached by the content of everything that goes into it. */
async function cachedRootfs(kind: string, inputs: string[], write: (root: string) => Promise<void>): Promise<string> {
  const h = createHash('sha256').update(IMAGE_RECIPE).update(kind);
  for (const input of inputs) h.update(`${input}\0${await hashFile(input)}\0`);
  const key = h.digest('hex').slice(0, 20);
  const cacheDir = path.join(os.tmpdir(), 'berth-test-images');
  await fsp.mkdir(cacheDir, { recursive: true });
  const tarball = path.join(cacheDir, `${kind}-${key}.tar`);
  if (fs.existsSync(tarball)) return tarball;
  const staging = await fsp.mkdtemp(path.join(cacheDir, `.${kind}-`));
  const partial = `${tarball}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    const root = path.join(staging, 'rootfs');
    await fsp.mkdir(root);
    await write(root);
    await must('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', partial, '.']);
    await fsp.rename(partial, tarball); // Atomic: parallel forks never see half a tarball.
  } finally {
    await fsp.rm(staging, { recursive: true, force: true });
    await fsp.rm(partial, { force: true });
  }
  return tarball;
}

async function importImage(server: DockerServer, tarball: string, tag: string, changes: string[]): Promise<void> {
  const args = ['import', ...changes.flatMap((c) => ['-c', c]), tarball, tag];
  const result = await server.docker(args, { timeoutMs: 120_000 });
  if (result.code !== 0) throw new Error(`docker ${args.join(' ')} exited with ${result.code}: ${result.stderr.trim()}`);
}

/** Builds TEST_IMAGES on the server's daemon (once per server; rootfs tarballs are cached across servers). */
export function buildTestImages(server: DockerServer): Promise<void> {
  let promise = built.get(server);
  if (!promise) {
    promise = (async () => {
      const libs = await sharedLibraries(CADDY);
      const [busyboxTar, caddyTar] = await Promise.all([
        cachedRootfs('busybox', [BUSYBOX], writeBusyboxRootfs),
        cachedRootfs('caddy', [BUSYBOX, CADDY, ...libs], (root) => writeCaddyRootfs(root, libs)),
      ]);
      await Promise.all([
        importImage(server, busyboxTar, TEST_IMAGES.busybox, [`ENV ${IMAGE_PATH}`, 'CMD ["sh"]']),
        importImage(server, caddyTar, TEST_IMAGES.caddy, [
          `ENV ${IMAGE_PATH}`,
          'ENV XDG_CONFIG_HOME=/config',
          'ENV XDG_DATA_HOME=/data',
          'WORKDIR /srv',
          'EXPOSE 80 443 2019',
          'CMD ["caddy","run","--config","/etc/caddy/Caddyfile","--adapter","caddyfile"]',
        ]),
      ]);
    })();
    built.set(server, promise);
    promise.catch(() => built.delete(server));
  }
  return promise;
}

// ---------------------------------------------------------------------------
// A web app repository

/**
 * A git repository holding a tiny web app (busybox httpd on 8080 serving
 * www/, index.html = version + "\n", /health = "ok\n" unless failHealth).
 * Calling again with the same dir commits the next version on "main".
 * The directory (and its parents below os.tmpdir()) is made readable by
 * every user, so the server's account can clone it.
 */
export async function writeWebAppRepo(dir: string, version: string, opts: { failHealth?: boolean } = {}): Promise<{ path: string; sha: string }> {
  const repo = path.resolve(dir);
  await fsp.mkdir(path.join(repo, 'www'), { recursive: true });
  const git = (args: string[]) =>
    must('git', ['-C', repo, '-c', 'user.name=Berth Test', '-c', 'user.email=test@berth.invalid', '-c', 'commit.gpgsign=false', ...args], {
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' },
    });
  if (!fs.existsSync(path.join(repo, '.git'))) await git(['init', '-q', '-b', 'main']);
  await fsp.writeFile(
    path.join(repo, 'Dockerfile'),
    [`FROM ${TEST_IMAGES.busybox}`, 'COPY www /www', 'CMD ["httpd","-f","-p","8080","-h","/www"]', ''].join('\n'),
  );
  await fsp.writeFile(path.join(repo, '.dockerignore'), '.git\n');
  await fsp.writeFile(path.join(repo, 'www', 'index.html'), `${version}\n`);
  const health = path.join(repo, 'www', 'health');
  if (opts.failHealth) await fsp.rm(health, { force: true });
  else await fsp.writeFile(health, 'ok\n');
  await git(['add', '-A']);
  await git(['commit', '-q', '--allow-empty', '-m', `version ${version}`]);
  const sha = (await git(['rev-parse', 'HEAD'])).trim();
  await makeReadable(repo);
  return { path: repo, sha };
}

async function makeReadable(repo: string): Promise<void> {
  await must('chmod', ['-R', 'a+rX', repo]);
  // Let other users traverse the directories between os.tmpdir() and the repo (mkdtemp makes them 0700).
  const tmp = path.resolve(os.tmpdir());
  for (let d = path.dirname(repo); d.startsWith(`${tmp}/`); d = path.dirname(d)) {
    const st = await fsp.stat(d);
    if ((st.mode & 0o001) === 0) await fsp.chmod(d, (st.mode & 0o7777) | 0o011);
  }
}
