import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * A real OpenSSH sshd for tests: 127.0.0.1, a free port, throwaway host and
 * client keys, running as the current user. Other suites (terminal, web e2e,
 * benchmarks) import this, so the exported shape stays stable.
 */

const SSHD = '/usr/sbin/sshd';
const SSH_KEYGEN = '/usr/bin/ssh-keygen';
const execFileAsync = promisify(execFile);

export type HostKeyType = 'ed25519' | 'rsa' | 'ecdsa';

export interface StartSshdOptions {
  hostKeyType?: HostKeyType;
  /** Extra sshd_config lines, e.g. ['PasswordAuthentication yes'] or a restricted algorithm list. */
  extraConfig?: string[];
}

export interface SshdHandle {
  host: '127.0.0.1';
  port: number;
  user: string;
  /** Unencrypted ed25519 key the server accepts for `user`. */
  clientKeyPath: string;
  /** 'SHA256:' + unpadded base64, as OpenSSH prints it. */
  hostKeyFingerprint: string;
  /** The SSH key type name, e.g. ssh-ed25519. */
  hostKeyType: string;
  /** "type base64" of the current host key, for writing known_hosts fixtures. */
  hostPublicKey: string;
  /** Temp directory holding the config, keys and log; removed by stop(). */
  dir: string;
  logPath: string;
  /** Stops sshd and starts it again on the same port with a freshly generated host key. */
  restartWithNewHostKey(): Promise<void>;
  /** SIGKILL the listener and every session it spawned: connections drop without a goodbye. */
  kill(): Promise<void>;
  /** SIGKILL every open session but keep listening: connections drop and new ones succeed. */
  dropConnections(): Promise<void>;
  /** Ends sshd and its sessions and removes the temp directory. */
  stop(): Promise<void>;
}

export function sshdUnavailableReason(): string | undefined {
  if (process.platform === 'win32') return 'the sshd test harness runs on Linux and macOS only';
  if (!fs.existsSync(SSHD)) return `no OpenSSH server at ${SSHD} (apt-get install openssh-server)`;
  if (!fs.existsSync(SSH_KEYGEN)) return `no ${SSH_KEYGEN} (apt-get install openssh-client)`;
  if (isRoot() && !fs.existsSync('/run/sshd')) {
    try {
      // sshd running as root refuses to start without its privilege separation directory.
      fs.mkdirSync('/run/sshd', { mode: 0o755 });
    } catch (err) {
      return `cannot create /run/sshd: ${(err as Error).message}`;
    }
  }
  return undefined;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

const PASSWORD_USER = 'berth-pwtest';

/**
 * A local account with a fresh random password, for password-auth tests
 * (start the sshd with extraConfig ['PasswordAuthentication yes']). Creating
 * accounts needs root; elsewhere this returns undefined and the caller skips.
 */
export async function ensurePasswordUser(): Promise<{ user: string; password: string } | undefined> {
  if (!isRoot() || !fs.existsSync('/usr/sbin/useradd') || !fs.existsSync('/usr/sbin/chpasswd')) return undefined;
  const exists = await execFileAsync('id', [PASSWORD_USER]).then(() => true, () => false);
  if (!exists) await execFileAsync('/usr/sbin/useradd', ['--create-home', '--shell', '/bin/sh', PASSWORD_USER]);
  const password = randomBytes(12).toString('base64url');
  await new Promise<void>((resolve, reject) => {
    const child = spawn('/usr/sbin/chpasswd', [], { stdio: ['pipe', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`chpasswd exited with ${code}`))));
    child.stdin.end(`${PASSWORD_USER}:${password}\n`);
  });
  return { user: PASSWORD_USER, password };
}

export async function generateKey(file: string, type: HostKeyType, passphrase = ''): Promise<void> {
  const bits = type === 'rsa' ? ['-b', '2048'] : type === 'ecdsa' ? ['-b', '256'] : [];
  await fsp.rm(file, { force: true });
  await fsp.rm(`${file}.pub`, { force: true });
  await execFileAsync(SSH_KEYGEN, ['-q', '-t', type, ...bits, '-N', passphrase, '-C', 'berth-test', '-f', file]);
}

/** Fingerprint of an OpenSSH public key line, in OpenSSH's SHA256 form. */
export function fingerprintOfPublicKey(line: string): string {
  const blob = Buffer.from(line.trim().split(/\s+/)[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Pids of every process below `root`, from ps; the harness ends only what its own sshd spawned. */
export async function descendants(root: number): Promise<number[]> {
  const { stdout } = await execFileAsync('ps', ['-A', '-o', 'pid=,ppid=']);
  const children = new Map<number, number[]>();
  for (const line of stdout.split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (!pid || ppid === undefined) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function signal(pid: number, sig: NodeJS.Signals) {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function waitForListening(child: ChildProcess, logPath: string, port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const log = await fsp.readFile(logPath, 'utf8').catch(() => '');
    if (log.includes(`Server listening on 127.0.0.1 port ${port}`)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  const log = await fsp.readFile(logPath, 'utf8').catch(() => '');
  throw new Error(`sshd did not start on port ${port}:\n${log}`);
}

export async function startSshd(options: StartSshdOptions = {}): Promise<SshdHandle> {
  const reason = sshdUnavailableReason();
  if (reason) throw new Error(reason);
  const keyType = options.hostKeyType ?? 'ed25519';
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-sshd-'));
  const hostKey = path.join(dir, 'host_key');
  const clientKeyPath = path.join(dir, 'client_key');
  const authorizedKeys = path.join(dir, 'authorized_keys');
  const configPath = path.join(dir, 'sshd_config');
  const logPath = path.join(dir, 'sshd.log');
  await Promise.all([generateKey(hostKey, keyType), generateKey(clientKeyPath, 'ed25519')]);
  await fsp.copyFile(`${clientKeyPath}.pub`, authorizedKeys);

  let port = 0;
  let child: ChildProcess | undefined;

  const writeConfig = () =>
    fsp.writeFile(
      configPath,
      [
        // sshd keeps the first value it reads for a keyword, so the caller's lines come first.
        ...(options.extraConfig ?? []),
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `PidFile ${path.join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${authorizedKeys}`,
        'StrictModes no',
        'UsePAM no',
        'PermitRootLogin yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'AllowTcpForwarding yes',
        'MaxSessions 100',
        'MaxStartups 100:30:200',
        'LogLevel DEBUG1',
        'Subsystem sftp internal-sftp',
        '',
      ].join('\n'),
    );

  const launch = async () => {
    await fsp.writeFile(logPath, '');
    child = spawn(SSHD, ['-D', '-E', logPath, '-f', configPath], { stdio: 'ignore' });
    await waitForListening(child, logPath, port);
  };

  const terminate = async (sig: NodeJS.Signals) => {
    const current = child;
    if (!current?.pid) return;
    const pids = [current.pid, ...(await descendants(current.pid))];
    for (const pid of pids) signal(pid, sig);
    await exited(current);
  };

  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    await writeConfig();
    try {
      await launch();
      break;
    } catch (err) {
      // Another process may have taken the port between probing and binding.
      await terminate('SIGKILL');
      if (attempt >= 3) throw err;
    }
  }

  const publicKey = async () => (await fsp.readFile(`${hostKey}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');

  const handle: SshdHandle = {
    host: '127.0.0.1',
    port,
    user: os.userInfo().username,
    clientKeyPath,
    hostKeyFingerprint: '',
    hostKeyType: '',
    hostPublicKey: '',
    dir,
    logPath,
    async restartWithNewHostKey() {
      await terminate('SIGTERM');
      await generateKey(hostKey, keyType);
      await refreshHostKey();
      await launch();
    },
    async kill() {
      await terminate('SIGKILL');
    },
    async dropConnections() {
      if (!child?.pid) return;
      for (const pid of await descendants(child.pid)) signal(pid, 'SIGKILL');
    },
    async stop() {
      await terminate('SIGTERM');
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
  const refreshHostKey = async () => {
    handle.hostPublicKey = await publicKey();
    handle.hostKeyType = handle.hostPublicKey.split(' ')[0]!;
    handle.hostKeyFingerprint = fingerprintOfPublicKey(handle.hostPublicKey);
  };
  await refreshHostKey();
  return handle;
}
