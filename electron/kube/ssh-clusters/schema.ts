import { z } from 'zod';
import { KubernetesDistribution, ServerId } from '../../../shared/model/server.js';

/** k3s, k0s or microk8s: the single-node distributions whose admin kubeconfig Berth can read over SSH. */
export const Distribution = KubernetesDistribution;
export type Distribution = KubernetesDistribution;

/** Ids are `<server id>-<distribution>`: one cluster per distribution on a server, re-adding refreshes it. */
export const StoredClusterId = z.string().min(1).max(80).regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes');

/**
 * Where a stored cluster's credentials live: only the secret store's key and
 * their kind are in clusters.json, never the certificate key or token.
 */
export const CredentialsRef = z.object({
  kind: z.enum(['certificate', 'token', 'basic']),
  secretKey: z.string().min(1),
});
export type CredentialsRef = z.infer<typeof CredentialsRef>;

/** The secret part of a cluster's admin kubeconfig, kept only in the secret store (as JSON). */
export const ClusterCredentials = z.discriminatedUnion('kind', [
  /** Base64 PEM, as in a kubeconfig's client-certificate-data and client-key-data. */
  z.object({ kind: z.literal('certificate'), certData: z.string().min(1), keyData: z.string().min(1) }),
  z.object({ kind: z.literal('token'), token: z.string().min(1) }),
  z.object({ kind: z.literal('basic'), username: z.string().min(1), password: z.string().min(1) }),
]);
export type ClusterCredentials = z.infer<typeof ClusterCredentials>;

/** A cluster read from one of the user's servers: everything Berth needs to reach it but the secrets. */
export const StoredCluster = z.object({
  id: StoredClusterId,
  serverId: ServerId,
  distribution: KubernetesDistribution,
  /** The name it has among kubeconfig contexts, e.g. web1-k3s. */
  contextName: z.string().min(1).max(120),
  /** The API address as the server itself sees it (k3s: 127.0.0.1), the far end of the SSH tunnel. */
  apiHost: z.string().min(1).max(253),
  apiPort: z.number().int().min(1).max(65535),
  /** Base64 PEM of the cluster's CA, as in certificate-authority-data; the tunnel's TLS is verified against it. */
  caData: z.string().min(1),
  /** A name in the API server's certificate, set when the certificate does not cover 127.0.0.1 (the tunnel's end). */
  tlsServerName: z.string().min(1).optional(),
  /** The distribution's program as the probe found it (e.g. /snap/bin/microk8s, often missing from a non-login PATH); for its kubectl. */
  program: z.string().min(1).optional(),
  /** The kubeconfig context's namespace, if it had one. */
  namespace: z.string().min(1).optional(),
  credentials: CredentialsRef,
  /** How the kubeconfig was read, e.g. "sudo -n cat /etc/rancher/k3s/k3s.yaml", for messages and re-reads. */
  readWith: z.array(z.string()).min(1),
  addedAt: z.string(),
});
export type StoredCluster = z.infer<typeof StoredCluster>;

export const StoredClusters = z.object({ clusters: z.array(StoredCluster) });
export type StoredClusters = z.infer<typeof StoredClusters>;
