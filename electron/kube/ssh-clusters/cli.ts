import { parseArgs } from 'node:util';
import { UsageError, type CliContext } from '../../cli/context.js';
import { cliServerService } from '../../servers/cli-services.js';
import { resolveDataDir } from '../../storage/paths.js';
import { SshClusterContextSource } from './context-source.js';
import { Distribution } from './schema.js';
import { SshClusterService } from './service.js';

export const ADD_FROM_SERVER_USAGE = 'clusters add-from-server <server> [--distribution k3s|k0s|microk8s] [--accept-new]';

/**
 * `berth clusters add-from-server <server>`: reads the cluster's admin
 * kubeconfig over SSH, stores it (credentials in the secret store only) and
 * checks its API through the tunnel. ctx.argv holds what follows
 * "add-from-server".
 */
export async function addFromServer(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: ctx.argv,
    allowPositionals: true,
    options: { distribution: { type: 'string' }, 'accept-new': { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError(`usage: ${ADD_FROM_SERVER_USAGE}`);
  const distribution = values.distribution === undefined ? undefined : Distribution.safeParse(values.distribution);
  if (distribution && !distribution.success) throw new UsageError(`--distribution must be k3s, k0s or microk8s, not "${values.distribution}".`);

  const { service, servers, dispose } = cliSshClusters(ctx, { acceptNew: values['accept-new'] ?? false });
  const secrets = servers.options.secrets;
  try {
    const added = await service.addClusterFromServer(positionals[0]!, distribution ? { distribution: distribution.data } : {});
    const lines = [
      `Added ${added.contextName} (${added.distribution} on ${added.serverId}; its API is ${added.apiHost}:${added.apiPort} as the server sees it, read with \`${added.readWith.join(' ')}\`).`,
      added.reachable.through === 'tunnel'
        ? `  Reached through an SSH tunnel: Kubernetes ${added.reachable.version}. Port ${added.apiPort} need not be open.`
        : `  Not reachable through an SSH tunnel: ${added.reachable.error.message}`,
      secrets.persistent
        ? '  Its credentials are in the encrypted secret store; clusters.json holds no secret.'
        : `  Its credentials are not stored (${secrets.reason ?? 'the secret store keeps them in memory only'}); Berth reads them again from the server when it needs them.`,
    ];
    ctx.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await dispose();
  }
}

/**
 * The stored clusters for any CLI command: the service, and the context
 * source to put beside KubeconfigSource (`berth clusters list` and deploys).
 * dispose() closes the tunnels and SSH connections so the process can exit.
 */
export function cliSshClusters(ctx: CliContext, options: { acceptNew?: boolean } = {}) {
  const dataDir = resolveDataDir(undefined, ctx.env);
  const servers = cliServerService(ctx, options);
  const service = new SshClusterService({ dataDir, secrets: servers.options.secrets, servers });
  const source = new SshClusterContextSource(service, dataDir);
  return {
    service,
    source,
    servers,
    async dispose() {
      await source.dispose();
      await servers.dispose();
    },
  };
}
