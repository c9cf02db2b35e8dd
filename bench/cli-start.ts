// CLI start: `berth render` of a two-service app, as scripts and CI run it (a fresh
// process each time), against `node -e 0`, the floor of starting Node at all.
// Runs alternate so load drift hits both alike; medians are reported. The CLI is
// built first if the sources changed since the last build, as `npm install` does.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureBuiltCli, TWO_SERVICE_APP } from '../test/support/built-cli.js';
import { median } from './support/stats.js';
import type { BenchRow } from './types.js';

const RUNS = Number(process.env.BENCH_ROUNDS ?? 11);
/** Through tsx each start takes seconds; a few runs show the difference. */
const SOURCE_RUNS = 3;


const repo = path.resolve(import.meta.dirname, '..');

function timed(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`));
      else if (stderr.includes('running from source') && !env.BERTH_CLI_DEV) reject(new Error(`the built CLI was not used: ${stderr}`));
      else resolve(performance.now() - start);
    });
  });
}

export async function benchCliStart(): Promise<BenchRow[]> {
  await ensureBuiltCli();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-cli-'));
  try {
    const app = path.join(dir, 'berth.yaml');
    fs.writeFileSync(app, TWO_SERVICE_APP);
    const env = { PATH: process.env.PATH, HOME: dir, BERTH_HOME: path.join(dir, 'home') };
    const render = [path.join(repo, 'bin/berth.mjs'), 'render', app, '--target', 'compose'];

    await timed(['-e', '0'], env);
    await timed(render, env);
    const floor: number[] = [];
    const built: number[] = [];
    for (let round = 0; round < RUNS; round++) {
      const pair = round % 2 ? [floor, built] : [built, floor];
      for (const times of pair) times.push(await timed(times === floor ? ['-e', '0'] : render, env));
    }
    const source: number[] = [];
    for (let i = 0; i < SOURCE_RUNS; i++) source.push(await timed(render, { ...env, BERTH_CLI_DEV: '1' }));

    const [floorMs, builtMs, sourceMs] = [median(floor), median(built), median(source)];
    return [
      { name: 'node -e 0 (floor)', value: floorMs, unit: 'ms', note: `median of ${RUNS}` },
      { name: 'berth render, 2 services (built CLI)', value: builtMs, unit: 'ms', note: `median of ${RUNS}; target < 300 ms` },
      { name: 'berth render / floor', value: builtMs / floorMs, unit: 'x' },
      { name: 'berth render through tsx (BERTH_CLI_DEV=1)', value: sourceMs, unit: 'ms', note: `median of ${SOURCE_RUNS}; what every start cost before` },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
