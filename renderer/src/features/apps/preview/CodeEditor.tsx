import { useEffect, useRef } from 'react';
import type { Diagnostic } from '../../../../../shared/model/diagnostic';
import type { RenderedFile } from '../../../../../shared/api/contract';
import type * as Setup from '../monaco/monaco-setup';
import { installEditorHook } from './editor-hook';

type Monaco = typeof Setup.monaco;
type Model = ReturnType<Monaco['editor']['createModel']>;

const languages: Record<RenderedFile['language'], string> = { yaml: 'yaml', json: 'json', dotenv: 'ini', text: 'plaintext' };

export const modelUri = (monaco: Monaco, path: string) => monaco.Uri.parse(`file:///berth/${path}`);

/**
 * One Monaco editor over one model per file, so each tab keeps its own undo
 * history and the schemas attach by file name. A file the user is editing
 * (held) is not overwritten by new renders until the parent releases it.
 */
export function CodeEditor({ setup, session, files, active, held, revision, problems, onEdit }: {
  setup: typeof Setup;
  /** Which app the files are of (the editor store's session): another app gets fresh models, so no undo crosses apps. */
  session: number;
  files: RenderedFile[];
  active: string;
  held: ReadonlySet<string>;
  /** Bumped to put every file that is not held back to its rendered content. */
  revision: number;
  problems: Record<string, Diagnostic[]>;
  onEdit: (path: string, text: string) => void;
}) {
  const { monaco } = setup;
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<ReturnType<Monaco['editor']['create']> | null>(null);
  const models = useRef(new Map<string, Model>());
  const seen = useRef(new Map<string, string>());
  const programmatic = useRef(false);
  const revisionSeen = useRef(revision);
  const onEditRef = useRef(onEdit);
  useEffect(() => {
    onEditRef.current = onEdit;
  }, [onEdit]);

  useEffect(() => {
    const ed = monaco.editor.create(host.current!, {
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      scrollBeyondLastLine: false,
      tabSize: 2,
      fixedOverflowWidgets: true,
    });
    editor.current = ed;
    const all = models.current;
    const uninstall = installEditorHook(monaco, (path) => all.get(path));
    const sub = ed.onDidChangeModelContent(() => {
      const model = ed.getModel();
      if (programmatic.current || !model) return;
      const path = [...all.entries()].find(([, m]) => m === model)?.[0];
      if (path) onEditRef.current(path, model.getValue());
    });
    return () => {
      sub.dispose();
      uninstall();
      ed.dispose();
      for (const m of all.values()) m.dispose();
      all.clear();
    };
  }, [monaco]);

  const modelsSession = useRef(session);
  useEffect(() => {
    if (modelsSession.current === session) return;
    modelsSession.current = session;
    // Disposing the model the editor shows detaches it; the next effect creates and shows the new app's.
    for (const m of models.current.values()) m.dispose();
    models.current.clear();
    seen.current.clear();
  }, [session]);

  useEffect(() => {
    const forced = revisionSeen.current !== revision;
    revisionSeen.current = revision;
    for (const file of files) {
      let model = models.current.get(file.path);
      if (!model) {
        model = monaco.editor.getModel(modelUri(monaco, file.path)) ?? monaco.editor.createModel(file.content, languages[file.language], modelUri(monaco, file.path));
        models.current.set(file.path, model);
      }
      const changed = seen.current.get(file.path) !== file.content;
      seen.current.set(file.path, file.content);
      if ((changed || forced) && !held.has(file.path) && model.getValue() !== file.content) {
        programmatic.current = true;
        try {
          model.pushEditOperations([], [{ range: model.getFullModelRange(), text: file.content }], () => null);
        } finally {
          programmatic.current = false;
        }
      }
    }
  }, [files, held, revision, monaco]);

  useEffect(() => {
    const ed = editor.current;
    const model = models.current.get(active);
    if (!ed || !model) return;
    if (ed.getModel() !== model) ed.setModel(model);
    const file = files.find((f) => f.path === active);
    ed.updateOptions({ readOnly: !file?.editable, readOnlyMessage: { value: 'This file is generated; edit the form, or the main file to keep an override.' } });
  }, [active, files]);

  useEffect(() => {
    for (const [path, model] of models.current) {
      const markers = (problems[path] ?? [])
        .filter((d) => d.line !== undefined)
        .map((d) => ({
          severity: d.severity === 'error' ? monaco.MarkerSeverity.Error : d.severity === 'warning' ? monaco.MarkerSeverity.Warning : monaco.MarkerSeverity.Info,
          message: d.message,
          code: d.code,
          startLineNumber: d.line!,
          startColumn: d.column ?? 1,
          endLineNumber: d.line!,
          endColumn: model.getLineMaxColumn(Math.min(d.line!, model.getLineCount())),
        }));
      monaco.editor.setModelMarkers(model, 'berth', markers);
    }
  }, [problems, files, monaco]);

  return <div className="apps-monaco" ref={host} data-testid="code-editor" data-active-file={active} />;
}
