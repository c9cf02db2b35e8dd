// STUB: replaced by the work that owns this command.
import type { CliContext } from '../context.js';

export async function run(ctx: CliContext): Promise<number> {
  ctx.stderr.write('not implemented yet\n');
  return 1;
}
