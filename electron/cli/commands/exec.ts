import os from 'node:os';
import { cliServerService, releaseStdin } from '../../servers/cli-services.js';
import { UsageError, type CliContext } from '../context.js';

const USAGE = 'usage: exec <server> [--accept-new] -- <command> [args...]';

/** Like ssh's: the remote status, 128+n when it died of signal n, 255 when it is unknown. */
function exitStatus(done: { exitCode: number | null; signal?: string }): number {
  if (done.exitCode !== null) return done.exitCode;
  const number = done.signal ? os.constants.signals[`SIG${done.signal}` as keyof typeof os.constants.signals] : undefined;
  return number ? 128 + number : 255;
}

export async function run(ctx: CliContext): Promise<number> {
  const separator = ctx.argv.indexOf('--');
  if (separator < 0) throw new UsageError(USAGE);
  const before = ctx.argv.slice(0, separator);
  const argv = ctx.argv.slice(separator + 1);
  const acceptNew = before.includes('--accept-new');
  const names = before.filter((a) => a !== '--accept-new');
  if (names.length !== 1 || argv.length === 0) throw new UsageError(USAGE);

  const service = cliServerService(ctx, { acceptNew });
  const stdin = ctx.stdin as NodeJS.ReadableStream & { isTTY?: boolean };
  try {
    const server = await service.find(names[0]!);
    const channel = await (await service.host(server.id)).spawn(argv);
    channel.stdout.on('data', (chunk: Buffer) => ctx.stdout.write(chunk));
    channel.stderr.on('data', (chunk: Buffer) => ctx.stderr.write(chunk));
    // Piped input is forwarded; a terminal is not, as with `kubectl exec` without -i.
    if (stdin.isTTY) channel.endStdin();
    else {
      stdin.on('data', (chunk: Buffer) => channel.writeStdin(chunk));
      stdin.on('end', () => channel.endStdin());
    }
    return exitStatus(await channel.done);
  } finally {
    if (!stdin.isTTY) releaseStdin(stdin);
    await service.dispose();
  }
}
