import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../secrets/secret-store.js';
import { ClusterStore, credentialsKey } from './cluster-store.js';
import { chooseTlsServerName, subjectAltNames, tunnelKubeConfig } from './kube-config.js';
import { isLoopback, parseAdminKubeconfig } from './parse-kubeconfig.js';
import type { StoredCluster } from './schema.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const CA = b64('-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n');

/** The shape k3s writes to /etc/rancher/k3s/k3s.yaml. */
function k3sYaml(user: string, server = 'https://127.0.0.1:6443', extraCluster = ''): string {
  return `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${CA}
    server: ${server}${extraCluster}
  name: default
contexts:
- context:
    cluster: default
    user: default
  name: default
current-context: default
kind: Config
preferences: {}
users:
- name: default
  user:
${user}
`;
}

const CERT_USER = `    client-certificate-data: ${b64('cert')}\n    client-key-data: ${b64('key')}`;

describe('parsing an admin kubeconfig', () => {
  it("takes k3s's one cluster and user: loopback API address, CA and client certificate", () => {
    const parsed = parseAdminKubeconfig(k3sYaml(CERT_USER), 'k3s.yaml');
    expect(parsed).toEqual({
      server: 'https://127.0.0.1:6443',
      apiHost: '127.0.0.1',
      apiPort: 6443,
      caData: CA,
      credentials: { kind: 'certificate', certData: b64('cert'), keyData: b64('key') },
    });
    expect(isLoopback(parsed.apiHost)).toBe(true);
  });

  it('takes a token, an IPv6 address, the default port and tls-server-name', () => {
    const parsed = parseAdminKubeconfig(k3sYaml('    token: abc.def', 'https://[::1]', '\n    tls-server-name: kubernetes'), 'x');
    expect(parsed).toMatchObject({ apiHost: '::1', apiPort: 443, tlsServerName: 'kubernetes', credentials: { kind: 'token', token: 'abc.def' } });
  });

  it('refuses what cannot work from another machine, saying why', () => {
    expect(() => parseAdminKubeconfig(k3sYaml(CERT_USER, 'https://127.0.0.1:6443', '\n    insecure-skip-tls-verify: true'), 'f')).toThrow(/turns off TLS verification/);
    expect(() => parseAdminKubeconfig(k3sYaml('    client-certificate: /var/lib/k0s/pki/admin.crt\n    client-key: /var/lib/k0s/pki/admin.key'), 'f')).toThrow(/named by path/);
    expect(() => parseAdminKubeconfig(k3sYaml('    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: aws'), 'f')).toThrow(/exec plugin/);
    expect(() => parseAdminKubeconfig(k3sYaml(CERT_USER, 'http://127.0.0.1:8080'), 'f')).toThrow(/not https/);
    expect(() => parseAdminKubeconfig('{{{', 'f')).toThrow(/not a kubeconfig/);
    // A broken file's error never quotes its lines: they may hold the key.
    const broken = k3sYaml('    token: s3cr3t-token-value\n   bad: [indent');
    expect(() => parseAdminKubeconfig(broken, 'f')).toThrow(/not a kubeconfig/);
    expect(() => parseAdminKubeconfig(broken, 'f')).not.toThrow(/s3cr3t/);
  });
});

describe('the kubeconfig for the tunnel', () => {
  const cluster: StoredCluster = {
    id: 'web1-k3s', serverId: 'web1', distribution: 'k3s', contextName: 'web1-k3s', apiHost: '127.0.0.1', apiPort: 6443, caData: CA,
    credentials: { kind: 'certificate', secretKey: credentialsKey('web1-k3s') }, readWith: ['cat', '/etc/rancher/k3s/k3s.yaml'], addedAt: new Date(0).toISOString(),
  };

  it('points at the local port, keeps the CA and verification, and names the context after the server', () => {
    const kc = tunnelKubeConfig({ ...cluster, tlsServerName: 'kubernetes', namespace: 'apps' }, { kind: 'token', token: 't' }, 40123);
    expect(kc.getCurrentContext()).toBe('web1-k3s');
    expect(kc.getCurrentCluster()).toMatchObject({ server: 'https://127.0.0.1:40123', caData: CA, skipTLSVerify: false, tlsServerName: 'kubernetes' });
    expect(kc.getCurrentUser()).toMatchObject({ token: 't' });
    expect(kc.getContextObject('web1-k3s')?.namespace).toBe('apps');
  });

  it('sets tls-server-name only when the certificate does not name 127.0.0.1', () => {
    const sans = subjectAltNames('DNS:kubernetes, DNS:kubernetes.default, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(sans.ips).toContain('127.0.0.1');
    expect(chooseTlsServerName(sans, '10.0.0.5')).toBeUndefined();
    expect(chooseTlsServerName({ dns: ['api.example.com', 'kubernetes'], ips: ['10.0.0.5'] }, 'api.example.com')).toBe('api.example.com');
    expect(chooseTlsServerName({ dns: ['node1', 'kubernetes.default.svc'], ips: ['10.0.0.5'] }, '10.0.0.5')).toBe('kubernetes.default.svc');
    expect(() => chooseTlsServerName({ dns: [], ips: ['10.0.0.5'] }, '10.0.0.5')).toThrow(/cannot be verified/);
  });

  it('keeps credentials in the secret store and only a reference in clusters.json', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-clusters-'));
    try {
      const secrets = new MemorySecretStore();
      const store = new ClusterStore(dir, secrets);
      await store.save(cluster, { kind: 'certificate', certData: b64('cert'), keyData: b64('secret-key-bytes') });
      const file = await fs.readFile(path.join(dir, 'clusters.json'), 'utf8');
      expect(file).not.toContain(b64('secret-key-bytes'));
      expect(JSON.parse(file)).toMatchObject({ schemaVersion: 1, data: { clusters: [{ id: 'web1-k3s', credentials: { secretKey: 'cluster/web1-k3s/credentials' } }] } });
      expect(await store.credentials(cluster)).toEqual({ kind: 'certificate', certData: b64('cert'), keyData: b64('secret-key-bytes') });
      expect((await fs.stat(path.join(dir, 'clusters.json'))).mode & 0o777).toBe(0o600);
      await store.remove('web1-k3s');
      expect(await secrets.keys()).toEqual([]);
      expect(await store.list()).toEqual([]);
      await expect(store.remove('web1-k3s')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
