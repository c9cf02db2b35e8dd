import { isIP } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { ApiError } from '../../../shared/api/errors.js';
import type { ClusterCredentials } from './schema.js';

/** What an admin kubeconfig says about its one cluster and user. */
export interface ParsedKubeconfig {
  /** The server URL exactly as written, e.g. https://127.0.0.1:6443. */
  server: string;
  /** Host and port of that URL: the address as the server sees it. */
  apiHost: string;
  apiPort: number;
  caData: string;
  tlsServerName?: string;
  namespace?: string;
  credentials: ClusterCredentials;
}

/**
 * Parses with client-node's own loader (kubectl's field names and rules), then
 * takes the current context's cluster and user, or the only ones. Anything
 * Berth could not use unchanged from another machine is refused with why:
 * files named by path (they are on the server), exec plugins and auth
 * providers (they would run here), and turned-off TLS verification.
 */
export function parseAdminKubeconfig(text: string, source: string): ParsedKubeconfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch (err) {
    // Only the first line: YAML errors go on to quote the lines around the fault, which may hold the key or token.
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new ApiError('INVALID_INPUT', `${source} is not a kubeconfig Berth can read: ${reason}`);
  }
  const context = kc.getContextObject(kc.getCurrentContext()) ?? (kc.getContexts().length === 1 ? kc.getContexts()[0]! : null);
  const cluster = context ? kc.getCluster(context.cluster) : kc.getClusters().length === 1 ? kc.getClusters()[0]! : null;
  const user = context ? kc.getUser(context.user) : kc.getUsers().length === 1 ? kc.getUsers()[0]! : null;
  if (!cluster || !user) throw new ApiError('INVALID_INPUT', `${source} names no single cluster and user (clusters: ${kc.getClusters().map((c) => c.name).join(', ') || 'none'}; users: ${kc.getUsers().map((u) => u.name).join(', ') || 'none'}).`);
  if (cluster.skipTLSVerify) throw new ApiError('UNSUPPORTED', `${source} turns off TLS verification (insecure-skip-tls-verify), so Berth could not tell its API server from an impostor. Give the cluster a CA in certificate-authority-data.`);
  if (!cluster.caData) throw new ApiError('UNSUPPORTED', `${source} has no certificate-authority-data${cluster.caFile ? ` (it names a file, ${cluster.caFile}, which is on the server)` : ''}; Berth needs the CA inline to verify the API server through the tunnel.`);

  let url: URL;
  try {
    url = new URL(cluster.server);
  } catch {
    throw new ApiError('INVALID_INPUT', `${source}: the cluster's server "${cluster.server}" is not a URL.`);
  }
  if (url.protocol !== 'https:') throw new ApiError('UNSUPPORTED', `${source}: the cluster's server ${cluster.server} is not https; Berth reaches API servers only over TLS.`);
  const apiHost = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const apiPort = url.port ? Number(url.port) : 443;

  return {
    server: cluster.server,
    apiHost,
    apiPort,
    caData: cluster.caData,
    ...(cluster.tlsServerName ? { tlsServerName: cluster.tlsServerName } : {}),
    ...(context?.namespace ? { namespace: context.namespace } : {}),
    credentials: credentialsOf(user, source),
  };
}

function credentialsOf(user: NonNullable<ReturnType<KubeConfig['getUser']>>, source: string): ClusterCredentials {
  if (user.certData && user.keyData) return { kind: 'certificate', certData: user.certData, keyData: user.keyData };
  if (user.token) return { kind: 'token', token: user.token };
  if (user.username && user.password) return { kind: 'basic', username: user.username, password: user.password };
  if (user.certFile || user.keyFile) throw new ApiError('UNSUPPORTED', `${source}: the user's client certificate is named by path (${user.certFile ?? user.keyFile}), a file on the server; Berth needs client-certificate-data and client-key-data inline.`);
  if (user.exec || user.authProvider) throw new ApiError('UNSUPPORTED', `${source}: the user authenticates through ${user.exec ? 'an exec plugin' : 'an auth provider'}, which would have to run on this computer; add that cluster from your own kubeconfig instead.`);
  throw new ApiError('UNSUPPORTED', `${source}: the user "${user.name}" has no credentials Berth can use (client certificate, token or basic auth).`);
}

/** True for 127.0.0.0/8 and ::1: the API listens only on the server's own loopback. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}
