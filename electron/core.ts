import path from 'node:path';
import { createRouter, type Router } from './api/router.js';
import { EventBus } from './api/event-bus.js';
import { PromptBroker } from './prompts/prompt-broker.js';
import type { SecretStore } from './secrets/secret-store.js';
import { ServerService } from './servers/server-service.js';
import { serverHandlers } from './servers/handlers.js';
import { detachedTimeoutFromEnv, TerminalManager } from './terminal/terminal-manager.js';
import { terminalHandlers } from './terminal/handlers.js';
import { appHandlers } from './apps/handlers.js';
import { DeployService } from './deploy/deploy-service.js';
import { deployHandlers } from './deploy/handlers.js';
import { containerHandlers } from './deploy/container-actions.js';
import { portForwardHandlers } from './deploy/port-forward-handlers.js';
import { LocalHost } from './local/local-host.js';
import { KubeClient } from './deploy/kubernetes/kube-client.js';
import { ClusterService } from './kube/cluster-service.js';
import { KubeconfigSource } from './kube/kubeconfig-source.js';
import { clusterHandlers } from './kube/handlers.js';
import { SshClusterService } from './kube/ssh-clusters/service.js';
import { SSH_SOURCE_KIND, SshClusterContextSource } from './kube/ssh-clusters/context-source.js';
import { sshClusterDeployOptions } from './deploy/kubernetes/ssh-cluster-kube.js';
import { ApiError } from '../shared/api/errors.js';

export interface CoreOptions {
  dataDir: string;
  host: 'electron' | 'web';
  version: string;
  secrets: SecretStore;
  /** Opens a URL in the user's browser; only http(s) reach it. */
  openExternal?: (url: string) => Promise<void>;
  /** Where deploys read BERTH_SECRET_<NAME> from, and kubeconfig, HOME and SHELL are found; the process environment by default. */
  env?: NodeJS.ProcessEnv;
}

export interface BerthCore {
  readonly router: Router;
  readonly events: EventBus;
  readonly prompts: PromptBroker;
  readonly servers: ServerService;
  readonly terminals: TerminalManager;
  readonly deploys: DeployService;
  readonly clusters: ClusterService;
  dispose(): Promise<void>;
}

/**
 * Builds every service on plain Node. Electron's main process, the web host,
 * the CLI and the tests all start Berth through here.
 */
export function createCore(options: CoreOptions): BerthCore {
  const events = new EventBus();
  const prompts = new PromptBroker(
    (prompt) => events.emit('prompt', prompt),
    (promptId) => events.emit('prompt.closed', { promptId }),
  );
  const servers = new ServerService({ dataDir: options.dataDir, secrets: options.secrets, prompter: prompts, events });
  const terminals = new TerminalManager({ hosts: (id) => servers.host(id), events, detachedTimeoutMs: detachedTimeoutFromEnv(options.env ?? process.env) });
  const deploys = new DeployService({
    dataDir: options.dataDir, secrets: options.secrets, events, version: options.version,
    host: (id) => servers.host(id), local: new LocalHost(), env: options.env ?? process.env,
    kube: async (d) => new KubeClient(await clusters.configFor(d.context), d.context),
    // Clusters on SSH servers: builds imported into their containerd, kubectl over SSH when the tunnel is refused.
    kubeServer: (d) => sshDeploy.kubeServer(d),
    kubeFallback: (d, err) => sshDeploy.kubeFallback(d, err),
  });

  // The kubeconfig is the first source of contexts; Berth's own clusters on SSH servers come after it.
  const sshClusters = new SshClusterService({ dataDir: options.dataDir, secrets: options.secrets, servers });
  const sshSource = new SshClusterContextSource(sshClusters, options.dataDir);
  const sshDeploy = sshClusterDeployOptions(sshClusters, async (context) => (await clusters.require(context)).source.kind === SSH_SOURCE_KIND);
  const clusters = new ClusterService({ sources: [new KubeconfigSource({ env: options.env ?? process.env }), sshSource], events });

  const portForwards = portForwardHandlers({ deploys, dataDir: options.dataDir, events });

  const router = createRouter({
    'system.info': () => ({
      version: options.version,
      dataDir: options.dataDir,
      host: options.host,
      secretStorage: { persistent: options.secrets.persistent, reason: options.secrets.reason },
    }),
    'shell.openExternal': async ({ url }) => {
      const protocol = new URL(url).protocol;
      if (protocol !== 'http:' && protocol !== 'https:') throw new ApiError('INVALID_INPUT', `Berth opens only http and https links, not ${protocol} links.`);
      if (!options.openExternal) throw new ApiError('UNSUPPORTED', 'Opening links is not available here; copy the link instead.');
      // electronegativity: only http(s) gets here (checked above), and main.ts passes guardedOpenExternal, which checks again.
      await options.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK
      return {};
    },
    'secrets.set': async ({ key, value }) => {
      await options.secrets.set(key, value);
      return {};
    },
    ...serverHandlers(servers, prompts),
    ...terminalHandlers(terminals),
    ...deployHandlers(deploys, options.dataDir),
    ...containerHandlers({ deploys, terminals, dataDir: options.dataDir, host: (id) => servers.host(id) }),
    ...portForwards.handlers,
    ...appHandlers({ dataDir: path.join(options.dataDir), secrets: options.secrets, clusters }),
    ...clusterHandlers(clusters, sshClusters),
  });

  return {
    router,
    events,
    prompts,
    servers,
    terminals,
    deploys,
    clusters,
    async dispose() {
      await portForwards.dispose();
      clusters.dispose();
      await deploys.dispose();
      await sshSource.dispose();
      prompts.cancelAll();
      terminals.closeAll();
      await servers.dispose();
    },
  };
}
