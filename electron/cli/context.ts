/** What every CLI command gets: its arguments and where to write. Commands return the exit code. */
export interface CliContext {
  argv: string[];
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

export type CliCommand = (ctx: CliContext) => Promise<number>;

export class UsageError extends Error {}
