export interface RenderOptions {
  /** Secret values by secret name (the `secret` reference in env). Missing names render masked and are reported. */
  secrets?: Record<string, string>;
  /** Write real secret values instead of the mask; only for output that goes straight to a destination. */
  revealSecrets?: boolean;
  /** Images of the init containers that make Kubernetes pods wait for their dependencies (defaults in kubernetes/ordering.ts). */
  kubernetes?: {
    waitImage?: string;
    kubectlImage?: string;
    /**
     * Images a deploy built for services with `build`, by service: the pod
     * runs exactly this ref (the commit's tag) instead of `<registry>/<app>-<service>:<ref>`.
     * `imported`: the image was loaded into the cluster's containerd (an SSH
     * cluster, no registry), so the container gets `imagePullPolicy:
     * IfNotPresent` and the kubelet never tries to pull it.
     */
    builtImages?: Record<string, { ref: string; imported?: boolean }>;
  };
}

export const SECRET_MASK = '********';
