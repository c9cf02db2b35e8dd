import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { App } from '../shared/model/app.js';
import { importCompose } from '../shared/translate/import/index.js';
import { renderApp } from '../shared/translate/index.js';
import { dumpYaml } from '../shared/translate/render/serialize.js';
import { renderFinal } from '../shared/translate/render/render-app.js';
import { CORPUS_DESTINATIONS, corpusDir, corpusFiles } from '../test/corpus/corpus.js';
import { floorFor, medians } from './render.js';
import { median } from './support/stats.js';
import type { BenchRow } from './types.js';

const PASSES = 5;


/**
 * Imports the whole compose corpus and renders every file to every corpus
 * destination (overrides and validation included). The floor serialises
 * what that produces: each imported app as berth.yaml and each render's
 * final objects, byte-identical to the rendered files. Passes alternate with
 * the floor and the median pass is reported.
 */
export async function benchCorpus(): Promise<BenchRow[]> {
  const dir = corpusDir();
  const files = corpusFiles(dir);
  if (!files) throw new Error(`compose corpus not found at ${dir} (set BERTH_CORPUS_DIR)`);
  const contents = files.map((f) => [f, fs.readFileSync(f, 'utf8')] as const);

  const apps: App[] = [];
  const floors: Array<() => unknown> = [];
  for (const [file, content] of contents) {
    const { app } = importCompose(content, { fileName: file });
    if (!app) continue;
    apps.push(app);
    floors.push(() => dumpYaml(app));
    for (const d of CORPUS_DESTINATIONS) floors.push(floorFor(renderFinal(app, d), renderApp(app, d)));
  }

  const importAll = () => { for (const [file, content] of contents) importCompose(content, { fileName: file }); };
  const renderAll = () => { for (const app of apps) for (const d of CORPUS_DESTINATIONS) renderApp(app, d); };
  const floorAll = () => { for (const f of floors) f(); };
  const [floorMs, importMs, renderMs] = medians([floorAll, importAll, renderAll], PASSES, 1);

  const perFile = contents.map(([file, content]) => {
    const t0 = performance.now();
    const { app } = importCompose(content, { fileName: file });
    if (app) for (const d of CORPUS_DESTINATIONS) renderApp(app, d);
    return performance.now() - t0;
  });

  const total = importMs! + renderMs!;
  return [
    { name: 'corpus import+render pass', value: total, unit: 'ms', note: `${files.length} files × ${CORPUS_DESTINATIONS.length} destinations, median of ${PASSES}` },
    { name: 'per-file median', value: median(perFile), unit: 'ms' },
    { name: 'serialise floor', value: floorMs!, unit: 'ms', note: 'berth.yaml + rendered objects' },
    { name: 'import share of the pass', value: importMs! / total, unit: '', note: `import ${importMs!.toFixed(0)} ms, render ${renderMs!.toFixed(0)} ms` },
    { name: 'import+render / floor', value: total / floorMs!, unit: 'x' },
  ];
}
