// Whether the built CLI (out/cli, from scripts/build-cli.mjs) is up to date with the
// sources it was built from. Used by bin/berth.mjs at every start, so it only stats
// files: the build records every project file it bundled (electron/, shared/, assets/,
// package.json, package-lock.json, the build script) and the time the build started;
// any of them changed or deleted since then makes the build stale.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, URL } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI_OUT_DIR = 'out/cli';
export const CLI_ENTRY = 'berth.mjs';
export const CLI_MANIFEST = 'build.json';

/**
 * @param {string} [root] the repository
 * @returns {{ fresh: true, entry: string } | { fresh: false, reason: string }}
 */
export function builtCliState(root = REPO_ROOT) {
  const dir = path.join(root, CLI_OUT_DIR);
  /** @type {{ builtAt: number, inputs: string[] }} */
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, CLI_MANIFEST), 'utf8'));
    statSync(path.join(dir, CLI_ENTRY));
  } catch {
    return { fresh: false, reason: `the CLI is not built (${CLI_OUT_DIR} is missing)` };
  }
  if (typeof manifest.builtAt !== 'number' || !Array.isArray(manifest.inputs) || manifest.inputs.length === 0) {
    return { fresh: false, reason: `${CLI_OUT_DIR}/${CLI_MANIFEST} is unreadable` };
  }
  for (const input of manifest.inputs) {
    let mtime;
    try {
      mtime = statSync(path.join(root, input)).mtimeMs;
    } catch {
      return { fresh: false, reason: `${input} was removed since the CLI was built` };
    }
    if (mtime > manifest.builtAt) return { fresh: false, reason: `${input} changed since the CLI was built` };
  }
  return { fresh: true, entry: path.join(dir, CLI_ENTRY) };
}
