/**
 * Everything Monaco needs, loaded only through loadMonaco() so the editor and
 * its workers stay out of the first paint. Only the editor core, the
 * contributions the preview uses and three languages are pulled in.
 */
import { onScheme } from '../../../stores/theme-store';
import * as monaco from 'monaco-editor/editor/editor.api';
// The JSON language's mode (loaded lazily by its register module once a JSON model exists, e.g. caddy.json) pulls in
// every editor contribution (monaco-editor's internal/common/workers). Registered after the first editor was made,
// their services are unknown to the editor services, and every editor made afterwards (leave the Apps page and come
// back) threw "depends on UNKNOWN service ICodeLensCache". Loaded here, before any editor, they register in time.
import 'monaco-editor/languages/features/json/jsonMode';
import 'monaco-editor/editor/browser/coreCommands';
import 'monaco-editor/editor/browser/widget/codeEditor/codeEditorWidget';
import 'monaco-editor/editor/browser/widget/diffEditor/diffEditor.contribution';
import 'monaco-editor/editor/contrib/bracketMatching/browser/bracketMatching';
import 'monaco-editor/editor/contrib/clipboard/browser/clipboard';
import 'monaco-editor/editor/contrib/codeAction/browser/codeActionContributions';
import 'monaco-editor/editor/contrib/comment/browser/comment';
import 'monaco-editor/editor/contrib/contextmenu/browser/contextmenu';
import 'monaco-editor/editor/contrib/cursorUndo/browser/cursorUndo';
import 'monaco-editor/editor/contrib/find/browser/findController';
import 'monaco-editor/editor/contrib/folding/browser/folding';
import 'monaco-editor/editor/contrib/format/browser/formatActions';
import 'monaco-editor/editor/contrib/gotoError/browser/gotoError';
import 'monaco-editor/editor/contrib/hover/browser/hoverContribution';
import 'monaco-editor/editor/contrib/indentation/browser/indentation';
import 'monaco-editor/editor/contrib/linesOperations/browser/linesOperations';
import 'monaco-editor/editor/contrib/links/browser/links';
import 'monaco-editor/editor/contrib/multicursor/browser/multicursor';
import 'monaco-editor/editor/contrib/readOnlyMessage/browser/contribution';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/editor/contrib/wordHighlighter/browser/wordHighlighter';
import 'monaco-editor/editor/contrib/wordOperations/browser/wordOperations';
import 'monaco-editor/editor/common/standaloneStrings';
import 'monaco-editor/esm/vs/base/browser/ui/codicons/codicon/codicon.css';
import 'monaco-editor/languages/definitions/yaml/register';
import 'monaco-editor/languages/definitions/ini/register';
import 'monaco-editor/languages/features/json/register';
import { configureMonacoYaml, type SchemasSettings } from 'monaco-yaml';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/language/json/json.worker?worker';
import YamlWorker from './yaml.worker?worker';

export type Monaco = typeof monaco;

self.MonacoEnvironment = {
  getWorker(_moduleId: string, label: string) {
    if (label === 'json') return new JsonWorker();
    if (label === 'yaml') return new YamlWorker();
    return new EditorWorker();
  },
};

// Monaco's theme is global: follow the shell's light or dark palette. Its own themes draw line numbers (and the
// dimmed one after the last line) below WCAG AA contrast; these keep the rest and fix those.
monaco.editor.defineTheme('berth-light', {
  base: 'vs', inherit: true, rules: [],
  colors: { 'editorLineNumber.foreground': '#4f6b78', 'editorLineNumber.dimmedForeground': '#5f6773', 'editorLineNumber.activeForeground': '#1d2127' },
});
monaco.editor.defineTheme('berth-dark', {
  base: 'vs-dark', inherit: true, rules: [],
  colors: { 'editorLineNumber.foreground': '#9aa4b1', 'editorLineNumber.dimmedForeground': '#979fab', 'editorLineNumber.activeForeground': '#e4e7ec' },
});
onScheme((scheme) => monaco.editor.setTheme(scheme === 'dark' ? 'berth-dark' : 'berth-light'));

/**
 * monaco-yaml 5 still asks Monaco for a worker by label, which Monaco 0.55+
 * no longer does: createWebWorker now wants the Worker itself, and the
 * worker expects its createData as the message after the first one. This
 * hands monaco-yaml a Monaco whose createWebWorker does exactly that
 * (remcohaszing/monaco-yaml#272).
 */
function monacoForYaml(): Monaco {
  const createWebWorker = monaco.editor.createWebWorker;
  const editor = {
    ...monaco.editor,
    createWebWorker(opts: { createData?: unknown; worker?: Worker | Promise<Worker> }) {
      if (opts.worker) return createWebWorker(opts as Parameters<typeof createWebWorker>[0]);
      const worker = new YamlWorker();
      worker.postMessage('start');
      worker.postMessage(opts.createData);
      return createWebWorker({ ...opts, worker });
    },
  } as typeof monaco.editor;
  return { ...monaco, editor };
}

export interface EditorSchemas {
  berth: unknown;
  compose: unknown;
  kubernetes: unknown;
}

/** File names the schemas attach to; the preview names its models after the rendered files. */
const SCHEMA_FILES = { berth: ['berth.yaml'], compose: ['compose.yaml'], kubernetes: ['manifests.yaml', 'kubernetes.yaml'] } as const;

let yaml: ReturnType<typeof configureMonacoYaml> | undefined;

export function setSchemas(schemas: EditorSchemas): void {
  const settings: SchemasSettings[] = (Object.keys(SCHEMA_FILES) as (keyof EditorSchemas)[])
    .filter((k) => schemas[k] && typeof schemas[k] === 'object')
    .map((k) => ({
      // A URI that is never fetched: the schema is given inline (enableSchemaRequest stays off).
      uri: `berth://schemas/${k}.json`,
      fileMatch: SCHEMA_FILES[k].map((f) => `**/${f}`),
      schema: schemas[k] as SchemasSettings['schema'],
    }));
  const options = { enableSchemaRequest: false, validate: true, hover: true, completion: true, schemas: settings };
  if (yaml) yaml.update(options);
  else yaml = configureMonacoYaml(monacoForYaml(), options);
}

export { monaco };
