import { ApiError } from '../../shared/api/errors.js';
import type { PartialHandlers } from '../api/router.js';
import type { ClusterService } from './cluster-service.js';
import type { SshClusterService } from './ssh-clusters/service.js';

type ClusterMethods = 'clusters.list' | 'clusters.check' | 'clusters.namespaces' | 'clusters.addFromServer' | 'clusters.removeStored';

export function clusterHandlers(clusters: ClusterService, ssh?: SshClusterService): PartialHandlers<ClusterMethods> {
  const sshOnly = () => {
    if (!ssh) throw new ApiError('UNSUPPORTED', 'Clusters on SSH servers are not available here.');
    return ssh;
  };
  return {
    'clusters.list': () => clusters.list(),
    'clusters.check': ({ context }) => clusters.check(context),
    'clusters.namespaces': ({ context }) => clusters.namespaces(context),
    'clusters.addFromServer': async ({ server }) => {
      const added = await sshOnly().addClusterFromServer(server);
      const reachable = added.reachable.through === 'tunnel';
      return {
        context: added.contextName,
        distribution: added.distribution,
        reachable,
        message: added.reachable.through === 'tunnel'
          ? `Added ${added.contextName}: Kubernetes ${added.reachable.version}, reached through an SSH tunnel.`
          : `Added ${added.contextName}, but its API did not answer through the tunnel: ${added.reachable.error.message}`,
      };
    },
    'clusters.removeStored': async ({ context }) => {
      const service = sshOnly();
      const found = (await service.listStoredClusters()).find((c) => c.contextName === context);
      if (!found) throw new ApiError('NOT_FOUND', `${context} is not a cluster Berth added from a server; contexts from your kubeconfig are removed there.`);
      await service.removeStoredCluster(found.id);
      return {};
    },
  };
}
