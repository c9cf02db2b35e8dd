import { execFile } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestImages,
  dockerServerUnavailableReason,
  startDockerServer,
  TEST_IMAGES,
  writeWebAppRepo,
  type DockerServer,
} from './docker-server.js';
import { skipUnlessAvailable } from './infra.js';

const execFileAsync = promisify(execFile);
const skip = skipUnlessAvailable('a Docker server in a network namespace', dockerServerUnavailableReason());

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function must(server: DockerServer, args: string[]): Promise<string> {
  const result = await server.docker(args);
  if (result.code !== 0) throw new Error(`docker ${args.join(' ')}: ${result.code} ${result.stderr}`);
  return result.stdout.trim();
}

async function containerIp(server: DockerServer, name: string): Promise<string> {
  return must(server, ['inspect', '-f', '{{.NetworkSettings.IPAddress}}', name]);
}

/** GET from inside the server's namespace with the machine's busybox wget (its -T segfaults in Debian 12's 1.35: bound it from outside). */
async function fetchInNetns(server: DockerServer, url: string) {
  return server.inNetns(['busybox', 'wget', '-q', '-O', '-', url], { timeoutMs: 5_000 });
}

async function waitForPage(server: DockerServer, url: string): Promise<string> {
  return until(url, async () => {
    const r = await fetchInNetns(server, url);
    return r.code === 0 ? r.stdout : undefined;
  });
}

interface SshResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function sshConnect(server: DockerServer): Promise<ssh2.Client> {
  const ssh = server.ssh!;
  const expectedKey = Buffer.from(ssh.hostPublicKey.split(' ')[1]!, 'base64');
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    client.connect({
      host: ssh.host,
      port: ssh.port,
      username: ssh.user,
      privateKey: fs.readFileSync(ssh.clientKeyPath),
      hostVerifier: (key: Buffer) => key.equals(expectedKey),
      readyTimeout: 10_000,
    });
  });
}

function sshExec(client: ssh2.Client, command: string): Promise<SshResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, channel) => {
      if (err) return reject(err);
      let stdout = '';
      let stderr = '';
      let code: number | null = null;
      channel.on('data', (d: Buffer) => (stdout += d.toString()));
      channel.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      channel.on('exit', (c: number | null) => (code = c));
      channel.on('close', () => resolve({ code, stdout, stderr }));
    });
  });
}

function tcpConnects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 3_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

function processesMentioning(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.split('\0').some((a) => a === dir || a.includes(`${dir}/`))) found.push(`${entry}: ${cmdline.replace(/\0/g, ' ')}`);
    } catch {
      // Gone.
    }
  }
  return found;
}

async function expectNothingLeft(server: DockerServer) {
  const { stdout: netns } = await execFileAsync('ip', ['netns', 'list']);
  expect(netns.split('\n').map((l) => l.split(' ')[0])).not.toContain(server.netns);
  expect(fs.existsSync(`/sys/class/net/${server.hostInterface}`)).toBe(false);
  const { stdout: addrs } = await execFileAsync('ip', ['-4', 'addr']);
  expect(addrs).not.toContain(`${server.hostAddress}/`);
  expect(fs.readFileSync('/etc/passwd', 'utf8')).not.toMatch(new RegExp(`^${server.user}:`, 'm'));
  expect(fs.readFileSync('/etc/group', 'utf8')).not.toMatch(new RegExp(`^${server.user}:`, 'm'));
  expect(fs.existsSync(server.dir)).toBe(false);
  // dockerd, containerd, shims and sshd all name the server's directory on their command line.
  expect(processesMentioning(server.dir)).toEqual([]);
}

describe.skipIf(skip)('a real server with sshd and Docker in its own network namespace', () => {
  let server: DockerServer;
  let work: string;

  beforeAll(async () => {
    work = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-docker-server-test-'));
    server = await startDockerServer();
    await buildTestImages(server);
  });

  afterAll(async () => {
    if (server) {
      await server.stop();
      await expectNothingLeft(server);
    }
    if (work) await fsp.rm(work, { recursive: true, force: true });
  });

  it('has its own namespace, subnet, account and daemon', async () => {
    expect(server.address).toMatch(/^10\.231\.\d+\.2$/);
    expect(server.hostAddress).toBe(server.address.replace(/\.2$/, '.1'));
    expect(server.dockerHost).toBe(`unix://${server.dockerSocket}`);
    expect(server.dockerSocket.length).toBeLessThan(100);
    expect(server.dockerVersion).toMatch(/^\d+\.\d+/);
    // The socket belongs to the account's group, so the account can use it.
    const st = fs.statSync(server.dockerSocket);
    expect(st.gid).toBe(server.gid);
    expect(fs.statSync(server.home).uid).toBe(server.uid);
    // Docker's default bridge lives inside the namespace, not on the machine.
    const inside = await server.inNetns(['ip', '-4', 'addr']);
    expect(inside.stdout).toContain('172.17.0.1');
    expect(inside.stdout).toContain(`${server.address}/30`);
    const { stdout: outside } = await execFileAsync('ip', ['-4', 'addr']);
    expect(outside).toContain(`${server.hostAddress}/30`);
    expect(outside).not.toContain(server.address);
    // No default route: containers reach only the namespace and the veth.
    expect((await server.inNetns(['ip', 'route', 'show', 'default'])).stdout.trim()).toBe('');
  });

  it('builds the test images without a registry', async () => {
    const images = await must(server, ['images', '--format', '{{.Repository}}:{{.Tag}}']);
    expect(images.split('\n').sort()).toEqual([TEST_IMAGES.busybox, TEST_IMAGES.caddy].sort());
    const out = await must(server, ['run', '--rm', TEST_IMAGES.busybox, 'sh', '-c', 'id -u; cat /etc/passwd; ls -ld /tmp; echo a | tr a b']);
    expect(out).toContain('root:x:0:0');
    expect(out).toContain('nobody:');
    expect(out).toMatch(/drwxrwxrwt/);
    expect(out.split('\n').at(-1)).toBe('b');
    // Building again is a no-op for the same server.
    await buildTestImages(server);
  });

  it('builds a web app from writeWebAppRepo and serves it inside the namespace', async () => {
    const dir = path.join(work, 'app');
    const v1 = await writeWebAppRepo(dir, 'v1');
    expect(v1.path).toBe(dir);
    expect(v1.sha).toMatch(/^[0-9a-f]{40}$/);
    const build = await server.docker(['build', '-q', '-t', 'berth-test/web:v1', v1.path]);
    expect(build.code, build.stderr).toBe(0);
    await must(server, ['run', '-d', '--name', 'web1', 'berth-test/web:v1']);
    const ip = await containerIp(server, 'web1');
    expect(await waitForPage(server, `http://${ip}:8080/`)).toBe('v1\n');
    expect((await fetchInNetns(server, `http://${ip}:8080/health`)).stdout).toBe('ok\n');

    const v2 = await writeWebAppRepo(dir, 'v2', { failHealth: true });
    expect(v2.sha).not.toBe(v1.sha);
    const { stdout: log } = await execFileAsync('git', ['-C', dir, 'log', '--format=%H', 'main']);
    expect(log.trim().split('\n')).toEqual([v2.sha, v1.sha]);
    expect((await server.docker(['build', '-q', '-t', 'berth-test/web:v2', v2.path])).code).toBe(0);
    await must(server, ['run', '-d', '--name', 'web2', 'berth-test/web:v2']);
    const ip2 = await containerIp(server, 'web2');
    expect(await waitForPage(server, `http://${ip2}:8080/`)).toBe('v2\n');
    expect((await fetchInNetns(server, `http://${ip2}:8080/health`)).code).not.toBe(0);
    await must(server, ['rm', '-f', 'web1', 'web2']);
  });

  it('accepts SSH as the account, with DOCKER_HOST set for its docker CLI', async () => {
    const ssh = server.ssh!;
    expect(ssh.host).toBe(server.address);
    expect(ssh.port).toBe(22);
    expect(ssh.user).toBe(server.user);
    expect(ssh.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const repo = await writeWebAppRepo(path.join(work, 'cloned'), 'from-git');

    const client = await sshConnect(server);
    try {
      const version = await sshExec(client, "docker version --format '{{.Server.Version}}'");
      expect(version, version.stderr).toMatchObject({ code: 0, stdout: `${server.dockerVersion}\n` });
      const who = await sshExec(client, 'id -un; echo "$HOME"; echo "$DOCKER_HOST"; touch ~/.probe && echo writable');
      expect(who.stdout).toBe(`${server.user}\n${server.home}\n${server.dockerHost}\nwritable\n`);
      // The repository on the shared filesystem is readable by the account.
      const clone = await sshExec(client, `git clone -q ${repo.path} ~/app && git -C ~/app rev-parse HEAD && cat ~/app/www/index.html`);
      expect(clone, clone.stderr).toMatchObject({ code: 0, stdout: `${repo.sha}\nfrom-git\n` });
    } finally {
      client.end();
    }
    const accepted = () => (fs.readFileSync(ssh.logPath, 'utf8').match(/Accepted publickey/g) ?? []).length;
    expect(accepted()).toBe(1);

    // kill() drops the connection; restart() serves the same host key again.
    const second = await sshConnect(server);
    const closed = new Promise<void>((resolve) => second.once('close', () => resolve()));
    second.on('error', () => {});
    await ssh.kill();
    await closed;
    expect(await tcpConnects(ssh.host, 22)).toBe(false);
    await ssh.restart();
    const third = await sshConnect(server);
    third.on('error', () => {});
    expect((await sshExec(third, 'echo again')).stdout).toBe('again\n');
    // dropConnections() ends sessions but keeps listening.
    const dropped = new Promise<void>((resolve) => third.once('close', () => resolve()));
    await ssh.dropConnections();
    await dropped;
    const fourth = await sshConnect(server);
    fourth.end();
    expect(accepted()).toBe(4);
  });

  it('runs the Caddy image, whose admin API answers through docker exec', async () => {
    await must(server, ['run', '-d', '--name', 'proxy', '-p', '80:80', TEST_IMAGES.caddy]);
    const config = await until('caddy admin API', async () => {
      const r = await server.docker(['exec', 'proxy', 'wget', '-qO-', 'http://localhost:2019/config/']);
      return r.code === 0 ? r.stdout : undefined;
    });
    expect(JSON.parse(config)).toHaveProperty('apps');
    const ip = await containerIp(server, 'proxy');
    expect(await waitForPage(server, `http://${ip}/`)).toBe('berth-test caddy\n');
    // A published port answers from the machine at the server's address (docker-proxy inside the namespace).
    const page = await until('published port 80', () =>
      fetch(`http://${server.address}/`, { signal: AbortSignal.timeout(3_000) }).then(
        async (r) => (r.ok ? r.text() : undefined),
        () => undefined,
      ),
    );
    expect(page).toBe('berth-test caddy\n');
    const env = await must(server, ['exec', 'proxy', 'env']);
    expect(env).toContain('XDG_CONFIG_HOME=/config');
    expect(env).toContain('XDG_DATA_HOME=/data');
    // Left running on purpose: stop() must remove it without leaving a shim behind.
  });

  it('starts two servers at once without collisions, and stop() leaves nothing behind', async () => {
    const [a, b] = await Promise.all([startDockerServer({ sshd: false }), startDockerServer()]);
    try {
      for (const key of ['netns', 'address', 'hostAddress', 'hostInterface', 'dockerSocket', 'user', 'home', 'dir'] as const) {
        expect(new Set([a[key], b[key], server[key]]).size, key).toBe(3);
      }
      expect(a.ssh).toBeUndefined();
      expect(b.ssh).toBeDefined();
      expect((await a.docker(['version', '--format', '{{.Server.Version}}'])).code).toBe(0);
      expect((await b.docker(['version', '--format', '{{.Server.Version}}'])).code).toBe(0);
      expect(await tcpConnects(b.address, 22)).toBe(true);
      // Separate daemons: an image on one is absent on the other.
      await Promise.all([buildTestImages(a), buildTestImages(b)]);
      await must(a, ['run', '-d', '--name', 'only-on-a', TEST_IMAGES.busybox, 'sleep', '600']);
      expect((await b.docker(['inspect', 'only-on-a'])).code).not.toBe(0);
      expect(await must(a, ['ps', '-q', '--filter', 'name=only-on-a'])).not.toBe('');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    await expectNothingLeft(a);
    await expectNothingLeft(b);
    // Idempotent.
    await a.stop();
    await b.stop();
  });
});
