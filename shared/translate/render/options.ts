export interface RenderOptions {
  /** Secret values by secret name (the `secret` reference in env). Missing names render masked and are reported. */
  secrets?: Record<string, string>;
  /** Write real secret values instead of the mask; only for output that goes straight to a destination. */
  revealSecrets?: boolean;
}

export const SECRET_MASK = '********';
