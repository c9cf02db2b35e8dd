import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { VersionApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnlessAvailable } from '../../../test/support/infra.js';
import { sshdUnavailableReason, type SshdHandle } from '../../../test/support/sshd.js';
import { addServer, useTrustedWorld, type World } from '../../../test/integration/ssh-world.js';
import { chooseTlsServerName, peerCertificateNames, tunnelKubeConfig } from './kube-config.js';
import type { StoredCluster } from './schema.js';
import { SshTunnel } from './tunnel.js';

const opensslMissing = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'no openssl (apt-get install openssl)';
  }
})();
const skip = skipUnlessAvailable('sshd and openssl', sshdUnavailableReason() ?? opensslMissing);

/** A CA and an API server certificate that names only "kubernetes": not 127.0.0.1, the tunnel's end. */
function certificates(dir: string, cn: string) {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  run('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key');
  run('req', '-x509', '-new', '-key', 'ca.key', '-sha256', '-days', '1', '-subj', `/CN=${cn}`, '-out', 'ca.crt', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  run('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'server.key');
  run('req', '-new', '-key', 'server.key', '-subj', '/CN=kube-apiserver', '-out', 'server.csr');
  fs.writeFileSync(path.join(dir, 'ext.cnf'), 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:kubernetes,DNS:kubernetes.default.svc\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-sha256', '-extfile', 'ext.cnf', '-out', 'server.crt');
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  return { ca: read('ca.crt'), cert: read('server.crt'), key: read('server.key') };
}

describe.skipIf(skip)('TLS through the tunnel when the certificate does not name 127.0.0.1', () => {
  let sshd: SshdHandle;
  let world: World;
  let dir: string;
  let api: https.Server;
  let apiPort: number;
  let certs: ReturnType<typeof certificates>;
  let otherCa: string;
  useTrustedWorld((s, w) => {
    sshd = s;
    world = w;
  });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-kubecerts-'));
    certs = certificates(dir, 'test-ca');
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-kubecerts-'));
    otherCa = certificates(other, 'other-ca').ca;
    fs.rmSync(other, { recursive: true, force: true });
    // Stands in for /version of an API server: answers only the right bearer token.
    api = https.createServer({ cert: certs.cert, key: certs.key }, (req, res) => {
      if (req.headers.authorization !== 'Bearer t0ken') return void res.writeHead(401).end('{"kind":"Status","code":401}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ major: '1', minor: '32', gitVersion: 'v1.32.0-test' }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiPort = (api.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => api?.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function tunnel(): Promise<SshTunnel> {
    const server = await addServer(world, sshd);
    const host = await world.service.host(server.id);
    return SshTunnel.open({ dial: () => host.connectTcp('127.0.0.1', apiPort), label: 'api' });
  }

  const cluster = (caPem: string, tlsServerName?: string): StoredCluster => ({
    id: 'test-k3s', serverId: 'test', distribution: 'k3s', contextName: 'test-k3s', apiHost: '127.0.0.1', apiPort, caData: Buffer.from(caPem).toString('base64'),
    ...(tlsServerName ? { tlsServerName } : {}),
    credentials: { kind: 'token', secretKey: 'cluster/test-k3s/credentials' }, readWith: ['cat', '/x'], addedAt: new Date(0).toISOString(),
  });

  it('reads the names from the certificate, picks one, and client-node verifies against it', async () => {
    const t = await tunnel();
    try {
      const sans = await peerCertificateNames(t.port, cluster(certs.ca).caData);
      expect(sans).toEqual({ dns: ['kubernetes', 'kubernetes.default.svc'], ips: [] });
      const name = chooseTlsServerName(sans, '127.0.0.1');
      expect(name).toBe('kubernetes.default.svc');
      const ok = tunnelKubeConfig(cluster(certs.ca, name), { kind: 'token', token: 't0ken' }, t.port);
      expect((await ok.makeApiClient(VersionApi).getCode()).gitVersion).toBe('v1.32.0-test');
      // Without it, the certificate does not match 127.0.0.1 and the request is refused.
      const bad = tunnelKubeConfig(cluster(certs.ca), { kind: 'token', token: 't0ken' }, t.port);
      await expect(bad.makeApiClient(VersionApi).getCode()).rejects.toMatchObject({ cause: { code: 'ERR_TLS_CERT_ALTNAME_INVALID' } });
    } finally {
      await t.close();
    }
  });

  it('refuses a certificate the cluster CA did not sign', async () => {
    const t = await tunnel();
    try {
      await expect(peerCertificateNames(t.port, cluster(otherCa).caData)).rejects.toMatchObject({ code: 'HOST_KEY_REJECTED' });
    } finally {
      await t.close();
    }
  });
});
