import { CHECKS, type CheckId, type ClassCount, type Finding } from './checker.js';
import type { Outcome, Timings } from './run.js';

export interface FidelitySummary {
  files: number;
  /** How the original was read: by docker-compose config, or raw (with the reason Compose refused it). */
  sources: { composeConfig: number; raw: number; reasons: Array<[string, number]> };
  /** What staging changed so Compose v1 reads the file as Compose v2 and Coolify would. */
  notes: Array<[string, number]>;
  counts: Record<CheckId, ClassCount>;
  /** Files with unexplained findings, per class, with the first finding of each. */
  unexplained: Record<CheckId, Array<{ file: string; findings: Finding[] }>>;
}

const tally = <T extends string>(items: T[]) => [...items.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<T, number>())].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

export function summariseFidelity(outcomes: Outcome[]): FidelitySummary {
  const ids = Object.keys(CHECKS) as CheckId[];
  const counts = Object.fromEntries(ids.map((c) => [c, { checked: 0, passed: 0, explained: 0, unexplained: 0 }])) as Record<CheckId, ClassCount>;
  const unexplained = Object.fromEntries(ids.map((c) => [c, []])) as unknown as FidelitySummary['unexplained'];
  for (const o of outcomes) {
    for (const c of ids) {
      const n = o.report?.counts[c];
      if (!n) continue;
      for (const k of ['checked', 'passed', 'explained', 'unexplained'] as const) counts[c][k] += n[k];
      const findings = o.report!.findings.filter((f) => f.check === c && !f.explainedBy);
      if (findings.length > 0) unexplained[c].push({ file: o.project.name, findings });
    }
  }
  const raw = outcomes.filter((o) => o.original.source === 'raw');
  return {
    files: outcomes.length,
    sources: { composeConfig: outcomes.length - raw.length, raw: raw.length, reasons: tally(raw.map((o) => o.original.fallbackReason ?? 'refused')) },
    notes: tally(outcomes.flatMap((o) => o.project.notes)),
    counts,
    unexplained,
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function fidelityMarkdown(s: FidelitySummary, title: string, timings?: Timings): string {
  const ids = Object.keys(CHECKS) as CheckId[];
  const lines = [
    `# ${title}`,
    '',
    `${s.files} files. The original is what \`docker-compose config\` (Compose v1 1.29) prints for ${s.sources.composeConfig} of them; ${s.sources.raw} it refuses are read from the raw YAML (interpolated and merged by the checker).`,
    '',
    '| class | checked | passed | explained | unexplained |',
    '|---|---:|---:|---:|---:|',
    ...ids.map((c) => `| ${c}: ${CHECKS[c]} | ${s.counts[c].checked} | ${s.counts[c].passed} | ${s.counts[c].explained} | ${s.counts[c].unexplained} |`),
    '',
    'Explained: a diagnostic names the service, the key and what the user can do. Unexplained: nothing tells the user.',
    '',
  ];
  if (timings) {
    const phases = Object.keys(timings.wallMs) as Array<keyof Timings['wallMs']>;
    lines.push('| phase | wall | CPU |', '|---|---:|---:|', ...phases.map((p) => `| ${p} | ${seconds(timings.wallMs[p])} | ${seconds(timings.cpuMs[p])} |`), '');
  }
  if (s.notes.length) lines.push('| staging so Compose v1 reads the file as Compose v2 / Coolify would | files |', '|---|---:|', ...s.notes.map(([n, k]) => `| ${n} | ${k} |`), '');
  if (s.sources.reasons.length) lines.push('<details><summary>read raw: why docker-compose refused</summary>', '', ...s.sources.reasons.map(([r, k]) => `- ${k} × ${r}`), '', '</details>', '');
  for (const c of ids) {
    if (s.unexplained[c].length === 0) continue;
    lines.push(`<details><summary>${c}: ${s.unexplained[c].length} files with unexplained findings</summary>`, '');
    for (const { file, findings } of s.unexplained[c]) lines.push(`- ${file}: ${findings.map((f) => `${f.target} ${f.service ? `${f.service} ` : ''}${f.subject}: ${f.problem}`).join('; ')}`);
    lines.push('', '</details>', '');
  }
  return lines.join('\n');
}
