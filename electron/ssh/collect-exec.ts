import { ApiError } from '../../shared/api/errors.js';
import type { ExecChannel, ExecOptions, ExecResult } from '../hosts/host.js';

const DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;

/**
 * Host.exec on top of Host.spawn, shared by SSH servers and this computer:
 * feeds stdin, buffers both outputs up to a limit and waits for the exit.
 */
export async function collectExec(spawned: Promise<ExecChannel>, label: string, options: ExecOptions = {}): Promise<ExecResult> {
  const channel = await spawned;
  const max = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  let total = 0;
  let overflow: ApiError | undefined;
  const collect = (name: 'stdout' | 'stderr') => (chunk: Buffer) => {
    total += chunk.length;
    if (total > max) {
      overflow ??= new ApiError('INTERNAL', `The command on ${label} printed more than ${max} bytes; Berth stopped it. Redirect its output to a file instead.`);
      channel.kill();
      return;
    }
    chunks[name].push(chunk);
  };
  channel.stdout.on('data', collect('stdout'));
  channel.stderr.on('data', collect('stderr'));
  if (options.stdin !== undefined) channel.writeStdin(options.stdin);
  channel.endStdin();
  const status = await channel.done;
  if (overflow) throw overflow;
  return {
    ...status,
    stdout: Buffer.concat(chunks.stdout).toString('utf8'),
    stderr: Buffer.concat(chunks.stderr).toString('utf8'),
  };
}
