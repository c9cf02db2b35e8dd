#!/usr/bin/env node
// Runs the TypeScript CLI straight from a clone after `npm install`, with no build step.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../electron/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
