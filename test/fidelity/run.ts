import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { dump } from 'js-yaml';
import { importCompose, type ImportOptions } from '../../shared/translate/import/index.js';
import { renderApp } from '../../shared/translate/index.js';
import { CORPUS_DESTINATIONS } from '../corpus/corpus.js';
import { checkFidelity, dotenv, type FidelityInput, type FidelityReport } from './checker.js';
import { runComposeConfig, type ConfigResult } from './compose-config.js';
import { originalFromConfig, originalFromRaw, refusalReason, type Original } from './original.js';
import type { Project } from './stage.js';

export interface Outcome {
  project: Project;
  original: Original;
  /** Import errors when the import failed (then there is nothing to compare). */
  importErrors?: string[];
  report?: FidelityReport;
}

/** Wall-clock and CPU time per phase: on a shared machine the CPU time is the figure that says what the run costs. */
export interface Timings {
  wallMs: Record<Phase, number>;
  cpuMs: Record<Phase, number>;
}
type Phase = 'composeConfig' | 'import' | 'render' | 'check';

function timed<T>(timings: Timings, phase: Phase, fn: () => T): T {
  const cpu = process.cpuUsage();
  const t = performance.now();
  try {
    return fn();
  } finally {
    const used = process.cpuUsage(cpu);
    timings.wallMs[phase] += performance.now() - t;
    timings.cpuMs[phase] += (used.user + used.system) / 1000;
  }
}

function readIfFile(file: string): string | null | undefined {
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) return null;
    return stat.isFile() && stat.size < 1_000_000 ? fs.readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** The files and directories under `root` that the original binds or reads secrets and configs from. */
function filesOf(original: Original, root: string): Record<string, string | null> {
  const files: Record<string, string | null> = {};
  const add = (p: string | undefined) => {
    if (!p || !path.isAbsolute(p) || !p.startsWith(root + path.sep)) return;
    const content = readIfFile(p);
    if (content !== undefined) files[p] = content;
  };
  for (const s of Object.values(original.doc.services)) for (const m of s.mounts) if (m.type === 'bind') add(m.source);
  for (const section of [original.doc.secrets, original.doc.configs]) {
    for (const def of Object.values(section)) if (typeof def.file === 'string') add(path.resolve(original.projectDir, def.file));
  }
  return files;
}

function originalOf(project: Project, config: ConfigResult, root: string): Original {
  const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined);
  const mainText = read(project.composeFile) ?? '';
  const rawText = [project.composeFile, ...project.overrides].map((f) => read(f) ?? '').join('\n');
  const env = project.envFile ? dotenv(read(project.envFile) ?? '') : {};
  const ctx = { projectDir: project.dir, dotenv: env, files: {}, mainText, rawText };
  let original: Original;
  if (config.code === 0) original = originalFromConfig(config.stdout, ctx);
  else {
    try {
      original = originalFromRaw({ readFile: read, files: [project.composeFile, ...project.overrides] }, ctx, refusalReason(config.stderr));
    } catch (err) {
      original = { source: 'raw', fallbackReason: `unreadable: ${(err as Error).message.split('\n')[0]}`, projectDir: project.dir, doc: { services: {}, volumes: {}, networks: {}, secrets: {}, configs: {} }, excluded: [], variablesUsed: {}, dotenv: env, files: {}, rawText };
    }
  }
  original.files = filesOf(original, root);
  return original;
}

/** How Berth's importer reads the project: the same files a user's import would. */
function importOptions(project: Project): ImportOptions {
  const at = (p: string) => path.resolve(path.dirname(project.composeFile), p);
  return {
    name: path.basename(project.name).replace(/\.ya?ml$/, ''),
    fileName: path.basename(project.composeFile),
    envFile: project.envFile ? fs.readFileSync(project.envFile, 'utf8') : undefined,
    overrideFiles: project.overrides.map((f) => ({ name: path.relative(path.dirname(project.composeFile), f), content: fs.readFileSync(f, 'utf8') })),
    loadFile: (p) => { const c = readIfFile(at(p)); return typeof c === 'string' ? c : undefined; },
    loadBytes: (p) => { try { return fs.statSync(at(p)).isFile() ? fs.readFileSync(at(p)) : undefined; } catch { return undefined; } },
    listDir: (p) => { try { return fs.readdirSync(at(p), { withFileTypes: true }).map((e) => (e.isDirectory() ? `${e.name}/` : e.name)); } catch { return undefined; } },
  };
}

/** Runs the real Compose over every project, then imports, renders and checks each one. */
export async function runFidelity(projects: Array<{ project: Project; root: string }>): Promise<{ outcomes: Outcome[]; timings: Timings }> {
  const zero = { composeConfig: 0, import: 0, render: 0, check: 0 };
  const timings: Timings = { wallMs: { ...zero }, cpuMs: { ...zero } };
  const t = performance.now();
  const { results: configs, cpuMs } = await runComposeConfig(projects.map(({ project }) => ({ files: project.configFiles, projectDir: project.dir, envFile: project.envFile })));
  timings.wallMs.composeConfig = performance.now() - t;
  timings.cpuMs.composeConfig = cpuMs;

  const outcomes: Outcome[] = [];
  for (const [i, { project, root }] of projects.entries()) {
    const original = timed(timings, 'check', () => originalOf(project, configs[i]!, root));
    const imported = timed(timings, 'import', () => importCompose(fs.readFileSync(project.composeFile, 'utf8'), importOptions(project)));
    if (!imported.app) {
      const report = timed(timings, 'check', () => checkFidelity({ original, importDiagnostics: imported.diagnostics, outputs: [] }));
      outcomes.push({ project, original, report, importErrors: imported.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code) });
      continue;
    }
    const app = imported.app;
    const outputs: FidelityInput['outputs'] = timed(timings, 'render', () => CORPUS_DESTINATIONS.map((d) => {
      const r = renderApp(app, d, { secrets: imported.secrets });
      return { destination: d.name, target: d.type === 'docker' ? 'compose' as const : 'kubernetes' as const, files: r.files, diagnostics: r.diagnostics, namespace: d.type === 'kubernetes' ? d.namespace : undefined };
    }));
    const report = timed(timings, 'check', () => checkFidelity({ original, berthYaml: dump(app, { lineWidth: -1 }), importDiagnostics: imported.diagnostics, outputs }));
    outcomes.push({ project, original, report });
  }
  return { outcomes, timings };
}
