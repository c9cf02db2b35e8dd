import tls from 'node:tls';
import { KubeConfig } from '@kubernetes/client-node';
import { ApiError } from '../../../shared/api/errors.js';
import type { ClusterCredentials, StoredCluster } from './schema.js';

/**
 * A client-node KubeConfig for one stored cluster through its tunnel:
 * https://127.0.0.1:<local port>, verified against the cluster's own CA (and
 * tls-server-name when the certificate does not name 127.0.0.1), with the
 * credentials from the secret store. Built in memory; never written to disk.
 */
export function tunnelKubeConfig(cluster: StoredCluster, credentials: ClusterCredentials, localPort: number): KubeConfig {
  const name = cluster.contextName;
  const user =
    credentials.kind === 'certificate'
      ? { name, certData: credentials.certData, keyData: credentials.keyData }
      : credentials.kind === 'token'
        ? { name, token: credentials.token }
        : { name, username: credentials.username, password: credentials.password };
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name, server: `https://127.0.0.1:${localPort}`, caData: cluster.caData, skipTLSVerify: false, ...(cluster.tlsServerName ? { tlsServerName: cluster.tlsServerName } : {}) }],
    users: [user],
    contexts: [{ name, cluster: name, user: name, ...(cluster.namespace ? { namespace: cluster.namespace } : {}) }],
    currentContext: name,
  });
  return kc;
}

/** Names in a certificate's subjectAltName, as Node prints it ("DNS:a, IP Address:127.0.0.1"). */
export function subjectAltNames(text: string | undefined): { dns: string[]; ips: string[] } {
  const dns: string[] = [];
  const ips: string[] = [];
  for (const part of (text ?? '').split(/,\s*/)) {
    if (part.startsWith('DNS:')) dns.push(part.slice(4));
    else if (part.startsWith('IP Address:')) ips.push(part.slice(11).toLowerCase());
  }
  return { dns, ips };
}

/**
 * The tunnel's end is 127.0.0.1, so TLS must check the certificate against a
 * name it really carries. k3s, k0s and microk8s all put 127.0.0.1 in theirs;
 * otherwise the kubeconfig's own host name, then the in-cluster service names
 * every API server certificate has.
 */
export function chooseTlsServerName(sans: { dns: string[]; ips: string[] }, apiHost: string): string | undefined {
  if (sans.ips.includes('127.0.0.1')) return undefined;
  const matches = (name: string) => sans.dns.some((d) => d.toLowerCase() === name.toLowerCase() || (d.startsWith('*.') && name.toLowerCase().endsWith(d.slice(1).toLowerCase())));
  if (!/^[\d.:]+$/.test(apiHost) && matches(apiHost)) return apiHost;
  for (const name of ['kubernetes.default.svc', 'kubernetes.default', 'kubernetes', 'localhost']) if (matches(name)) return name;
  const plain = sans.dns.find((d) => !d.startsWith('*.'));
  if (plain) return plain;
  throw new ApiError('UNSUPPORTED', `The API server's certificate names neither 127.0.0.1 nor any host name (${[...sans.dns, ...sans.ips].join(', ') || 'no subjectAltName'}), so it cannot be verified through the tunnel.`);
}

/** TLS handshake through the tunnel, verified against the cluster's CA, to read the names the certificate carries. */
export function peerCertificateNames(port: number, caData: string, timeoutMs = 20_000): Promise<{ dns: string[]; ips: string[] }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      ca: Buffer.from(caData, 'base64'),
      // Only the chain is checked here; which name to check is what this finds out.
      checkServerIdentity: () => undefined,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ApiError('CONNECT_TIMEOUT', 'The API server did not complete a TLS handshake through the tunnel.'));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const names = subjectAltNames(socket.getPeerCertificate().subjectaltname);
      socket.destroy();
      resolve(names);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const untrusted = /certificate|self.signed|issuer/i.test(err.message) || err.code?.startsWith('ERR_TLS') || /CERT|SELF_SIGNED/.test(err.code ?? '');
      reject(untrusted
        ? new ApiError('HOST_KEY_REJECTED', `The API server's certificate is not signed by the CA in the cluster's kubeconfig (${err.message}). Something else answers at that address, or the cluster was reinstalled: add it again.`)
        : new ApiError('CONNECTION_LOST', `The TLS handshake with the API server through the tunnel failed: ${err.message}`));
    });
  });
}
