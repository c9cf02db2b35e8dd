import {
  CoreV1Api, Health, HttpMethod, Observable, RequestContext, VersionApi,
  type ConfigurationOptions, type KubeConfig, type ObservableMiddleware,
} from '@kubernetes/client-node';
import type { ClusterStatus, NamespaceList } from '../../shared/model/cluster.js';
import { describeCredentialError } from './credentials.js';
import { describeRequestError, type RequestFailure } from './request-errors.js';

export const DEFAULT_CHECK_TIMEOUT_MS = 8000;

/**
 * The generated API clients take no signal; a request middleware sets one on
 * the request, which undici's fetch then honours. (The object-parameter
 * clients run observable middleware, hence Observable.)
 */
function withSignal(signal: AbortSignal): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre: (context) => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

class Deadline extends Error {}

/** Rejects with Deadline when `ms` pass first; what it waited for keeps running (a plugin may be waiting for a browser sign-in). */
function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Deadline()), ms)))]).finally(() => clearTimeout(timer));
}

type Failure = RequestFailure | { state: 'offline'; cause: 'config'; reason: string };

/**
 * One credential request per context at a time: a check or a namespace list
 * made while a plugin still runs (kubelogin waiting for a browser sign-in)
 * waits for that run instead of starting the plugin again.
 */
const pendingCredentials = new WeakMap<KubeConfig, Promise<void>>();

function credentials(config: KubeConfig, server: string): Promise<void> {
  let pending = pendingCredentials.get(config);
  if (!pending) {
    pending = config.applySecurityAuthentication(new RequestContext(`${server}/version`, HttpMethod.GET)).finally(() => pendingCredentials.delete(config));
    pendingCredentials.set(config, pending);
  }
  return pending;
}

/**
 * Credentials first, on their own: a missing exec plugin or an unreadable
 * certificate is then reported as such, not as a network error, and a
 * plugin that hangs is bounded by the same deadline as the requests.
 */
async function authenticate(config: KubeConfig, deadlineMs: number): Promise<Failure | undefined> {
  const cluster = config.getCurrentCluster();
  const context = config.getContextObject(config.getCurrentContext());
  if (!cluster) return { state: 'offline', cause: 'config', reason: `The context names the cluster ${context?.cluster ?? '(none)'}, which no kubeconfig file defines.` };
  if (context?.user && !config.getCurrentUser()) return { state: 'offline', cause: 'config', reason: `The context names the user ${context.user}, which no kubeconfig file defines.` };
  try {
    await within(credentials(config, cluster.server), deadlineMs);
    return undefined;
  } catch (err) {
    if (err instanceof Deadline) {
      const plugin = (config.getCurrentUser()?.exec as { command?: string } | undefined)?.command;
      return {
        state: 'offline', cause: 'timeout',
        reason: plugin
          ? `Timed out after ${Math.round(deadlineMs / 1000)} s waiting for the credential plugin ${plugin} (it may be waiting for you to sign in). Check again once it is done.`
          : `Timed out after ${Math.round(deadlineMs / 1000)} s getting credentials.`,
      };
    }
    if (err instanceof Error && /HTTP protocol is not allowed/.test(err.message)) {
      return { state: 'offline', cause: 'config', reason: `${cluster.server} is plain http: Berth talks to such a server only when its cluster entry sets insecure-skip-tls-verify: true. Use its https address.` };
    }
    const failure = describeCredentialError(err, config.getCurrentUser() ?? undefined);
    return { state: failure.cause === 'config' ? 'offline' : 'unauthorised', ...failure };
  }
}

/** /version for reachability and the server's version, then /readyz (client-node falls back to /healthz). */
export async function checkReachability(config: KubeConfig, options: { timeoutMs?: number; now?: () => Date } = {}): Promise<ClusterStatus> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const started = Date.now();
  const base = { context: config.getCurrentContext(), checkedAt: (options.now?.() ?? new Date()).toISOString() };
  const failed = await authenticate(config, timeoutMs);
  if (failed) return { ...base, ...failed };
  const server = config.getCurrentCluster()!.server;
  const signal = AbortSignal.timeout(Math.max(1, timeoutMs - (Date.now() - started)));
  let version: string;
  try {
    const info = await config.makeApiClient(VersionApi).getCode({}, withSignal(signal));
    version = info.gitVersion;
  } catch (err) {
    return { ...base, ...describeRequestError(err, server, '/version', timeoutMs) };
  }
  let ready = false;
  try {
    ready = await new Health(config).readyz({ signal });
  } catch {
    // Reachable with a version, just not ready: that is what `ready: false` says.
  }
  return { ...base, state: 'reachable', version, ready };
}

/**
 * The cluster's namespaces, sorted. When it cannot be asked (offline, or the
 * user may not list namespaces, common for namespace-scoped accounts), the
 * context's own namespace and default are offered with the reason.
 */
export async function listNamespaces(config: KubeConfig, options: { timeoutMs?: number } = {}): Promise<NamespaceList> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const name = config.getCurrentContext();
  const own = config.getContextObject(name)?.namespace;
  const fallback = (reason: string): NamespaceList => ({ context: name, namespaces: [...new Set([own ?? 'default', 'default'])], complete: false, reason });
  const failed = await authenticate(config, timeoutMs);
  if (failed) return fallback(failed.reason);
  try {
    const list = await config.makeApiClient(CoreV1Api).listNamespace({}, withSignal(AbortSignal.timeout(timeoutMs)));
    const names = list.items.map((n) => n.metadata?.name).filter((n): n is string => !!n);
    return { context: name, namespaces: [...new Set(names)].sort(), complete: true };
  } catch (err) {
    return fallback(describeRequestError(err, config.getCurrentCluster()!.server, 'listing namespaces', timeoutMs).reason);
  }
}
