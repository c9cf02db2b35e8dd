import { spawn, spawnSync } from 'node:child_process';
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

/** The two-service app whose render the CLI start-time test and benchmark time. */
export const TWO_SERVICE_APP = `apiVersion: berth.dev/v1
kind: App
name: shop
services:
  web:
    image: nginx:1
    ports: [{ port: 80 }]
    routes: [{ domain: shop.test, port: 80 }]
  db:
    image: postgres:16
    ports: [{ port: 5432 }]
`;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs bin/berth.mjs without a terminal (stdin is a pipe, closed after
 * `stdin`), as scripts and CI do; fails when it fell back to the sources.
 */
export function runBerth(args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BERTH_BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      // The built CLI, as users run it, not the sources through tsx.
      if (stderr.includes(SOURCE_FALLBACK_NOTICE)) reject(new Error(`berth ${args.join(' ')} ran from the sources, not the built CLI:\n${stderr}`));
      else resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}
