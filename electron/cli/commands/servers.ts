import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ServerAuth, Server, ServerStatus } from '../../../shared/model/server.js';
import { cliServerService } from '../../servers/cli-services.js';
import { UsageError, type CliContext } from '../context.js';

const USAGE = `servers list
  servers add <name> --host H [--port P] [--user U] [--key FILE] [--password] [--agent]
  servers remove <name>
  servers test <name> [--accept-new]`;

function describeAuth(server: Server): string {
  if (server.kind === 'local') return '-';
  if (server.auth.method === 'key') return `key ${server.auth.keyPath}`;
  return server.auth.method;
}

function address(server: Server): string {
  if (server.kind === 'local') return 'this computer';
  const jumps = server.proxyJump.length ? ` via ${server.proxyJump.join(',')}` : '';
  return `${server.user}@${server.host}:${server.port}${jumps}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

function formatStatus(status: ServerStatus): string {
  const p = status.probe;
  if (!p) return `${status.serverId}: ${status.state}`;
  const gib = p.freeDiskBytes === null ? 'unknown' : `${(p.freeDiskBytes / 2 ** 30).toFixed(1)} GiB`;
  return [
    `${status.serverId}: ${status.state}`,
    `  os:         ${p.os ?? 'unknown'} (${p.arch ?? 'unknown arch'})`,
    `  docker:     ${p.docker ?? 'not installed'}`,
    `  compose:    ${p.compose ? `${p.compose.version} (${p.compose.flavor})` : 'not installed'}`,
    `  kubectl:    ${p.kubectl ?? 'not installed'}`,
    `  kubernetes: ${p.kubernetes.length ? p.kubernetes.join(', ') : 'none found'}`,
    `  free disk:  ${gib}`,
  ].join('\n');
}

function authFrom(values: { key?: string; password?: boolean; agent?: boolean }, env: NodeJS.ProcessEnv): ServerAuth {
  const chosen = [values.key !== undefined, values.password, values.agent].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('choose one of --key FILE, --password or --agent.');
  if (values.key !== undefined) return { method: 'key', keyPath: path.resolve(values.key) };
  if (values.password) return { method: 'password' };
  if (values.agent || env.SSH_AUTH_SOCK) return { method: 'agent' };
  throw new UsageError('say how to log in: --key FILE, --password or --agent (no ssh-agent is running).');
}

export async function run(ctx: CliContext): Promise<number> {
  const [sub, ...rest] = ctx.argv;
  switch (sub) {
    case 'list': {
      const servers = await cliServerService(ctx).list();
      ctx.stdout.write(`${table([['ID', 'NAME', 'ADDRESS', 'AUTH'], ...servers.map((s) => [s.id, s.name, address(s), describeAuth(s)])])}\n`);
      return 0;
    }
    case 'add': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { host: { type: 'string' }, port: { type: 'string' }, user: { type: 'string' }, key: { type: 'string' }, password: { type: 'boolean' }, agent: { type: 'boolean' } },
      });
      const name = positionals[0];
      if (!name || positionals.length > 1) throw new UsageError(`usage: ${USAGE.split('\n')[1]!.trim()}`);
      if (!values.host) throw new UsageError('--host is required.');
      const port = values.port === undefined ? 22 : Number(values.port);
      if (!Number.isInteger(port)) throw new UsageError(`--port must be a number, not "${values.port}".`);
      const server = await cliServerService(ctx).add({ name, host: values.host, port, user: values.user ?? os.userInfo().username, auth: authFrom(values, ctx.env), proxyJump: [] });
      ctx.stdout.write(`Added ${server.id} (${address(server)}). Check it with: berth servers test ${server.id}\n`);
      return 0;
    }
    case 'remove': {
      if (rest.length !== 1) throw new UsageError('usage: servers remove <name>');
      const service = cliServerService(ctx);
      const server = await service.find(rest[0]!);
      await service.remove(server.id);
      ctx.stdout.write(`Removed ${server.id}.\n`);
      return 0;
    }
    case 'test': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { 'accept-new': { type: 'boolean' } } });
      if (positionals.length !== 1) throw new UsageError('usage: servers test <name> [--accept-new]');
      const service = cliServerService(ctx, { acceptNew: values['accept-new'] ?? false });
      try {
        const server = await service.find(positionals[0]!);
        ctx.stdout.write(`${formatStatus(await service.test(server.id))}\n`);
        return 0;
      } finally {
        await service.dispose();
      }
    }
    default:
      throw new UsageError(`usage:\n  ${USAGE}`);
  }
}
