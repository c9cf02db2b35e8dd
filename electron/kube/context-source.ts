import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeContext, KubeconfigProblem } from '../../shared/model/cluster.js';

export interface SourceListing {
  contexts: KubeContext[];
  /** Files this source read, for the empty state and the CLI. */
  files: string[];
  problems: KubeconfigProblem[];
}

/**
 * Where Kubernetes contexts come from. The user's kubeconfig is the first
 * source; Berth's own clusters on SSH servers (reached through a tunnel) are
 * another. Each hands out client-node KubeConfigs, so checking, listing
 * namespaces and deploying work the same whatever the source.
 */
export interface KubeContextSource {
  /** Shown as the context's source kind, e.g. "kubeconfig". */
  readonly kind: string;
  /** The contexts offered now; re-read when what they come from changed. */
  list(): Promise<SourceListing>;
  /**
   * A KubeConfig whose current context is `name` and that holds nothing else,
   * so requests for different contexts can run at once; undefined when this
   * source has no such context.
   */
  config(name: string): Promise<KubeConfig | undefined>;
  /** Drops what is cached for the context, e.g. a plugin's token the server has just rejected. */
  forget?(name: string): void;
  /** Calls `onChange` when the contexts may have changed; returns how to stop. */
  watch(onChange: () => void): () => void;
}
