import { z } from 'zod';

/** "This computer": built in, reached through a local shell instead of SSH. */
export const LOCAL_SERVER_ID = 'local';

export const ServerId = z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes');

export const ServerAuth = z.discriminatedUnion('method', [
  /** Private key file; an encrypted key's passphrase is asked for, or read from the secret store. */
  z.object({ method: z.literal('key'), keyPath: z.string().min(1) }),
  /** ssh-agent: SSH_AUTH_SOCK, the Windows OpenSSH pipe or Pageant when `socket` is unset. */
  z.object({ method: z.literal('agent'), socket: z.string().min(1).optional() }),
  /** Password, asked for at connect time or read from the secret store. */
  z.object({ method: z.literal('password') }),
]);
export type ServerAuth = z.infer<typeof ServerAuth>;

const Hostname = z.string().min(1).max(253).regex(/^[^\s'"`;&|<>$\\]+$/, 'a host name or address without spaces or shell characters');
const Username = z.string().min(1).max(64).regex(/^[A-Za-z0-9._][A-Za-z0-9._-]*\$?$/, 'a valid user name');

export const SshServer = z.object({
  kind: z.literal('ssh'),
  id: ServerId,
  name: z.string().min(1).max(100),
  host: Hostname,
  port: z.number().int().min(1).max(65535).default(22),
  user: Username,
  auth: ServerAuth,
  /** ProxyJump chain: ids of other servers, first hop first (each hop's host key is checked). */
  proxyJump: z.array(ServerId).default([]),
});
export type SshServer = z.infer<typeof SshServer>;

/** How a server's row and the palette show an SSH server's address: user@host, with the port unless it is 22. */
export const sshAddress = (s: Pick<SshServer, 'user' | 'host' | 'port'>) => `${s.user}@${s.host}${s.port === 22 ? '' : `:${s.port}`}`;

export const LocalServer = z.object({
  kind: z.literal('local'),
  id: z.literal(LOCAL_SERVER_ID),
  name: z.string(),
});
export type LocalServer = z.infer<typeof LocalServer>;

export const Server = z.discriminatedUnion('kind', [SshServer, LocalServer]);
export type Server = z.infer<typeof Server>;

/** What the user fills in to add a server; the id is derived from the name when absent. */
export const ServerInput = SshServer.omit({ kind: true, id: true }).extend({ id: ServerId.optional() });
export type ServerInput = z.input<typeof ServerInput>;

export const KubernetesDistribution = z.enum(['k3s', 'k0s', 'microk8s']);
export type KubernetesDistribution = z.infer<typeof KubernetesDistribution>;

/** One single-node Kubernetes distribution the probe found, with what adding its cluster needs. */
export const KubernetesFound = z.object({
  distribution: KubernetesDistribution,
  /** Its program, as found on PATH or at its usual install path (/snap/bin is missing from many non-login PATHs); null when only its kubeconfig was seen. */
  binary: z.string().nullable(),
  /** Its admin kubeconfig at the usual path, and whether the SSH user can read it without sudo; null when not visible to that user. */
  kubeconfig: z.object({ path: z.string(), readable: z.boolean() }).nullable(),
});
export type KubernetesFound = z.infer<typeof KubernetesFound>;

export const ProbeResult = z.object({
  os: z.string().nullable(),
  arch: z.string().nullable(),
  /** The Docker daemon's (server) version; null when Docker is not installed or its daemon did not answer. */
  docker: z.string().nullable(),
  /** The docker CLI's version, when the program is installed. */
  dockerClient: z.string().nullable().optional(),
  /** Why the daemon did not answer although the CLI is installed ("Cannot connect to the Docker daemon…"). */
  dockerError: z.string().optional(),
  compose: z.object({ flavor: z.enum(['plugin', 'standalone']), version: z.string() }).nullable(),
  kubectl: z.string().nullable(),
  kubernetes: z.array(KubernetesDistribution),
  /** Details of each distribution in `kubernetes`; absent in results of probes older than these details. */
  kubernetesFound: z.array(KubernetesFound).optional(),
  freeDiskBytes: z.number().nullable(),
  probedAt: z.string(),
});
export type ProbeResult = z.infer<typeof ProbeResult>;

/**
 * Whether Docker runs where a probe looked. Only the daemon's version means it runs; an installed CLI, or an error
 * from the daemon, means installed but not answering (stopped, or no access to its socket).
 */
export function dockerState(probe: ProbeResult): 'running' | 'not-answering' | 'missing' {
  if (probe.docker) return 'running';
  return probe.dockerClient || probe.dockerError ? 'not-answering' : 'missing';
}

export const ConnectionState = z.enum(['idle', 'connecting', 'connected', 'error']);
export type ConnectionState = z.infer<typeof ConnectionState>;

export const ServerStatus = z.object({
  serverId: z.string(),
  state: ConnectionState,
  error: z.string().optional(),
  probe: ProbeResult.optional(),
});
export type ServerStatus = z.infer<typeof ServerStatus>;

/** A host found in ~/.ssh/config, offered for import. */
export const SshConfigCandidate = z.object({
  alias: z.string(),
  host: z.string(),
  port: z.number().int(),
  user: z.string(),
  identityFile: z.string().optional(),
  proxyJump: z.array(z.string()).default([]),
});
export type SshConfigCandidate = z.infer<typeof SshConfigCandidate>;
