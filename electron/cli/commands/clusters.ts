import { parseArgs } from 'node:util';
import type { ClusterStatus, KubeContext } from '../../../shared/model/cluster.js';
import { ClusterService } from '../../kube/cluster-service.js';
import { KubeconfigSource } from '../../kube/kubeconfig-source.js';
import { ADD_FROM_SERVER_USAGE, addFromServer, cliSshClusters } from '../../kube/ssh-clusters/cli.js';
import { UsageError, type CliContext } from '../context.js';

const USAGE = `clusters list [--no-check]
  clusters check <context>
  ${ADD_FROM_SERVER_USAGE}`;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function statusText(status: ClusterStatus): string {
  if (status.state === 'reachable') return `reachable ${status.version}${status.ready ? '' : ' (not ready)'}`;
  return `${status.state}: ${status.reason}`;
}

/** The user's kubeconfig first, then Berth's clusters on SSH servers; dispose() lets the process exit. */
function clusterService(ctx: CliContext): { clusters: ClusterService; dispose(): Promise<void> } {
  const ssh = cliSshClusters(ctx);
  const clusters = new ClusterService({ sources: [new KubeconfigSource({ env: ctx.env }), ssh.source] });
  return { clusters, dispose: () => ssh.dispose() };
}

function describeContext(c: KubeContext): string {
  return [
    `${c.name}${c.current ? ' (current context)' : ''}`,
    `  cluster:    ${c.cluster}`,
    `  server:     ${c.server || '(not defined)'}`,
    `  user:       ${c.user ? `${c.user} (${c.auth.kind}${c.auth.command ? `: ${c.auth.command}` : ''})` : '(none)'}`,
    `  namespace:  ${c.namespace ?? 'default'}`,
    `  defined in: ${c.source.file ?? c.source.kind}`,
  ].join('\n');
}

export async function run(ctx: CliContext): Promise<number> {
  const [sub, ...rest] = ctx.argv;
  switch (sub) {
    case 'list': {
      const { values } = parseArgs({ args: rest, options: { 'no-check': { type: 'boolean' } } });
      const { clusters, dispose } = clusterService(ctx);
      try {
      const list = await clusters.list();
      for (const problem of list.problems) ctx.stderr.write(`warning: ${problem.message}\n`);
      if (list.contexts.length === 0) {
        ctx.stdout.write(`No Kubernetes contexts in ${list.files.join(', ')}. Add a kubeconfig at ~/.kube/config, or list kubeconfig files in $KUBECONFIG.\n`);
        return 0;
      }
      // Every context is checked at once, each bounded by the check's timeout.
      const statuses = values['no-check'] ? [] : await Promise.all(list.contexts.map((c) => clusters.check(c.name)));
      const rows = list.contexts.map((c, i) => [
        `${c.current ? '*' : ' '} ${c.name}`, c.cluster, c.server || '-', c.namespace ?? 'default',
        c.problem ?? (statuses[i] ? statusText(statuses[i]) : '-'),
      ]);
      ctx.stdout.write(`${table([['  CONTEXT', 'CLUSTER', 'SERVER', 'NAMESPACE', 'STATUS'], ...rows])}\n`);
      return 0;
      } finally {
        await dispose();
      }
    }
    case 'check': {
      if (rest.length !== 1) throw new UsageError('usage: clusters check <context>');
      const { clusters, dispose } = clusterService(ctx);
      try {
      const context = await clusters.require(rest[0]!);
      ctx.stdout.write(`${describeContext(context)}\n`);
      const status = await clusters.check(context.name);
      ctx.stdout.write(`  status:     ${statusText(status)}\n`);
      if (status.state !== 'reachable') return 1;
      const namespaces = await clusters.namespaces(context.name);
      ctx.stdout.write(`  namespaces: ${namespaces.namespaces.join(', ')}${namespaces.reason ? ` (${namespaces.reason})` : ''}\n`);
      return 0;
      } finally {
        await dispose();
      }
    }
    case 'add-from-server':
      return addFromServer({ ...ctx, argv: rest });
    default:
      throw new UsageError(`usage:\n  ${USAGE}`);
  }
}
