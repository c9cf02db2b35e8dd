import type { CliCommand, CliContext } from './context.js';
import { UsageError } from './context.js';

const commands: Record<string, { summary: string; load: () => Promise<{ run: CliCommand }> }> = {
  servers: { summary: 'servers list|add|remove|test   manage SSH servers', load: () => import('./commands/servers.js') },
  clusters: { summary: 'clusters list|check <context>   Kubernetes contexts from your kubeconfig, and whether they answer', load: () => import('./commands/clusters.js') },
  exec: { summary: 'exec <server> -- <command> [args...]   run a command on a server', load: () => import('./commands/exec.js') },
  ssh: { summary: 'ssh <server>   interactive shell', load: () => import('./commands/ssh.js') },
  import: { summary: 'import <compose-file> [--name N]   compose file to app definition', load: () => import('./commands/import.js') },
  render: { summary: 'render <app-file> --target compose|kubernetes   print what would be applied', load: () => import('./commands/render.js') },
  deploy: { summary: 'deploy <app-file> (--destination D | --server S | --context C) [--plan] [--yes]   deploy to Docker or Kubernetes', load: () => import('./commands/deploys.js').then((m) => ({ run: m.deploy })) },
  diff: { summary: 'diff <app-file> (--destination D | --context C [--namespace N])   what a Kubernetes deploy would change', load: () => import('./commands/deploys.js').then((m) => ({ run: m.diff })) },
  releases: { summary: 'releases <app> (--destination D | --server S)   releases kept on the server', load: () => import('./commands/deploys.js').then((m) => ({ run: m.releases })) },
  rollback: { summary: 'rollback <app> (--destination D | --server S) [--to ID]   run a kept release again', load: () => import('./commands/deploys.js').then((m) => ({ run: m.rollback })) },
  status: { summary: 'status <app> (--destination D | --server S)   the app\'s containers', load: () => import('./commands/deploys.js').then((m) => ({ run: m.status })) },
  logs: { summary: 'logs <app> (--destination D | --server S) [--service S] [--follow] [--tail N]   container logs', load: () => import('./commands/deploys.js').then((m) => ({ run: m.logs })) },
  'port-forward': { summary: 'port-forward <app> (--destination D | --context C [--namespace N]) (--service S | --pod P) --port P [--local-port L]   a local port to a Kubernetes Service or pod, until Ctrl-C', load: () => import('./commands/port-forward.js') },
  unlock: { summary: 'unlock <app> (--destination D | --server S) [--force]   break a stale deploy lock', load: () => import('./commands/deploys.js').then((m) => ({ run: m.unlock })) },
  secrets: { summary: 'secrets set <app> <NAME>   store an app secret (value from stdin)', load: () => import('./commands/deploys.js').then((m) => ({ run: m.secrets })) },
  validate: { summary: 'validate <file>   check an app definition, compose file or manifests', load: () => import('./commands/validate.js') },
};

function usage(): string {
  return ['Usage: berth <command> [options]', '', 'Commands:', ...Object.values(commands).map((c) => `  ${c.summary}`), '', 'Data lives in $BERTH_HOME when set.'].join('\n');
}

export async function main(argv: string[], io: Partial<CliContext> = {}): Promise<number> {
  const ctx: CliContext = {
    argv: argv.slice(1),
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    stdin: io.stdin ?? process.stdin,
    env: io.env ?? process.env,
  };
  const name = argv[0];
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? ctx.stdout : ctx.stderr).write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    ctx.stderr.write(`berth: unknown command "${name}".\n\n${usage()}\n`);
    return 2;
  }
  try {
    const { run } = await command.load();
    return await run(ctx);
  } catch (err) {
    if (err instanceof UsageError) {
      ctx.stderr.write(`berth ${name}: ${err.message}\n`);
      return 2;
    }
    ctx.stderr.write(`berth ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
