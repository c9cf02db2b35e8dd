import type { KubernetesDestination } from '../../../shared/model/app.js';
import { SshClusterService } from '../../kube/ssh-clusters/service.js';
import type { KubeApi } from './kube-api.js';
import type { KubeServer } from './kube-builds.js';
import { RemoteKubeApi } from './remote-kube-api.js';

/**
 * What deploys to a cluster on one of the user's SSH servers add to
 * DeployServiceOptions: the server to build and import images on
 * (kubeServer), and kubectl over SSH when the server's sshd refuses the
 * tunnel (kubeFallback).
 */
export function sshClusterDeployOptions(
  ssh: SshClusterService,
  /** Whether the context Berth uses under that name is the stored cluster's (a kubeconfig context of the same name hides it). */
  isSshContext: (context: string) => Promise<boolean> = async () => true,
): {
  kubeServer(destination: KubernetesDestination): Promise<KubeServer | undefined>;
  kubeFallback(destination: KubernetesDestination, error: unknown): Promise<KubeApi | undefined>;
} {
  return {
    async kubeServer(destination) {
      const found = await ssh.serverOf(destination.context);
      if (found && !(await isSshContext(destination.context))) return undefined;
      if (!found) return undefined;
      return { host: found.host, distribution: found.cluster.distribution, ...(found.cluster.program ? { program: found.cluster.program } : {}) };
    },
    async kubeFallback(destination, error) {
      if (!SshClusterService.forwardingRefused(error)) return undefined;
      const found = await ssh.serverOf(destination.context);
      if (!found || !(await isSshContext(destination.context))) return undefined;
      return new RemoteKubeApi(await ssh.remoteKubectl(found.cluster.id), `${destination.context} (kubectl on ${found.host.label})`);
    },
  };
}
