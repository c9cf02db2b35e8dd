import path from 'node:path';
import { EventBus } from '../api/event-bus.js';
import type { CliContext } from '../cli/context.js';
import { nodeSecretStore } from '../secrets/node-secret-store.js';
import { resolveDataDir } from '../storage/paths.js';
import { CliPrompter } from './cli-prompter.js';
import { ServerService } from './server-service.js';

/** The ServerService the CLI commands share: $BERTH_HOME, secrets in memory unless BERTH_SECRETS_PASSPHRASE is set, no interactive host-key prompts. */
export function cliServerService(ctx: CliContext, options: { acceptNew?: boolean } = {}): ServerService {
  const dataDir = resolveDataDir(undefined, ctx.env);
  return new ServerService({
    dataDir,
    secrets: nodeSecretStore(dataDir, ctx.env),
    prompter: new CliPrompter({ acceptNew: options.acceptNew ?? false, stdin: ctx.stdin, stderr: ctx.stderr }),
    events: new EventBus(),
    sshDir: ctx.env.HOME ? path.join(ctx.env.HOME, '.ssh') : undefined,
  });
}

/** Lets the process exit once the command is done: stdin is no longer read. */
export function releaseStdin(stdin: NodeJS.ReadableStream): void {
  stdin.pause();
  if ('destroy' in stdin && typeof stdin.destroy === 'function') stdin.destroy();
}
