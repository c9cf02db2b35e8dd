export interface RenderOptions {
  /** Secret values by secret name (the `secret` reference in env). Missing names render masked and are reported. */
  secrets?: Record<string, string>;
  /** Write real secret values instead of the mask; only for output that goes straight to a destination. */
  revealSecrets?: boolean;
  /** Images of the init containers that make Kubernetes pods wait for their dependencies (defaults in kubernetes/ordering.ts). */
  kubernetes?: { waitImage?: string; kubectlImage?: string };
}

export const SECRET_MASK = '********';
