#!/usr/bin/env node
// `berth`: runs the built CLI (out/cli, built by `npm install` through `prepare`, or by
// `npm run build:cli`) when it is up to date with the sources, which takes a stat of each
// bundled source file. Otherwise, or always with BERTH_CLI_DEV=1, it runs the TypeScript
// sources through tsx, so an edit takes effect at once; when that was not asked for it
// says so in one line on stderr.
import { pathToFileURL } from 'node:url';
import { builtCliState } from './built-cli.mjs';

const dev = process.env.BERTH_CLI_DEV === '1';
const state = dev ? undefined : builtCliState();
let main;
if (state?.fresh) {
  ({ main } = await import(pathToFileURL(state.entry).href));
} else {
  if (state) process.stderr.write(`berth: running from source through tsx (slower): ${state.reason}. Rebuild with: npm run build:cli\n`);
  const { tsImport } = await import('tsx/esm/api');
  ({ main } = await tsImport('../electron/cli/main.ts', import.meta.url));
}
process.exitCode = await main(process.argv.slice(2));
