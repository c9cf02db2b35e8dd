import type { CorpusOutcome } from './corpus.js';

export interface CorpusSummary {
  total: number;
  clean: number;
  withWarnings: number;
  failed: number;
  /** Files whose import succeeded and whose every render is free of errors. */
  renderable: number;
  warningCodes: Array<[string, number]>;
  errorCodes: Array<[string, number]>;
  failures: Array<{ file: string; codes: string[] }>;
}

const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
const top = (map: Map<string, number>, n: number) => [...map].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, n);

export function summarise(outcomes: CorpusOutcome[]): CorpusSummary {
  const warnings = new Map<string, number>();
  const errors = new Map<string, number>();
  const summary: CorpusSummary = { total: outcomes.length, clean: 0, withWarnings: 0, failed: 0, renderable: 0, warningCodes: [], errorCodes: [], failures: [] };
  for (const o of outcomes) {
    const all = [...o.imported.diagnostics, ...Object.values(o.renders).flat()];
    for (const d of all) {
      if (d.severity === 'warning') count(warnings, d.code);
      if (d.severity === 'error') count(errors, d.code);
    }
    const errorCodes = [...new Set(all.filter((d) => d.severity === 'error').map((d) => d.code))];
    if (!o.imported.app || errorCodes.length > 0) {
      summary.failed++;
      summary.failures.push({ file: o.file, codes: errorCodes });
    } else {
      summary.renderable++;
      if (all.some((d) => d.severity === 'warning')) summary.withWarnings++;
      else summary.clean++;
    }
  }
  summary.warningCodes = top(warnings, 15);
  summary.errorCodes = top(errors, 15);
  return summary;
}

export function summaryMarkdown(s: CorpusSummary, title: string): string {
  const pct = (n: number) => `${((100 * n) / Math.max(1, s.total)).toFixed(1)}%`;
  return [
    `# ${title}`,
    '',
    '| outcome | files | share |',
    '|---|---:|---:|',
    `| imported and rendered clean | ${s.clean} | ${pct(s.clean)} |`,
    `| imported and rendered with warnings | ${s.withWarnings} | ${pct(s.withWarnings)} |`,
    `| failed with errors (import or render) | ${s.failed} | ${pct(s.failed)} |`,
    `| **total** | ${s.total} | |`,
    '',
    '| top warning codes | count |',
    '|---|---:|',
    ...s.warningCodes.map(([c, n]) => `| ${c} | ${n} |`),
    '',
    '| top error codes | count |',
    '|---|---:|',
    ...s.errorCodes.map(([c, n]) => `| ${c} | ${n} |`),
    '',
    '<details><summary>failed files</summary>',
    '',
    ...s.failures.map((f) => `- ${f.file}: ${f.codes.join(', ')}`),
    '',
    '</details>',
    '',
  ].join('\n');
}
