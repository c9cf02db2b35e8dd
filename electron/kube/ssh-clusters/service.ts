import os from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { VersionApi } from '@kubernetes/client-node';
import { ApiError, type ApiErrorShape } from '../../../shared/api/errors.js';
import type { Server } from '../../../shared/model/server.js';
import type { Host } from '../../hosts/host.js';
import type { SecretStore } from '../../secrets/secret-store.js';
import { probeHost } from '../../servers/probe.js';
import { slugify } from '../../servers/server-ids.js';
import { ClusterStore, credentialsKey } from './cluster-store.js';
import { chooseTlsServerName, peerCertificateNames, tunnelKubeConfig } from './kube-config.js';
import { parseAdminKubeconfig, type ParsedKubeconfig } from './parse-kubeconfig.js';
import { readAdminKubeconfig } from './read-kubeconfig.js';
import { RemoteKubectl } from './remote-kubectl.js';
import type { ClusterCredentials, Distribution, StoredCluster } from './schema.js';
import { SshTunnel } from './tunnel.js';

/** What the service needs of ServerService (which satisfies it as is). */
export interface ClusterServers {
  /** By id or by name. */
  find(idOrName: string): Promise<Server>;
  get(id: string): Promise<Server>;
  host(id: string): Promise<Host>;
}

export interface SshClusterServiceOptions {
  dataDir: string;
  secrets: SecretStore;
  servers: ClusterServers;
}

/** A stored cluster reached through its tunnel; close() releases the local listener. */
export interface ClusterConnection {
  cluster: StoredCluster;
  kubeConfig: KubeConfig;
  /** The tunnel's local port on 127.0.0.1, e.g. for a kubectl the user runs. */
  port: number;
  tunnel: SshTunnel;
  close(): Promise<void>;
}

/** The result of adding: the stored record, and whether its API answered through the tunnel. */
export type AddedCluster = StoredCluster & {
  reachable: { through: 'tunnel'; version: string } | { through: 'none'; error: ApiErrorShape };
};

/**
 * A stored cluster as a kubeconfig context, for the Clusters page and the
 * kube-context sources beside the user's kubeconfig files.
 */
export interface SshClusterContext {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
  source: 'ssh-server';
  clusterId: string;
  serverId: string;
  distribution: Distribution;
}

/**
 * Clusters on the user's SSH servers (k3s, k0s, microk8s): read their admin
 * kubeconfig over SSH, keep its credentials in the secret store and the rest
 * in clusters.json, and reach the API through an SSH tunnel so port 6443
 * never has to be open.
 */
export class SshClusterService {
  readonly store: ClusterStore;

  constructor(private readonly options: SshClusterServiceOptions) {
    this.store = new ClusterStore(options.dataDir, options.secrets);
  }

  /**
   * Probes the server for a distribution (or takes the one given), reads its
   * admin kubeconfig (sudo -n where needed), stores it, and checks the API
   * through the tunnel. A server whose sshd refuses TCP forwarding still gets
   * its cluster stored (RemoteKubectl can use it); `reachable` says why not.
   */
  async addClusterFromServer(serverIdOrName: string, opts: { distribution?: Distribution; signal?: AbortSignal } = {}): Promise<AddedCluster> {
    const server = await this.options.servers.find(serverIdOrName);
    const host = await this.options.servers.host(server.id);
    const { distribution, program } = await this.detect(server, host, opts.distribution);
    const { parsed, readWith } = await this.read(server, host, distribution, program, opts.signal);

    const id = `${server.id}-${distribution}`;
    const others = (await this.store.list()).filter((c) => c.id !== id);
    const preferred = `${slugify(server.name)}-${distribution}`;
    const contextName = others.some((c) => c.contextName === preferred) ? id : preferred;
    let cluster: StoredCluster = {
      id,
      serverId: server.id,
      distribution,
      contextName,
      apiHost: parsed.apiHost,
      apiPort: parsed.apiPort,
      caData: parsed.caData,
      ...(parsed.tlsServerName ? { tlsServerName: parsed.tlsServerName } : {}),
      ...(program ? { program } : {}),
      ...(parsed.namespace ? { namespace: parsed.namespace } : {}),
      credentials: { kind: parsed.credentials.kind, secretKey: credentialsKey(id) },
      readWith,
      addedAt: new Date().toISOString(),
    };

    let reachable: AddedCluster['reachable'];
    const tunnel = await this.openTunnel(cluster, host);
    try {
      await tunnel.check();
      if (!cluster.tlsServerName) {
        const name = chooseTlsServerName(await peerCertificateNames(tunnel.port, cluster.caData), cluster.apiHost);
        if (name) cluster = { ...cluster, tlsServerName: name };
      }
      const version = await tunnelKubeConfig(cluster, parsed.credentials, tunnel.port).makeApiClient(VersionApi).getCode().then(
        (v) => v.gitVersion,
        (err: unknown) => {
          // client-node's ApiException carries the HTTP status as `code`.
          const status = (err as { code?: unknown }).code;
          const refused = status === 401 || status === 403;
          throw new ApiError(refused ? 'AUTH_FAILED' : 'UNAVAILABLE', `The API server of ${distribution} on ${server.name} answered through the tunnel, but ${refused ? "refused the kubeconfig's credentials" : 'not /version'}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
        },
      );
      reachable = { through: 'tunnel', version };
    } catch (err) {
      const error = ApiError.from(err);
      // Forwarding refused or the API down: the cluster is still worth keeping. A certificate that fails verification is not.
      if (error.code === 'HOST_KEY_REJECTED') throw error;
      reachable = { through: 'none', error: error.toJSON() };
    } finally {
      await tunnel.close();
    }
    await this.store.save(cluster, parsed.credentials);
    return { ...cluster, reachable };
  }

  listStoredClusters(): Promise<StoredCluster[]> {
    return this.store.list();
  }

  /** Forgets the cluster and deletes its credentials from the secret store. */
  async removeStoredCluster(id: string): Promise<void> {
    await this.store.remove(id);
  }

  /** Every stored cluster as a context, named e.g. web1-k3s. */
  async contexts(): Promise<SshClusterContext[]> {
    return (await this.store.list()).map((c) => ({
      name: c.contextName,
      cluster: c.contextName,
      user: c.contextName,
      ...(c.namespace ? { namespace: c.namespace } : {}),
      source: 'ssh-server',
      clusterId: c.id,
      serverId: c.serverId,
      distribution: c.distribution,
    }));
  }

  /**
   * A KubeConfig for the cluster through a new tunnel on 127.0.0.1. The
   * tunnel lives until close(); it survives the SSH connection dropping, as
   * each new socket asks the server's pooled connection afresh.
   */
  async kubeConfigFor(idOrContext: string): Promise<ClusterConnection> {
    let cluster = await this.store.get(idOrContext);
    const host = await this.options.servers.host(cluster.serverId);
    let credentials = await this.store.credentials(cluster);
    if (!credentials) ({ cluster, credentials } = await this.reread(cluster, host));
    const tunnel = await this.openTunnel(cluster, host);
    try {
      await tunnel.check();
    } catch (err) {
      await tunnel.close();
      throw err;
    }
    return { cluster, kubeConfig: tunnelKubeConfig(cluster, credentials, tunnel.port), port: tunnel.port, tunnel, close: () => tunnel.close() };
  }

  /**
   * The stored cluster a context (or id) names and its server, or undefined
   * when it is not one of these clusters: deploys build images there and
   * import them into the cluster's containerd.
   */
  async serverOf(idOrContext: string): Promise<{ cluster: StoredCluster; host: Host } | undefined> {
    const cluster = (await this.store.list()).find((c) => c.id === idOrContext || c.contextName === idOrContext);
    return cluster ? { cluster, host: await this.options.servers.host(cluster.serverId) } : undefined;
  }

  /** Whether kubeConfigFor failed because the server's sshd refuses TCP forwarding: then only remoteKubectl reaches the cluster. */
  static forwardingRefused(err: unknown): boolean {
    return err instanceof ApiError && err.code === 'UNSUPPORTED' && /AllowTcpForwarding no/.test(err.message);
  }

  /** kubectl on the cluster's server over SSH, for clusters only the server can reach. */
  async remoteKubectl(idOrContext: string): Promise<RemoteKubectl> {
    const cluster = await this.store.get(idOrContext);
    return new RemoteKubectl({
      host: await this.options.servers.host(cluster.serverId),
      command: [cluster.program ?? cluster.distribution, 'kubectl'],
      // The admin kubeconfig needed sudo to read, so the distribution's kubectl (which reads the same file) needs it too.
      sudo: cluster.readWith[0] === 'sudo',
    });
  }

  /** The distribution (the one asked for, else the only one the probe found) and where its program is. */
  private async detect(server: Server, host: Host, wanted?: Distribution): Promise<{ distribution: Distribution; program?: string }> {
    const probe = await probeHost(host);
    const programOf = (d: Distribution) => probe.kubernetesFound?.find((f) => f.distribution === d)?.binary ?? undefined;
    if (wanted) return { distribution: wanted, program: programOf(wanted) };
    const found = probe.kubernetes;
    if (found.length === 1) return { distribution: found[0]!, program: programOf(found[0]!) };
    if (found.length === 0) {
      throw new ApiError('NOT_FOUND', `${server.name} runs no k3s, k0s or microk8s that Berth can find (it looked for their programs on PATH, in /usr/local/bin, /usr/bin and /snap/bin, and for their admin kubeconfigs). Install one, or add a cluster from your own kubeconfig instead.`);
    }
    throw new ApiError('INVALID_INPUT', `${server.name} runs ${found.join(' and ')}; say which cluster to add (--distribution ${found.join('|')}).`);
  }

  private async read(server: Server, host: Host, distribution: Distribution, program: string | undefined, signal?: AbortSignal): Promise<{ parsed: ParsedKubeconfig; readWith: string[] }> {
    const user = server.kind === 'ssh' ? server.user : os.userInfo().username;
    const read = await readAdminKubeconfig(host, distribution, { user, label: server.name, ...(program ? { program } : {}) }, signal);
    return { parsed: parseAdminKubeconfig(read.text, `${distribution}'s kubeconfig on ${server.name} (${read.argv.join(' ')})`), readWith: read.argv };
  }

  /**
   * The secret store kept no credentials (memory-only stores forget them at
   * exit): read them again from the server, over the same verified SSH
   * connection that first gave them, and keep them for this run.
   */
  private async reread(cluster: StoredCluster, host: Host): Promise<{ cluster: StoredCluster; credentials: ClusterCredentials }> {
    const server = await this.options.servers.get(cluster.serverId);
    const { parsed } = await this.read(server, host, cluster.distribution, cluster.program);
    let updated = cluster;
    if (parsed.caData !== cluster.caData || parsed.apiHost !== cluster.apiHost || parsed.apiPort !== cluster.apiPort || parsed.credentials.kind !== cluster.credentials.kind) {
      // The cluster was reinstalled: its new kubeconfig came over the same host-key-verified connection.
      updated = { ...cluster, caData: parsed.caData, apiHost: parsed.apiHost, apiPort: parsed.apiPort, credentials: { ...cluster.credentials, kind: parsed.credentials.kind } };
      await this.store.update(updated);
    }
    await this.store.storeCredentials(updated, parsed.credentials);
    return { cluster: updated, credentials: parsed.credentials };
  }

  private openTunnel(cluster: StoredCluster, host: Host): Promise<SshTunnel> {
    return SshTunnel.open({ dial: () => host.connectTcp(cluster.apiHost, cluster.apiPort), label: `${cluster.apiHost}:${cluster.apiPort} on ${host.label}` });
  }
}
