import fs from 'node:fs';
import path from 'node:path';
import type { Destination } from '../../shared/model/app.js';
import type { Diagnostic } from '../../shared/model/diagnostic.js';
import { importCompose, type ImportResult } from '../../shared/translate/import/index.js';
import { renderApp } from '../../shared/translate/index.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** The shared compose corpus: ../shared/corpus beside the repo, or BERTH_CORPUS_DIR. */
export function corpusDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.BERTH_CORPUS_DIR ? path.resolve(env.BERTH_CORPUS_DIR) : path.resolve(repoRoot, '../shared/corpus');
}

/** awesome-compose/<dir>/compose.y(a)ml and coolify/templates/compose/*.y(a)ml; undefined when the corpus is missing. */
export function corpusFiles(dir: string): string[] | undefined {
  const awesome = path.join(dir, 'awesome-compose');
  const coolify = path.join(dir, 'coolify/templates/compose');
  if (!fs.existsSync(awesome) || !fs.existsSync(coolify)) return undefined;
  const files = [
    ...fs.readdirSync(awesome).sort().flatMap((d) => ['compose.yaml', 'compose.yml'].map((f) => path.join(awesome, d, f))),
    ...fs.readdirSync(coolify).sort().filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(coolify, f)),
  ];
  return files.filter((f) => fs.existsSync(f));
}

export const CORPUS_DESTINATIONS: Destination[] = [
  { type: 'docker', name: 'docker-traefik', server: 'local', network: 'berth', proxy: 'traefik', selinuxRelabel: false },
  { type: 'docker', name: 'docker-caddy', server: 'local', network: 'berth', proxy: 'caddy', selinuxRelabel: false },
  { type: 'kubernetes', name: 'kubernetes', context: 'corpus', namespace: 'default' },
];

export interface CorpusOutcome {
  file: string;
  imported: ImportResult;
  /** Render diagnostics per destination name; empty when the import failed. */
  renders: Record<string, Diagnostic[]>;
}

function readRelative(file: string) {
  return (p: string) => {
    try {
      return fs.readFileSync(path.resolve(path.dirname(file), p), 'utf8');
    } catch {
      return undefined;
    }
  };
}

/** Imports one corpus file and renders it for every corpus destination. Exceptions propagate: they are bugs. */
export function importAndRender(file: string, content = fs.readFileSync(file, 'utf8')): CorpusOutcome {
  const imported = importCompose(content, { fileName: path.basename(file), name: path.basename(path.dirname(file)), loadFile: readRelative(file) });
  const renders: Record<string, Diagnostic[]> = {};
  if (imported.app) for (const d of CORPUS_DESTINATIONS) renders[d.name] = renderApp(imported.app, d, { secrets: imported.secrets }).diagnostics;
  return { file, imported, renders };
}
