import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Diagnostic } from '../../shared/model/diagnostic.js';
import { skipUnlessAvailable } from '../support/infra.js';
import { corpusDir, corpusFiles, importAndRender, type CorpusOutcome } from './corpus.js';
import { summarise, summaryMarkdown } from './summary.js';

const dir = corpusDir();
const files = corpusFiles(dir);
const skip = skipUnlessAvailable('compose corpus', files ? undefined : `${dir} not found (set BERTH_CORPUS_DIR)`);

/**
 * Measured share of corpus files that import and render to every target without
 * errors. Raise it when the translator improves; a drop is a regression.
 */
const RENDERABLE_FLOOR = 0.82;

describe.skipIf(skip)('compose corpus', () => {
  it('imports and renders every file to Docker (traefik, caddy) and Kubernetes without an exception', () => {
    const outcomes: CorpusOutcome[] = [];
    for (const file of files ?? []) {
      const outcome = importAndRender(file);
      // A failure must be explained by coded diagnostics, never be silent.
      for (const d of [...outcome.imported.diagnostics, ...Object.values(outcome.renders).flat()]) expect(() => Diagnostic.parse(d), file).not.toThrow();
      if (!outcome.imported.app) expect(outcome.imported.diagnostics.some((d) => d.severity === 'error'), file).toBe(true);
      outcomes.push(outcome);
    }
    expect(outcomes.length).toBeGreaterThan(400);

    const summary = summarise(outcomes.map((o) => ({ ...o, file: path.relative(dir, o.file) })));
    const markdown = summaryMarkdown(summary, `Compose corpus compatibility (${summary.total} files)`);
    console.log(`\n${markdown}`);
    fs.mkdirSync(path.resolve(import.meta.dirname, '../../test-results'), { recursive: true });
    fs.writeFileSync(path.resolve(import.meta.dirname, '../../test-results/corpus-summary.md'), markdown);

    expect(summary.renderable / summary.total).toBeGreaterThan(RENDERABLE_FLOOR);
  });
});
