import fs from 'node:fs';
import { dump } from 'js-yaml';
import { importCompose } from '../shared/translate/import/index.js';
import { renderApp } from '../shared/translate/index.js';
import { CORPUS_DESTINATIONS, corpusDir, corpusFiles, importAndRender } from '../test/corpus/corpus.js';
import type { BenchRow } from './types.js';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

/**
 * Imports and renders the whole compose corpus (every file to every corpus
 * destination). The floor is js-yaml dumping the same final objects, so the
 * ratio says what the translation costs beyond serialisation.
 */
export async function benchCorpus(): Promise<BenchRow[]> {
  const dir = corpusDir();
  const files = corpusFiles(dir);
  if (!files) throw new Error(`compose corpus not found at ${dir} (set BERTH_CORPUS_DIR)`);
  const contents = files.map((f) => [f, fs.readFileSync(f, 'utf8')] as const);
  for (const [f, c] of contents.slice(0, 20)) importAndRender(f, c); // warm-up

  const perFile: number[] = [];
  const finals: unknown[] = [];
  const started = performance.now();
  for (const [file, content] of contents) {
    const t0 = performance.now();
    const { app } = importCompose(content, { fileName: file });
    if (app) for (const d of CORPUS_DESTINATIONS) finals.push(app, renderApp(app, d).files);
    perFile.push(performance.now() - t0);
  }
  const total = performance.now() - started;

  const dumpStarted = performance.now();
  for (const value of finals) dump(value, { noRefs: true, lineWidth: -1 });
  const floor = performance.now() - dumpStarted;

  return [
    { name: 'corpus import+render total', value: total, unit: 'ms', note: `${files.length} files × ${CORPUS_DESTINATIONS.length} destinations` },
    { name: 'per-file median', value: median(perFile), unit: 'ms' },
    { name: 'ratio to js-yaml dump of the results', value: total / Math.max(floor, 1e-6), unit: 'x', note: `floor ${floor.toFixed(1)} ms` },
  ];
}
