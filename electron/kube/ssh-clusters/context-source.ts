import fs from 'node:fs';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeContext } from '../../../shared/model/cluster.js';
import type { KubeContextSource, SourceListing } from '../context-source.js';
import type { StoredCluster } from './schema.js';
import type { ClusterConnection, SshClusterService } from './service.js';

export const SSH_SOURCE_KIND = 'ssh-server';

const AUTH_KIND = { certificate: 'client-certificate', token: 'token', basic: 'basic' } as const;

function cacheKey(cluster: StoredCluster): string {
  return `${cluster.id}@${cluster.addedAt}`;
}

function describe(cluster: StoredCluster): KubeContext {
  return {
    name: cluster.contextName,
    cluster: cluster.contextName,
    // As the server sees it: Berth reaches it through the SSH tunnel, never directly.
    server: `https://${cluster.apiHost.includes(':') ? `[${cluster.apiHost}]` : cluster.apiHost}:${cluster.apiPort}`,
    user: cluster.contextName,
    ...(cluster.namespace ? { namespace: cluster.namespace } : {}),
    current: false,
    source: { kind: SSH_SOURCE_KIND, serverId: cluster.serverId },
    auth: { kind: AUTH_KIND[cluster.credentials.kind] },
  };
}

/**
 * Stored clusters as a second source of Kubernetes contexts, beside the
 * user's kubeconfig files. Each context's KubeConfig goes through one tunnel
 * per cluster, opened on first use and kept (it reconnects with the SSH
 * connection) until the cluster is removed or the source is disposed.
 */
export class SshClusterContextSource implements KubeContextSource {
  readonly kind = SSH_SOURCE_KIND;
  private readonly open = new Map<string, Promise<ClusterConnection>>();

  constructor(
    private readonly service: SshClusterService,
    /** Where clusters.json lives, for watch(). */
    private readonly dataDir: string,
  ) {}

  async list(): Promise<SourceListing> {
    const clusters = await this.service.listStoredClusters();
    await this.closeRemoved(clusters);
    return { contexts: clusters.map(describe), files: [this.service.store.path], problems: [] };
  }

  /**
   * The context's KubeConfig through its tunnel; undefined when no stored
   * cluster has that name. A tunnel that cannot open (sshd refuses TCP
   * forwarding, the server is down) throws its reason rather than pretending
   * the context does not exist.
   */
  async config(name: string): Promise<KubeConfig | undefined> {
    const cluster = (await this.service.listStoredClusters()).find((c) => c.contextName === name);
    if (!cluster) return undefined;
    await this.closeRemoved([cluster, ...(await this.service.listStoredClusters()).filter((c) => c.id !== cluster.id)]);
    const key = cacheKey(cluster);
    let connection = this.open.get(key);
    if (!connection) {
      connection = this.service.kubeConfigFor(cluster.id);
      this.open.set(key, connection);
      connection.catch(() => this.open.delete(key));
    }
    return (await connection).kubeConfig;
  }

  watch(onChange: () => void): () => void {
    const file = path.join(this.dataDir, 'clusters.json');
    let timer: NodeJS.Timeout | undefined;
    let watcher: fs.FSWatcher | undefined;
    try {
      // The directory, not the file: every write renames a new file into place.
      watcher = fs.watch(this.dataDir, { persistent: false }, (_event, name) => {
        if (name && String(name) !== path.basename(file)) return;
        clearTimeout(timer);
        timer = setTimeout(onChange, 150);
      });
      watcher.on('error', () => watcher?.close());
    } catch {
      // No data directory yet: list() reads clusters.json once it exists.
    }
    return () => {
      clearTimeout(timer);
      watcher?.close();
    };
  }

  /** Closes every tunnel this source opened. */
  async dispose(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((c) => c.then((conn) => conn.close(), () => undefined)));
  }

  /** Tunnels of clusters removed, or added again (a new CA or address), are closed. */
  private async closeRemoved(clusters: StoredCluster[]): Promise<void> {
    const keys = new Set(clusters.map(cacheKey));
    for (const [key, connection] of this.open) {
      if (keys.has(key)) continue;
      this.open.delete(key);
      await connection.then((conn) => conn.close(), () => undefined);
    }
  }
}
