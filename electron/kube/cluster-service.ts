import type { KubeConfig } from '@kubernetes/client-node';
import { ApiError } from '../../shared/api/errors.js';
import type { ClusterList, ClusterStatus, KubeContext, NamespaceList } from '../../shared/model/cluster.js';
import type { EventBus } from '../api/event-bus.js';
import { checkReachability, listNamespaces } from './cluster-api.js';
import type { KubeContextSource } from './context-source.js';

export interface ClusterServiceOptions {
  /** In order of precedence: a context name offered by two sources is the first one's. */
  sources: KubeContextSource[];
  events?: EventBus;
  timeoutMs?: number;
}

/** Every Kubernetes context Berth can use, whatever its source; checks reachability and lists namespaces. */
export class ClusterService {
  private stopWatching?: () => void;

  constructor(private readonly options: ClusterServiceOptions) {}

  async list(): Promise<ClusterList> {
    this.watch();
    // A source that fails (its store unreadable) is a problem to show, not a reason to hide the others' contexts.
    const listings = await Promise.all(this.options.sources.map((s) => s.list().catch((err: unknown) => ({
      contexts: [], files: [], problems: [{ source: s.kind, message: `Contexts from ${s.kind} cannot be listed: ${err instanceof Error ? err.message : String(err)}` }],
    }))));
    const out: ClusterList = { contexts: [], files: [], problems: [] };
    for (const [i, listing] of listings.entries()) {
      const source = this.options.sources[i]!;
      out.files.push(...listing.files);
      out.problems.push(...listing.problems);
      for (const context of listing.contexts) {
        const first = out.contexts.find((c) => c.name === context.name);
        if (first) out.problems.push({ source: source.kind, message: `The context ${context.name} from ${source.kind} is hidden by the one of the same name from ${first.source.kind}.` });
        else out.contexts.push(context);
      }
    }
    return out;
  }

  /** The context, or NOT_FOUND naming the contexts there are, so a typo is easy to see. */
  async require(name: string): Promise<KubeContext> {
    const { contexts } = await this.list();
    const found = contexts.find((c) => c.name === name);
    if (found) return found;
    const known = contexts.map((c) => c.name);
    throw new ApiError('NOT_FOUND', known.length > 0
      ? `There is no Kubernetes context named ${name}. The contexts there are: ${known.join(', ')}.`
      : `There is no Kubernetes context named ${name}, and Berth found none: add a kubeconfig at ~/.kube/config, or list kubeconfig files in $KUBECONFIG.`);
  }

  private async config(name: string): Promise<{ config: KubeConfig; source: KubeContextSource }> {
    for (const source of this.options.sources) {
      const config = await source.config(name);
      if (config) return { config, source };
    }
    await this.require(name);
    throw new ApiError('NOT_FOUND', `The context ${name} disappeared while Berth was reading it; try again.`);
  }

  /** A KubeConfig for the context alone, for deploys. */
  async configFor(name: string): Promise<KubeConfig> {
    return (await this.config(name)).config;
  }

  async check(name: string): Promise<ClusterStatus> {
    const { config, source } = await this.config(name);
    const status = await checkReachability(config, { timeoutMs: this.options.timeoutMs });
    // kubectl runs the plugin again after a 401; the next check here does too.
    if (status.state === 'unauthorised' && status.cause === 'rejected') source.forget?.(name);
    return status;
  }

  async namespaces(name: string): Promise<NamespaceList> {
    return listNamespaces((await this.config(name)).config, { timeoutMs: this.options.timeoutMs });
  }

  /** Started by the first list, so short-lived users (the CLI, most tests) never watch. */
  private watch(): void {
    if (this.stopWatching || !this.options.events) return;
    const events = this.options.events;
    const stops = this.options.sources.map((source) => source.watch(() => events.emit('clusters.changed', { source: source.kind })));
    this.stopWatching = () => stops.forEach((stop) => stop());
  }

  dispose(): void {
    this.stopWatching?.();
  }
}
