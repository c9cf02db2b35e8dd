import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { addVethNamespace, netnsList, netnsPids, pickSubnet, removeVethNamespace } from './netns.js';
import { descendants, fingerprintOfPublicKey, generateKey, sshdUnavailableReason } from './sshd.js';

/**
 * A test host that stands in for a VPS running k3s: sshd inside a network
 * namespace of its own (veth pair on a private /30, 10.233.X.1 host side,
 * 10.233.X.2 server side), logged into as an unprivileged account.
 *
 * sshd runs in a private mount namespace too, where /etc and /usr/local/bin
 * are overlays on tmpfs: the account, /etc/rancher/k3s (bound to `k3sDir`),
 * /etc/sudoers.d (bound to `sudoersDir`) and a stand-in /usr/local/bin/k3s
 * exist only for the sessions of this sshd, never on the machine itself.
 * The test writes the kubeconfig and sudo rules into those host directories
 * and the sessions see them at the real paths at once.
 *
 * Names encode the creating pid (netns berth-kc-<pid>-<n>, veth bkh/bkp<pid>x<n>,
 * directory /tmp/bkc-<pid>-<n>), so a later run removes what a crashed run left.
 * The 10.233/16 range is apart from the Docker server harness's 10.231/16.
 */

export interface KubeServerHost {
  netns: string;
  /** The server's address in its namespace (10.233.X.2): sshd listens here, the fake API only on its loopback. */
  address: string;
  hostAddress: string;
  /** The unprivileged SSH account (exists only inside sshd's mount namespace). */
  user: string;
  uid: number;
  home: string;
  dir: string;
  /** Seen by the sessions as /etc/rancher/k3s. */
  k3sDir: string;
  /** Seen by the sessions as /etc/sudoers.d (files must be root's, mode 0440). */
  sudoersDir: string;
  /** A sudoers rule for `user`, or none: written as <sudoersDir>/berth-test. */
  setSudoRule(rule: string | undefined): Promise<void>;
  ssh: {
    host: string;
    port: number;
    user: string;
    clientKeyPath: string;
    hostPublicKey: string;
    hostKeyFingerprint: string;
    logPath: string;
    /** SIGKILL every session but keep listening: connections drop, new ones succeed. */
    dropConnections(): Promise<void>;
    /** Kill sshd and start it again (same host key); `allowTcpForwarding: false` makes it refuse forwardOut, as many hardened servers do. */
    restart(opts?: { allowTcpForwarding?: boolean }): Promise<void>;
  };
  /** Runs a command in the server's network namespace (not its mount namespace). Never throws on non-zero exit. */
  inNetns(argv: string[], opts?: { timeoutMs?: number }): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';
const SUBNET_PREFIX = '10.233';
const SHORT_ROOT = '/tmp';
const LOCK_PATH = path.join(SHORT_ROOT, 'berth-kube-server-host');
const NETNS_RE = /^berth-kc-(\d+)-(\d+)$/;
const LINK_RE = /^bk[hp](\d+)x(\d+)$/;
const DIR_RE = /^bkc-(\d+)-(\d+)$/;

/** Stands in for k3s's own binary: only `k3s kubectl`, which (as the real one) reads /etc/rancher/k3s/k3s.yaml. */
const FAKE_K3S = `#!/bin/sh
# Test stand-in for k3s (berth tests): "k3s kubectl ..." runs kubectl with k3s's kubeconfig.
if [ "$1" = kubectl ]; then shift; exec /usr/bin/kubectl --kubeconfig=/etc/rancher/k3s/k3s.yaml "$@"; fi
if [ "$1" = --version ]; then echo "k3s version v1.32.0+k3s1 (berth test stand-in)"; exit 0; fi
echo "k3s (berth test stand-in): only 'k3s kubectl' exists here" >&2
exit 1
`;

export function kubeServerHostUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'the k3s stand-in host runs on Linux only';
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'the k3s stand-in host needs root (network and mount namespaces)';
  for (const [bin, pkg] of [['ip', 'iproute2'], ['nsenter', 'util-linux'], ['unshare', 'util-linux'], ['mount', 'mount']] as const) {
    if (spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status !== 0) return `no ${bin} on PATH (apt-get install ${pkg})`;
  }
  const sshd = sshdUnavailableReason();
  if (sshd) return sshd;
  if (!fs.existsSync('/usr/bin/kubectl')) return 'no /usr/bin/kubectl (apt-get install kubectl)';
  if (spawnSync('ip', ['netns', 'list'], { stdio: 'ignore' }).status !== 0) return '`ip netns list` fails: no network namespace support';
  return undefined;
}

export function sudoUnavailableReason(): string | undefined {
  return fs.existsSync('/usr/bin/sudo') ? undefined : 'no /usr/bin/sudo (apt-get install sudo)';
}

type Run = { code: number; stdout: string; stderr: string };

function run(cmd: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.once('error', (e) => resolve({ code: 127, stdout: '', stderr: e.message }));
    child.once('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? 137, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function killAll(pids: number[]): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone.
    }
  }
  const deadline = Date.now() + 5_000;
  while (pids.some(pidAlive) && Date.now() < deadline) await sleep(25);
}

async function removeNetns(netns: string, links: string[]): Promise<void> {
  await killAll(await netnsPids(netns));
  await removeVethNamespace(netns, links);
}

/** What crashed runs of this harness left behind (their pid no longer runs). */
async function cleanupStale(active: Set<string>): Promise<void> {
  const ids = new Set<string>();
  for (const ns of await netnsList()) {
    const m = NETNS_RE.exec(ns);
    if (m) ids.add(`${m[1]}-${m[2]}`);
  }
  for (const link of fs.readdirSync('/sys/class/net')) {
    const m = LINK_RE.exec(link);
    if (m) ids.add(`${m[1]}-${m[2]}`);
  }
  for (const entry of fs.readdirSync(SHORT_ROOT)) {
    const m = DIR_RE.exec(entry);
    if (m) ids.add(`${m[1]}-${m[2]}`);
  }
  for (const id of ids) {
    const [pid, n] = id.split('-').map(Number) as [number, number];
    if (pid === process.pid ? active.has(id) : pidAlive(pid)) continue;
    await removeNetns(`berth-kc-${pid}-${n}`, [`bkh${pid}x${n}`, `bkp${pid}x${n}`]).catch(() => undefined);
    await fsp.rm(path.join(SHORT_ROOT, `bkc-${pid}-${n}`), { recursive: true, force: true }).catch(() => undefined);
  }
}

/** A uid no account of the machine has: the account exists only in sshd's mount namespace. */
function freeUid(seed: number): number {
  const taken = new Set(fs.readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => Number(l.split(':')[2])));
  for (let i = 0; ; i++) {
    const uid = 61000 + ((seed + i) % 3000);
    if (!taken.has(uid)) return uid;
  }
}

let counter = 0;
const active = new Set<string>();

export async function startKubeServerHost(): Promise<KubeServerHost> {
  const reason = kubeServerHostUnavailableReason();
  if (reason) throw new Error(reason);
  const n = ++counter;
  const pid = process.pid;
  const id = `${pid}-${n}`;
  active.add(id);
  const netns = `berth-kc-${pid}-${n}`;
  const hostIf = `bkh${pid}x${n}`;
  const peerIf = `bkp${pid}x${n}`;
  const dir = path.join(SHORT_ROOT, `bkc-${pid}-${n}`);
  const user = `bkc${pid}x${n}`;
  const uid = freeUid(pid * 7 + n);
  const home = path.join(dir, 'home');
  const k3sDir = path.join(dir, 'k3s');
  const sudoersDir = path.join(dir, 'sudoers.d');
  const binDir = path.join(dir, 'bin');
  const ovlDir = path.join(dir, 'ovl');
  let child: ChildProcess | undefined;

  const stop = async () => {
    if (child?.pid) await killAll([child.pid, ...(await descendants(child.pid).catch(() => []))]);
    await removeNetns(netns, [hostIf, peerIf]);
    await fsp.rm(dir, { recursive: true, force: true });
    active.delete(id);
  };

  try {
    const x = await withLock(async () => {
      await cleanupStale(active);
      await fsp.rm(dir, { recursive: true, force: true });
      for (const d of [dir, home, k3sDir, sudoersDir, binDir, ovlDir]) await fsp.mkdir(d, { recursive: true, mode: 0o755 });
      const x = await pickSubnet(SUBNET_PREFIX, (pid * 31 + n * 7) % 254);
      await addVethNamespace({ netns, hostIf, peerIf, hostAddress: `${SUBNET_PREFIX}.${x}.1`, address: `${SUBNET_PREFIX}.${x}.2` });
      return x;
    });
    const address = `${SUBNET_PREFIX}.${x}.2`;
    await fsp.chown(home, uid, uid);
    await fsp.chmod(dir, 0o755);
    await fsp.writeFile(path.join(binDir, 'k3s'), FAKE_K3S, { mode: 0o755 });

    const hostKey = path.join(dir, 'ssh_host_ed25519_key');
    const clientKeyPath = path.join(dir, 'client_key');
    const authorizedKeys = path.join(dir, 'authorized_keys');
    const configPath = path.join(dir, 'sshd_config');
    const logPath = path.join(dir, 'sshd.log');
    const launchPath = path.join(dir, 'launch.sh');
    await Promise.all([generateKey(hostKey, 'ed25519'), generateKey(clientKeyPath, 'ed25519')]);
    await fsp.copyFile(`${clientKeyPath}.pub`, authorizedKeys);
    await fsp.chmod(authorizedKeys, 0o644);
    const writeConfig = (allowTcpForwarding: boolean) => fsp.writeFile(configPath, [
      `ListenAddress ${address}`,
      'Port 22',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      `AllowTcpForwarding ${allowTcpForwarding ? 'yes' : 'no'}`,
      'MaxSessions 100',
      'LogLevel DEBUG1',
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n'));
    await writeConfig(true);
    // Runs as sshd's parent inside `unshare --mount`: everything it mounts is seen only by this sshd and its sessions.
    await fsp.writeFile(launchPath, [
      'set -e',
      `D=${dir}`,
      'mount -t tmpfs -o mode=0755 tmpfs "$D/ovl"',
      'mkdir "$D/ovl/etc" "$D/ovl/etc-work" "$D/ovl/bin" "$D/ovl/bin-work"',
      'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$D/ovl/etc,workdir=$D/ovl/etc-work" /etc',
      `echo '${user}:x:${uid}:${uid}:berth k3s test host:${home}:/bin/sh' >> /etc/passwd`,
      `echo '${user}:x:${uid}:' >> /etc/group`,
      `echo '${user}:*:19000:0:99999:7:::' >> /etc/shadow`,
      'mkdir -p /etc/rancher/k3s',
      'mount --bind "$D/k3s" /etc/rancher/k3s',
      'mount --bind "$D/sudoers.d" /etc/sudoers.d',
      'cp "$D/bin/k3s" "$D/ovl/bin/k3s"',
      'mkdir -p /usr/local/bin',
      'mount -t overlay overlay -o "lowerdir=/usr/local/bin,upperdir=$D/ovl/bin,workdir=$D/ovl/bin-work" /usr/local/bin',
      `exec ${SSHD} -D -E "$D/sshd.log" -f "$D/sshd_config"`,
      '',
    ].join('\n'));
    await fsp.writeFile(logPath, '');
    const hostPublicKey = (await fsp.readFile(`${hostKey}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');

    const launch = async () => {
      const offset = (await fsp.stat(logPath)).size;
      const started = spawn('nsenter', [`--net=/var/run/netns/${netns}`, 'unshare', '--mount', '--propagation', 'private', 'sh', launchPath], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      started.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      started.on('error', () => undefined);
      child = started;
      const needle = `Server listening on ${address} port 22`;
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        if (started.exitCode !== null || started.signalCode !== null) break;
        if ((await fsp.readFile(logPath)).subarray(offset).toString('utf8').includes(needle)) return;
        await sleep(25);
      }
      throw new Error(`sshd did not start in ${netns}: ${stderr}\n${await fsp.readFile(logPath, 'utf8')}`);
    };
    const terminate = async () => {
      if (child?.pid) await killAll([child.pid, ...(await descendants(child.pid).catch(() => []))]);
    };
    await launch();

    return {
      netns,
      address,
      hostAddress: `${SUBNET_PREFIX}.${x}.1`,
      user,
      uid,
      home,
      dir,
      k3sDir,
      sudoersDir,
      async setSudoRule(rule) {
        const file = path.join(sudoersDir, 'berth-test');
        if (rule === undefined) return fsp.rm(file, { force: true });
        await fsp.writeFile(file, `${rule}\n`, { mode: 0o440 });
        await fsp.chmod(file, 0o440);
      },
      ssh: {
        host: address,
        port: 22,
        user,
        clientKeyPath,
        hostPublicKey,
        hostKeyFingerprint: fingerprintOfPublicKey(hostPublicKey),
        logPath,
        async dropConnections() {
          if (!child?.pid) return;
          await killAll(await descendants(child.pid));
        },
        async restart(opts = {}) {
          await terminate();
          await writeConfig(opts.allowTcpForwarding ?? true);
          await launch();
        },
      },
      inNetns: (argv, opts) => run('nsenter', [`--net=/var/run/netns/${netns}`, '--', ...argv], opts),
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const release = await lockfile.lock(LOCK_PATH, {
    realpath: false,
    stale: 6_000,
    update: 1_500,
    retries: { retries: 400, factor: 1.1, minTimeout: 25, maxTimeout: 250 },
    onCompromised: () => undefined,
  });
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
