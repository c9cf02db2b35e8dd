import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateCerts } from '../../test/support/fake-kube/certs.js';
import { ClusterService } from './cluster-service.js';
import { KubeconfigSource } from './kubeconfig-source.js';
import { resolveLoginShellPath } from './login-shell-path.js';

/**
 * Credentials and reachability that need no Kubernetes API: a real login
 * shell, a real plugin script spawned by client-node's ExecAuth, real
 * sockets (closed, silent, untrusted TLS) and an HTTPS server that answers
 * 401, as an API server does for a token it does not accept.
 */

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-kube-creds-'));
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

const BARE_PATH = '/usr/bin:/bin';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** A home directory whose login profile adds `bin` to PATH, with a plugin there printing an ExecCredential. */
async function homeWithPlugin(token: string): Promise<{ home: string; bin: string }> {
  const home = path.join(dir, 'home');
  const bin = path.join(home, 'tools', 'bin');
  await fs.mkdir(bin, { recursive: true });
  await fs.writeFile(path.join(home, '.profile'), `echo "welcome banner"\nPATH="$HOME/tools/bin:$PATH"\nexport PATH\n`);
  const plugin = path.join(bin, 'berth-test-auth');
  await fs.writeFile(plugin, [
    '#!/bin/sh',
    // The plugin sees what kubectl passes it.
    'case "$KUBERNETES_EXEC_INFO" in *ExecCredential*) ;; *) echo "no exec info" >&2; exit 3;; esac',
    `printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${token}"}}'`,
  ].join('\n'));
  await fs.chmod(plugin, 0o755);
  return { home, bin };
}

async function kubeconfig(server: string, user: string[]): Promise<string> {
  const file = path.join(dir, 'kubeconfig');
  await fs.writeFile(file, [
    'apiVersion: v1', 'kind: Config', 'current-context: test',
    'clusters:', '- name: c', `  cluster: { server: "${server}", insecure-skip-tls-verify: true }`,
    'users:', '- name: u', '  user:', ...user.map((l) => `    ${l}`),
    'contexts:', '- name: test', '  context: { cluster: c, user: u }',
  ].join('\n'));
  return file;
}

/** An HTTPS server that records the Authorization header and answers with `status`. */
async function httpsServer(status: (auth: string | undefined) => number): Promise<{ url: string; seen: Array<string | undefined>; close(): Promise<void> }> {
  const certs = generateCerts('127.0.0.1');
  const seen: Array<string | undefined> = [];
  const server = https.createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    seen.push(req.headers.authorization);
    const code = status(req.headers.authorization);
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(code === 200 ? JSON.stringify({ major: '1', minor: '32', gitVersion: 'v1.32.0-test', gitCommit: '', gitTreeState: '', buildDate: '', goVersion: '', compiler: '', platform: '' })
      : JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('the login shell PATH', () => {
  it('is read between markers, whatever the profile prints', async () => {
    const { home, bin } = await homeWithPlugin('x');
    const found = await resolveLoginShellPath({ env: { HOME: home, SHELL: '/bin/sh', PATH: BARE_PATH } });
    expect(found.split(':')).toContain(bin);
    expect(found).not.toContain('welcome');
  });

  it('falls back to the process PATH without a shell, or when the profile hangs', async () => {
    expect(await resolveLoginShellPath({ env: { PATH: BARE_PATH } })).toBe(BARE_PATH);
    const home = path.join(dir, 'slow');
    await fs.mkdir(home);
    await fs.writeFile(path.join(home, '.profile'), 'sleep 30\n');
    const started = Date.now();
    expect(await resolveLoginShellPath({ env: { HOME: home, SHELL: '/bin/sh', PATH: BARE_PATH }, timeoutMs: 500 })).toBe(BARE_PATH);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('exec credential plugins', () => {
  it('finds a plugin only on the login shell PATH and sends its token', async () => {
    const { home, bin } = await homeWithPlugin('token-from-plugin');
    expect(process.env.PATH ?? '').not.toContain(bin);
    const api = await httpsServer((auth) => (auth === 'Bearer token-from-plugin' ? 200 : 401));
    try {
      const file = await kubeconfig(api.url, ['exec:', '  apiVersion: client.authentication.k8s.io/v1', '  command: berth-test-auth', '  installHint: never shown']);
      for (const SHELL of ['/bin/bash', '/bin/sh']) {
        const clusters = new ClusterService({ sources: [new KubeconfigSource({ env: { KUBECONFIG: file, HOME: home, SHELL, PATH: BARE_PATH } })] });
        expect(await clusters.check('test')).toMatchObject({ state: 'reachable', version: 'v1.32.0-test' });
      }
      expect(api.seen).toContain('Bearer token-from-plugin');
      expect(api.seen).not.toContain(undefined);
    } finally {
      await api.close();
    }
  });

  it('a missing plugin says so with the installHint from the kubeconfig', async () => {
    const home = path.join(dir, 'plain');
    await fs.mkdir(home);
    const file = await kubeconfig(`https://127.0.0.1:${await closedPort()}`, [
      // gke-gcloud-auth-plugin itself may well be installed; this one is not.
      'exec:', '  apiVersion: client.authentication.k8s.io/v1', '  command: berth-missing-auth-plugin',
      '  installHint: |', '    Install berth-missing-auth-plugin for use with kubectl by following', '    https://example.com/docs/install-plugin',
    ]);
    const clusters = new ClusterService({ sources: [new KubeconfigSource({ env: { KUBECONFIG: file, HOME: home, SHELL: '/bin/sh', PATH: BARE_PATH } })] });
    const status = await clusters.check('test');
    expect(status).toMatchObject({ state: 'unauthorised', cause: 'plugin-missing' });
    expect(status.state !== 'reachable' && status.reason).toBe(
      "The credential plugin berth-missing-auth-plugin of user u was not found on your login shell's PATH. Install berth-missing-auth-plugin for use with kubectl by following\n"
      + 'https://example.com/docs/install-plugin',
    );
  });

  it('a slow plugin is bounded by the check timeout, runs once for checks made meanwhile, and its token is then used', async () => {
    const runs = path.join(dir, 'runs');
    const plugin = path.join(dir, 'slow-login');
    await fs.writeFile(plugin, `#!/bin/sh\necho run >> '${runs}'\nsleep 1\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"slow"}}'\n`);
    await fs.chmod(plugin, 0o755);
    const api = await httpsServer((auth) => (auth === 'Bearer slow' ? 200 : 401));
    try {
      const file = await kubeconfig(api.url, ['exec:', '  apiVersion: client.authentication.k8s.io/v1', `  command: ${plugin}`]);
      const clusters = new ClusterService({ sources: [new KubeconfigSource({ env: { KUBECONFIG: file, SHELL: '' } })], timeoutMs: 300 });
      const [a, b] = await Promise.all([clusters.check('test'), clusters.check('test')]);
      for (const status of [a, b]) expect(status).toMatchObject({ state: 'offline', cause: 'timeout', reason: expect.stringContaining(`waiting for the credential plugin ${plugin}`) });
      await new Promise((r) => setTimeout(r, 1200));
      expect(await clusters.check('test')).toMatchObject({ state: 'reachable' });
      expect((await fs.readFile(runs, 'utf8')).trim().split('\n')).toEqual(['run']);
    } finally {
      await api.close();
    }
  });

  it('after a 401 the next check runs the plugin again instead of resending the cached token', async () => {
    const current = path.join(dir, 'current-token');
    await fs.writeFile(current, 'old');
    const plugin = path.join(dir, 'token-plugin');
    await fs.writeFile(plugin, `#!/bin/sh\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$(cat '${current}')"\n`);
    await fs.chmod(plugin, 0o755);
    const api = await httpsServer((auth) => (auth === 'Bearer new' ? 200 : 401));
    try {
      const file = await kubeconfig(api.url, ['exec:', '  apiVersion: client.authentication.k8s.io/v1', `  command: ${plugin}`]);
      const clusters = new ClusterService({ sources: [new KubeconfigSource({ env: { KUBECONFIG: file, SHELL: '' } })] });
      expect(await clusters.check('test')).toMatchObject({ state: 'unauthorised', cause: 'rejected' });
      await fs.writeFile(current, 'new');
      expect(await clusters.check('test')).toMatchObject({ state: 'reachable' });
    } finally {
      await api.close();
    }
  });

  it('a failing plugin shows what it printed', async () => {
    const plugin = path.join(dir, 'fails');
    await fs.writeFile(plugin, '#!/bin/sh\necho "SSO session expired: run aws sso login" >&2\nexit 1\n');
    await fs.chmod(plugin, 0o755);
    const file = await kubeconfig(`https://127.0.0.1:${await closedPort()}`, ['exec:', '  apiVersion: client.authentication.k8s.io/v1', `  command: ${plugin}`]);
    const status = await new ClusterService({ sources: [new KubeconfigSource({ env: { KUBECONFIG: file, SHELL: '' } })] }).check('test');
    expect(status).toMatchObject({ state: 'unauthorised', cause: 'plugin-failed', reason: `The credential plugin ${plugin} of user u failed: SSO session expired: run aws sso login` });
  });
});

describe('reachability', () => {
  const check = async (server: string, user: string[] = ['token: t'], timeoutMs = 1500) =>
    new ClusterService({ sources: [new KubeconfigSource({ env: { KUBECONFIG: await kubeconfig(server, user) } })], timeoutMs }).check('test');

  it('a closed port is offline: connection refused', async () => {
    const port = await closedPort();
    expect(await check(`https://127.0.0.1:${port}`)).toMatchObject({ state: 'offline', cause: 'refused', reason: `Connection refused by 127.0.0.1:${port}: nothing listens there.` });
  });

  it('a name that does not resolve is offline: DNS', async () => {
    expect(await check('https://berth-test.invalid:6443')).toMatchObject({ state: 'offline', cause: 'dns', reason: expect.stringMatching(/^The host name berth-test\.invalid cannot be resolved \(DNS: E[A-Z_]+\)\.$/) });
  });

  it('a server that never answers is offline after the timeout', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    try {
      const started = Date.now();
      const status = await check(`https://127.0.0.1:${(silent.address() as net.AddressInfo).port}`, ['token: t'], 700);
      expect(status).toMatchObject({ state: 'offline', cause: 'timeout', reason: expect.stringContaining('(timeout)') });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      silent.close();
    }
  });

  it('a certificate that is not trusted is offline: TLS', async () => {
    const api = await httpsServer(() => 200);
    try {
      const file = path.join(dir, 'strict');
      await fs.writeFile(file, [
        'clusters:', '- name: c', `  cluster: { server: "${api.url}" }`, 'users:', '- name: u', '  user: { token: t }', 'contexts:', '- name: test', '  context: { cluster: c, user: u }',
      ].join('\n'));
      const status = await new ClusterService({ sources: [new KubeconfigSource({ env: { KUBECONFIG: file } })] }).check('test');
      expect(status).toMatchObject({ state: 'offline', cause: 'tls', reason: expect.stringMatching(/^TLS: the API server at 127\.0\.0\.1:\d+ could not be verified/) });
    } finally {
      await api.close();
    }
  });

  it('a token the server does not accept is unauthorised', async () => {
    const api = await httpsServer((auth) => (auth === 'Bearer good' ? 200 : 401));
    try {
      expect(await check(api.url, ['token: wrong'])).toMatchObject({ state: 'unauthorised', cause: 'rejected', reason: expect.stringContaining('401 Unauthorized') });
      expect(await check(api.url, ['token: good'])).toMatchObject({ state: 'reachable', version: 'v1.32.0-test' });
    } finally {
      await api.close();
    }
  });

  it('a client certificate and a CA named by paths relative to the kubeconfig authenticate against a server that requires them', async () => {
    const certs = path.join(dir, 'kube', 'pki');
    await fs.mkdir(certs, { recursive: true });
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: certs, stdio: 'ignore' });
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=test-ca');
    for (const [name, subject, ext] of [['server', '/CN=api', 'subjectAltName=IP:127.0.0.1'], ['client', '/CN=alice/O=system:masters', 'extendedKeyUsage=clientAuth']] as const) {
      openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
      await fs.writeFile(path.join(certs, `${name}.ext`), `${ext}\n`);
      openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', `${name}.ext`, '-out', `${name}.crt`);
    }
    const read = (f: string) => fs.readFile(path.join(certs, f), 'utf8');
    const subjects: string[] = [];
    const server = https.createServer({ cert: await read('server.crt'), key: await read('server.key'), ca: await read('ca.crt'), requestCert: true, rejectUnauthorized: true }, (req, res) => {
      subjects.push(String((req.socket as TLSSocket).getPeerCertificate().subject.CN));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ major: '1', minor: '32', gitVersion: 'v1.32.0-certs' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const file = path.join(dir, 'kube', 'config');
      await fs.writeFile(file, [
        'clusters:', '- name: c', `  cluster: { server: "https://127.0.0.1:${(server.address() as net.AddressInfo).port}", certificate-authority: pki/ca.crt }`,
        'users:', '- name: alice', '  user: { client-certificate: pki/client.crt, client-key: ./pki/client.key }',
        'contexts:', '- name: certs', '  context: { cluster: c, user: alice }',
      ].join('\n'));
      const status = await new ClusterService({ sources: [new KubeconfigSource({ env: { KUBECONFIG: path.relative(process.cwd(), file) } })] }).check('certs');
      expect(status).toMatchObject({ state: 'reachable', version: 'v1.32.0-certs' });
      expect(subjects[0]).toBe('alice');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('an OIDC id-token from the auth-provider is sent while it is valid', async () => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const idToken = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ sub: 'alice', exp: Math.floor(Date.now() / 1000) + 3600 })}.c2ln`;
    const api = await httpsServer((auth) => (auth === `Bearer ${idToken}` ? 200 : 401));
    try {
      expect(await check(api.url, ['auth-provider:', '  name: oidc', '  config:', `    id-token: ${idToken}`, '    client-id: berth', '    idp-issuer-url: https://issuer.invalid']))
        .toMatchObject({ state: 'reachable' });
    } finally {
      await api.close();
    }
  });

  it('an unknown context is refused with the ones there are', async () => {
    const clusters = new ClusterService({ sources: [new KubeconfigSource({ env: { KUBECONFIG: await kubeconfig('https://127.0.0.1:1', ['token: t']) } })] });
    await expect(clusters.check('prod')).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'There is no Kubernetes context named prod. The contexts there are: test.' });
  });
});
