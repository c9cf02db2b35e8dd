// `npm run bench`: every benchmark in one process, printed as one table.
// Figures are ratios against a baseline measured in the same run wherever
// possible, because this machine's absolute timings are noisy.
import type { BenchRow } from './types.js';

const suites: Record<string, () => Promise<{ rows: BenchRow[] }>> = {
  'ssh latency': async () => ({ rows: await (await import('./ssh-latency.js')).benchSshLatency() }),
  'terminal throughput': async () => ({ rows: await (await import('./terminal-throughput.js')).benchTerminalThroughput() }),
  render: async () => ({ rows: await (await import('./render.js')).benchRender() }),
  'corpus import+render': async () => ({ rows: await (await import('./corpus.js')).benchCorpus() }),
  'cli-start': async () => ({ rows: await (await import('./cli-start.js')).benchCliStart() }),
  deploy: async () => ({ rows: await (await import('./deploy-overhead.js')).benchDeployOverhead() }),
  load: async () => ({ rows: await (await import('./load.js')).benchLoad() }),
};

function format(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(3);
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const table: string[][] = [['suite', 'measure', 'value', 'unit', 'note']];
  let failed = false;
  for (const [suite, run] of Object.entries(suites)) {
    if (only.length && !only.some((o) => suite.includes(o))) continue;
    process.stderr.write(`running ${suite}…\n`);
    try {
      const { rows } = await run();
      for (const r of rows) table.push([suite, r.name, format(r.value), r.unit, r.note ?? '']);
    } catch (err) {
      failed = true;
      table.push([suite, 'FAILED', '', '', err instanceof Error ? err.message : String(err)]);
    }
  }
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const [i, row] of table.entries()) {
    console.log(row.map((cell, j) => cell.padEnd(widths[j]!)).join('  ').trimEnd());
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  process.exitCode = failed ? 1 : 0;
}

await main();
