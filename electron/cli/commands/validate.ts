import fs from 'node:fs/promises';
import { YAMLException } from 'js-yaml';
import type { CliContext } from '../context.js';
import { UsageError } from '../context.js';
import type { Diagnostic } from '../../../shared/model/diagnostic.js';
import { App, APP_API_VERSION } from '../../../shared/model/app.js';
import { validateAppReferences } from '../../../shared/validate/app.js';
import { validateComposeOutput, validateKubernetesOutput } from '../../../shared/translate/render/validate-output.js';
import { loadAllYaml, YamlLimitError } from '../../../shared/yaml/bounded-yaml.js';
import { printDiagnostics } from './print-diagnostics.js';

const HELP = `Usage: berth validate <file>

Detects what the file is and checks it:
  app definition (apiVersion ${APP_API_VERSION})  schema and references between services, volumes and routes
  compose file (has services:)            compose-spec schema and references
  Kubernetes manifests (apiVersion + kind, multi-document)  kubernetes-models schemas, unknown fields, references
Findings go to stderr; the exit code is 1 when there are errors.`;

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export async function run(ctx: CliContext): Promise<number> {
  const [file, ...rest] = ctx.argv;
  if (file === '--help' || file === '-h') {
    ctx.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (!file || rest.length > 0) throw new UsageError(`expected one file.\n\n${HELP}`);
  const text = await fs.readFile(file, 'utf8');
  let docs: unknown[];
  try {
    docs = loadAllYaml(text).filter((d) => d !== null && d !== undefined);
  } catch (err) {
    const mark = err instanceof YAMLException ? err.mark : undefined;
    printDiagnostics(ctx, [{ severity: 'error', code: err instanceof YamlLimitError ? 'YAML_TOO_LARGE' : 'YAML_INVALID', message: err instanceof YAMLException ? err.reason : String(err), file, ...(mark ? { line: mark.line + 1, column: mark.column + 1 } : {}) }]);
    return 1;
  }
  const { kind, diagnostics } = check(docs, file);
  const failed = printDiagnostics(ctx, diagnostics);
  ctx.stdout.write(`${file}: ${kind}, ${failed ? 'not valid' : 'valid'}\n`);
  return failed ? 1 : 0;
}

function check(docs: unknown[], file: string): { kind: string; diagnostics: Diagnostic[] } {
  const first = docs[0];
  if (docs.length === 1 && isObject(first) && first.apiVersion === APP_API_VERSION) {
    const parsed = App.safeParse(first);
    if (!parsed.success) {
      return { kind: 'app definition', diagnostics: parsed.error.issues.map((i) => ({ severity: 'error', code: 'APP_SCHEMA', message: i.message, field: i.path.join('.'), file })) };
    }
    return { kind: 'app definition', diagnostics: validateAppReferences(parsed.data).map((d) => ({ ...d, file })) };
  }
  if (docs.length === 1 && isObject(first) && 'services' in first) return { kind: 'compose file', diagnostics: validateComposeOutput(first, file) };
  if (docs.length > 0 && docs.every((d) => isObject(d) && typeof d.apiVersion === 'string' && typeof d.kind === 'string')) {
    return { kind: 'Kubernetes manifests', diagnostics: validateKubernetesOutput(docs as Obj[], file) };
  }
  return {
    kind: 'unknown file',
    diagnostics: [{ severity: 'error', code: 'FILE_KIND_UNKNOWN', message: `not an app definition (apiVersion ${APP_API_VERSION}), a compose file (services:) or Kubernetes manifests (apiVersion and kind in every document).`, file }],
  };
}
