import { z } from 'zod';

/**
 * Kubernetes contexts as Berth offers them: from the user's kubeconfig today,
 * from Berth's own clusters reached through SSH later. A context is named by
 * its name alone, so a destination keeps naming the same cluster whichever
 * source lists it.
 */

export const KubeContextName = z.string().min(1).max(253);

/** How the context's user authenticates, as far as the kubeconfig says. */
export const KubeAuthKind = z.enum(['token', 'token-file', 'client-certificate', 'exec', 'oidc', 'auth-provider', 'basic', 'none']);
export type KubeAuthKind = z.infer<typeof KubeAuthKind>;

export const KubeContext = z.object({
  name: KubeContextName,
  cluster: z.string(),
  /** The API server's URL; empty when the context names a cluster no file defines. */
  server: z.string(),
  user: z.string(),
  namespace: z.string().optional(),
  /** The kubeconfig's current-context. Berth's own choice of context is the destination's, never written back. */
  current: z.boolean(),
  source: z.object({
    /** "kubeconfig" for the user's files; other sources add their own kind. */
    kind: z.string(),
    /** The file that defines this context (the first one that does). */
    file: z.string().optional(),
    /** For a cluster added from an SSH server: that server, whose connection reaches it (its name may change). */
    serverId: z.string().optional(),
  }),
  auth: z.object({
    kind: KubeAuthKind,
    /** The exec credential plugin's command, e.g. aws or kubelogin. */
    command: z.string().optional(),
  }),
  /** Why this context cannot work as written, e.g. its cluster is defined nowhere. */
  problem: z.string().optional(),
});
export type KubeContext = z.infer<typeof KubeContext>;

export const KubeconfigProblem = z.object({
  source: z.string(),
  file: z.string().optional(),
  message: z.string(),
});
export type KubeconfigProblem = z.infer<typeof KubeconfigProblem>;

export const ClusterList = z.object({
  contexts: z.array(KubeContext),
  /** The files read, in the order kubectl reads them ($KUBECONFIG, else ~/.kube/config). */
  files: z.array(z.string()),
  /** Files or entries that could not be read; the contexts from the rest are listed as usual. */
  problems: z.array(KubeconfigProblem),
});
export type ClusterList = z.infer<typeof ClusterList>;

/**
 * Why a check did not reach a working API server: network causes make a
 * context offline, credential causes make it unauthorised.
 */
export const ReachabilityCause = z.enum([
  'dns', 'refused', 'tls', 'timeout', 'unreachable', 'reset', 'http', 'config',
  'rejected', 'forbidden', 'plugin-missing', 'plugin-failed', 'credentials', 'other',
]);
export type ReachabilityCause = z.infer<typeof ReachabilityCause>;

const checked = { context: KubeContextName, checkedAt: z.string() };

export const ClusterStatus = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('reachable'),
    ...checked,
    /** The server's gitVersion from /version, e.g. v1.32.1. */
    version: z.string(),
    /** /readyz answered ok (or /healthz where /readyz does not exist). */
    ready: z.boolean(),
  }),
  z.object({ state: z.literal('unauthorised'), ...checked, cause: ReachabilityCause, reason: z.string() }),
  z.object({ state: z.literal('offline'), ...checked, cause: ReachabilityCause, reason: z.string() }),
]);
export type ClusterStatus = z.infer<typeof ClusterStatus>;

export const NamespaceList = z.object({
  context: KubeContextName,
  namespaces: z.array(z.string()),
  /** False when the cluster could not be asked (offline, or the user may not list namespaces): then only the context's own namespace and default are offered, and `reason` says why. */
  complete: z.boolean(),
  reason: z.string().optional(),
});
export type NamespaceList = z.infer<typeof NamespaceList>;
