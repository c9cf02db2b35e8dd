import { cliServerService, releaseStdin } from '../../servers/cli-services.js';
import { UsageError, type CliContext } from '../context.js';

type Tty = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
type Screen = NodeJS.WritableStream & { columns?: number; rows?: number };

/** An interactive shell: raw terminal, resized on SIGWINCH. */
export async function run(ctx: CliContext): Promise<number> {
  const acceptNew = ctx.argv.includes('--accept-new');
  const names = ctx.argv.filter((a) => a !== '--accept-new');
  // Any other option (--help included) is not a server name.
  if (names.length !== 1 || names[0]!.startsWith('-')) throw new UsageError('usage: ssh <server> [--accept-new]');
  const stdin = ctx.stdin as Tty;
  const stdout = ctx.stdout as Screen;
  const size = () => ({ cols: stdout.columns || 80, rows: stdout.rows || 24 });

  const service = cliServerService(ctx, { acceptNew });
  try {
    const server = await service.find(names[0]!);
    const shell = await (await service.host(server.id)).openShell(size());
    const onResize = () => shell.resize(size());
    const onInput = (chunk: Buffer) => shell.write(chunk);
    process.on('SIGWINCH', onResize);
    if (stdin.isTTY) stdin.setRawMode?.(true);
    stdin.on('data', onInput);
    stdin.resume();
    shell.onData((chunk) => stdout.write(chunk));
    const closed = await new Promise<{ exitCode: number | null; error?: Error }>((resolve) => shell.onClose(resolve));
    process.removeListener('SIGWINCH', onResize);
    stdin.removeListener('data', onInput);
    if (stdin.isTTY) stdin.setRawMode?.(false);
    if (closed.error) throw closed.error;
    return closed.exitCode ?? 255;
  } finally {
    releaseStdin(stdin);
    await service.dispose();
  }
}
