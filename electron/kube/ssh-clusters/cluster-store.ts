import path from 'node:path';
import { ApiError } from '../../../shared/api/errors.js';
import type { SecretStore } from '../../secrets/secret-store.js';
import { DocumentStore } from '../../storage/document-store.js';
import { ClusterCredentials, StoredClusters, type StoredCluster } from './schema.js';

/** The secret store key of a stored cluster's credentials. */
export function credentialsKey(clusterId: string): string {
  return `cluster/${clusterId}/credentials`;
}

/**
 * Stored clusters: the non-secret part in `<dataDir>/clusters.json` (a
 * DocumentStore, so every change is a locked read-modify-write shared with
 * other Berth processes), credentials only in the secret store.
 */
export class ClusterStore {
  private readonly store: DocumentStore<typeof StoredClusters>;

  constructor(
    dataDir: string,
    private readonly secrets: SecretStore,
  ) {
    this.store = new DocumentStore(path.join(dataDir, 'clusters.json'), StoredClusters, {
      version: 1,
      empty: () => ({ clusters: [] }),
      loss: 'the clusters added from servers are then forgotten (add them again with "berth clusters add-from-server")',
    });
  }

  get path(): string {
    return this.store.path;
  }

  async list(): Promise<StoredCluster[]> {
    return (await this.store.read()).clusters;
  }

  async get(id: string): Promise<StoredCluster> {
    const found = (await this.list()).find((c) => c.id === id || c.contextName === id);
    if (!found) throw new ApiError('NOT_FOUND', `There is no stored cluster "${id}". Add one with "berth clusters add-from-server <server>".`);
    return found;
  }

  /** Credentials first, then the record: a record never names credentials that were not stored. */
  async save(cluster: StoredCluster, credentials: ClusterCredentials): Promise<StoredCluster> {
    await this.secrets.set(cluster.credentials.secretKey, JSON.stringify(ClusterCredentials.parse(credentials)));
    await this.store.update((current) => ({ clusters: [...current.clusters.filter((c) => c.id !== cluster.id), cluster] }));
    return cluster;
  }

  /** Updates the non-secret record only (e.g. a new CA after a re-read). */
  async update(cluster: StoredCluster): Promise<void> {
    await this.store.update((current) => ({ clusters: current.clusters.map((c) => (c.id === cluster.id ? cluster : c)) }));
  }

  async remove(id: string): Promise<StoredCluster> {
    let removed: StoredCluster | undefined;
    await this.store.update((current) => {
      removed = current.clusters.find((c) => c.id === id || c.contextName === id);
      if (!removed) throw new ApiError('NOT_FOUND', `There is no stored cluster "${id}".`);
      return { clusters: current.clusters.filter((c) => c !== removed) };
    });
    await this.secrets.delete(removed!.credentials.secretKey);
    return removed!;
  }

  /** The credentials, or undefined when the secret store does not have them (memory-only stores forget them at exit). */
  async credentials(cluster: StoredCluster): Promise<ClusterCredentials | undefined> {
    const text = await this.secrets.get(cluster.credentials.secretKey);
    if (text === undefined) return undefined;
    const parsed = ClusterCredentials.safeParse(safeJson(text));
    if (!parsed.success) throw new ApiError('CORRUPT_FILE', `The stored credentials of cluster ${cluster.id} cannot be read. Add the cluster again with "berth clusters add-from-server ${cluster.serverId}".`);
    return parsed.data;
  }

  async storeCredentials(cluster: StoredCluster, credentials: ClusterCredentials): Promise<void> {
    await this.secrets.set(cluster.credentials.secretKey, JSON.stringify(ClusterCredentials.parse(credentials)));
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
