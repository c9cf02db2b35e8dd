import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { skipUnlessAvailable } from '../support/infra.js';
import { corpusDir, corpusFiles } from '../corpus/corpus.js';
import type { CheckId } from './checker.js';
import { composeConfigCli, composeConfigUnavailable, runComposeConfig } from './compose-config.js';
import { fidelityMarkdown, summariseFidelity, type FidelitySummary } from './report.js';
import { runFidelity } from './run.js';
import { caseProject, stageCorpusFile } from './stage.js';

/**
 * Unexplained findings allowed per class, measured on the corpus when this was
 * written; the goal is 0 everywhere. Lower a ceiling when the translator
 * improves; a rise is a regression.
 */
const CORPUS_CEILING: Record<CheckId, number> = {
  hosts: 0, files: 0, shared: 0, oneShot: 0, lifecycle: 0, secrets: 0, composeKeys: 0, kubeReports: 0, imported: 0,
};
const CASES_CEILING: Record<CheckId, number> = {
  hosts: 0, files: 0, shared: 0, oneShot: 0, lifecycle: 0, secrets: 0, composeKeys: 0, kubeReports: 0, imported: 0,
};

const dir = corpusDir();
const files = corpusFiles(dir);
const casesDir = path.resolve(import.meta.dirname, 'cases');
const skip = skipUnlessAvailable('compose corpus and docker-compose', files ? composeConfigUnavailable() : `${dir} not found (set BERTH_CORPUS_DIR)`);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-fidelity-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const resultsDir = path.resolve(import.meta.dirname, '../../test-results');
const sections: string[] = [];
function publish(markdown: string) {
  console.log(`\n${markdown}`);
  sections.push(markdown);
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, 'fidelity-summary.md'), sections.join('\n'));
}

const unexplainedFiles = (s: FidelitySummary, c: CheckId) => s.unexplained[c].map((u) => `${u.file}: ${u.findings.map((f) => `${f.target} ${f.service} ${f.subject}: ${f.problem}`).join('; ')}`);

describe.skipIf(skip)('translator fidelity (issue #9)', () => {
  it('the issue\'s examples (test/fidelity/cases) behave the same on every target, or say why not', async () => {
    const projects = fs.readdirSync(casesDir).sort().map((name) => ({ project: caseProject(path.join(casesDir, name), path.join(scratch, 'cases', name)), root: path.join(casesDir, name) }));
    const { outcomes } = await runFidelity(projects);
    const summary = summariseFidelity(outcomes);
    publish(fidelityMarkdown(summary, `Fidelity: issue #9 cases (${summary.files})`));
    expect(summary.files).toBeGreaterThanOrEqual(6);
    for (const c of Object.keys(CASES_CEILING) as CheckId[]) {
      expect.soft(summary.counts[c].unexplained, `${c}: ${unexplainedFiles(summary, c).join('\n')}`).toBeLessThanOrEqual(CASES_CEILING[c]);
    }
  });

  it('every corpus file: the original as Compose reads it against berth.yaml, compose.yaml and the manifests', async () => {
    const projects = files!.map((file, i) => {
      const root = path.join(scratch, 'corpus', String(i));
      return { project: stageCorpusFile(file, path.relative(dir, file), root, i), root };
    });
    const { outcomes, timings } = await runFidelity(projects);
    const summary = summariseFidelity(outcomes);
    publish(fidelityMarkdown(summary, `Fidelity: compose corpus (${summary.files} files)`, timings));
    expect(summary.files).toBeGreaterThan(400);
    // Most originals must come from the real Compose, not the checker's own reading.
    expect(summary.sources.composeConfig / summary.files).toBeGreaterThan(0.9);
    for (const c of Object.keys(CORPUS_CEILING) as CheckId[]) {
      expect.soft(summary.counts[c].unexplained, `${c}: ${unexplainedFiles(summary, c).join('\n')}`).toBeLessThanOrEqual(CORPUS_CEILING[c]);
    }
  });

  it('the worker runs docker-compose config exactly as /usr/bin/docker-compose does', async () => {
    const picked = [files!.find((f) => f.includes('nginx-golang-postgres'))!, files!.find((f) => f.endsWith('uptime-kuma.yaml'))!];
    const projects = picked.map((file, i) => stageCorpusFile(file, path.relative(dir, file), path.join(scratch, 'cli', String(i)), i));
    const jobs = projects.map((p) => ({ files: p.configFiles, projectDir: p.dir, envFile: p.envFile }));
    const { results } = await runComposeConfig(jobs);
    for (const [i, job] of jobs.entries()) {
      const cli = composeConfigCli(job);
      expect(results[i]!.code, picked[i]).toBe(cli.code);
      expect(results[i]!.stdout, picked[i]).toBe(cli.stdout);
    }
  });
});
