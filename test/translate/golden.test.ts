import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../../shared/translate/index.js';
import type { RenderResult } from '../../shared/api/contract.js';
import { goldenCases } from './support/golden.js';

// UPDATE_GOLDEN=1 npx vitest run test/translate/golden.test.ts rewrites the expected files; review the diff before committing.
const update = process.env.UPDATE_GOLDEN === '1';

function expectFile(dir: string, file: string, actual: string) {
  const full = path.join(dir, file);
  if (update) {
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, actual);
    return;
  }
  expect(fs.existsSync(full), `${full} is missing; run with UPDATE_GOLDEN=1`).toBe(true);
  expect(actual, `${file} differs from the golden copy`).toBe(fs.readFileSync(full, 'utf8'));
}

const diagnosticLines = (target: string, result: RenderResult) =>
  result.diagnostics.map((d) => `${target} ${d.severity} ${d.code} ${d.field ?? '-'}\n`).join('');

describe('golden renders', () => {
  for (const c of goldenCases()) {
    it(c.name, () => {
      const compose = renderApp(c.app, c.destinations.compose);
      const kubernetes = renderApp(c.app, c.destinations.kubernetes);
      for (const f of [...compose.files, ...kubernetes.files]) expectFile(c.dir, f.path, f.content);
      expectFile(c.dir, 'diagnostics.txt', diagnosticLines('compose', compose) + diagnosticLines('kubernetes', kubernetes));
      // Schema and reference problems in the output are never expected: only definition-level findings are.
      const outputCodes = [...compose.diagnostics, ...kubernetes.diagnostics].filter((d) => /^(COMPOSE|K8S)_/.test(d.code));
      expect(outputCodes).toEqual([]);
    });
  }
});
