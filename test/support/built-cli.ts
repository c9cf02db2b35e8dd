import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { builtCliState } from '../../bin/built-cli.mjs';

const repo = path.resolve(import.meta.dirname, '../..');

/** bin/berth.mjs; runs out/cli when it is up to date, which ensureBuiltCli makes sure of. */
export const BERTH_BIN = path.join(repo, 'bin/berth.mjs');
/** The start of the line bin/berth.mjs prints when it falls back to the TypeScript sources. */
export const SOURCE_FALLBACK_NOTICE = 'berth: running from source';

/**
 * Builds the CLI if the sources changed since the last build (as `npm install`
 * does through `prepare`), so the CLI tests exercise what users run. Test
 * files calling it at once take turns on the build's lock.
 */
export async function ensureBuiltCli(): Promise<void> {
  if (builtCliState(repo).fresh) return;
  const build = spawnSync(process.execPath, [path.join(repo, 'scripts/build-cli.mjs'), '--if-stale', '--quiet'], { cwd: repo, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`building the CLI failed:\n${build.stdout}${build.stderr}`);
  const state = builtCliState(repo);
  if (!state.fresh) throw new Error(`the CLI build is stale right after building: ${state.reason}`);
}
