import type { Cluster, User } from '@kubernetes/client-node';
import type { KubeAuthKind, ReachabilityCause } from '../../shared/model/cluster.js';

/** The `exec` stanza of a kubeconfig user, as client-node keeps it (the YAML as written). */
interface ExecConfig {
  command?: string;
  args?: string[];
  env?: Array<{ name: string; value: string }> | null;
  apiVersion?: string;
  installHint?: string;
  provideClusterInfo?: boolean;
}

const execOf = (user: User | undefined): ExecConfig | undefined => (user?.exec ? (user.exec as ExecConfig) : undefined);

/**
 * client-node's ExecAuth spawns the plugin with this process's environment
 * plus the user's `exec.env` entries, and Node looks the command up on that
 * environment's PATH. So the login shell's PATH goes in as the first entry:
 * the plugin is found where the user's terminal would find it, and a PATH
 * the kubeconfig sets itself still wins. KUBERNETES_EXEC_INFO is what
 * kubectl passes too; some plugins read the API version or cluster from it.
 */
export function withPluginEnvironment(user: User, loginPath: string, cluster?: Cluster): User {
  const exec = execOf(user);
  if (!exec) return user;
  const apiVersion = exec.apiVersion ?? 'client.authentication.k8s.io/v1';
  const clusterInfo = exec.provideClusterInfo && cluster
    ? { cluster: { server: cluster.server, 'certificate-authority-data': cluster.caData, 'insecure-skip-tls-verify': cluster.skipTLSVerify, 'tls-server-name': cluster.tlsServerName, 'proxy-url': cluster.proxyUrl } }
    : {};
  const info = { kind: 'ExecCredential', apiVersion, spec: { interactive: false, ...clusterInfo } };
  return {
    ...user,
    exec: {
      ...exec,
      // An empty PATH would hide every command; without one the plugin gets this process's.
      env: [...(loginPath ? [{ name: 'PATH', value: loginPath }] : []), { name: 'KUBERNETES_EXEC_INFO', value: JSON.stringify(info) }, ...(exec.env ?? [])],
    },
  };
}

type Raw = Record<string, unknown>;
const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** How a kubeconfig user authenticates, from its YAML as written. */
export function authKindOf(rawUserEntry: Raw | undefined): { kind: KubeAuthKind; command?: string } {
  const user = isRecord(rawUserEntry?.user) ? rawUserEntry.user : {};
  if (isRecord(user.exec)) return { kind: 'exec', ...(typeof user.exec.command === 'string' ? { command: user.exec.command } : {}) };
  if (isRecord(user['auth-provider'])) return { kind: user['auth-provider'].name === 'oidc' ? 'oidc' : 'auth-provider' };
  if (user['client-certificate'] || user['client-certificate-data']) return { kind: 'client-certificate' };
  if (user['token-file']) return { kind: 'token-file' };
  if (user.token) return { kind: 'token' };
  if (user.username) return { kind: 'basic' };
  return { kind: 'none' };
}

export interface CredentialFailure {
  cause: ReachabilityCause;
  reason: string;
}

/** Words a failure to get credentials (exec plugin, OIDC refresh, a certificate or token file) for the user. */
export function describeCredentialError(err: unknown, user: User | undefined): CredentialFailure {
  const error = err as NodeJS.ErrnoException & { path?: string };
  const exec = execOf(user);
  const who = user ? ` of user ${user.name}` : '';
  if (exec) {
    const command = exec.command ?? '(none)';
    if (error.code === 'ENOENT' && String(error.syscall ?? '').startsWith('spawn')) {
      const hint = exec.installHint?.trim();
      return {
        cause: 'plugin-missing',
        reason: `The credential plugin ${command}${who} was not found on your login shell's PATH. ${hint || 'Install it, or give its full path as the exec command in your kubeconfig.'}`,
      };
    }
    if (error.code === 'EACCES') return { cause: 'plugin-failed', reason: `The credential plugin ${command}${who} cannot be run: it is not executable.` };
    if (err instanceof SyntaxError) return { cause: 'plugin-failed', reason: `The credential plugin ${command}${who} printed something other than an ExecCredential: ${err.message}` };
    const stderr = (error.message ?? '').trim();
    return { cause: 'plugin-failed', reason: `The credential plugin ${command}${who} failed: ${stderr || 'it exited with an error and printed nothing.'}` };
  }
  if (error.code === 'ENOENT' || error.code === 'EACCES') {
    return { cause: 'config', reason: `A file named in your kubeconfig cannot be read${who}: ${error.path ?? ''} (${error.code}).`.replace(' ()', '') };
  }
  return { cause: 'credentials', reason: `Berth could not get credentials${who}: ${error.message ?? String(err)}` };
}
