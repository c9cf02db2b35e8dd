import type * as Setup from '../monaco/monaco-setup';

type Monaco = typeof Setup.monaco;
type Model = ReturnType<Monaco['editor']['createModel']>;

declare global {
  interface Window {
    /** For end-to-end tests: the text and markers of the preview's files, which Monaco renders only in part. */
    __berthEditors?: { text(path: string): string | null; markers(path: string): { message: string; line: number }[] };
  }
}

export function installEditorHook(monaco: Monaco, model: (path: string) => Model | undefined): () => void {
  window.__berthEditors = {
    text: (path) => model(path)?.getValue() ?? null,
    markers: (path) => {
      const m = model(path);
      return m ? monaco.editor.getModelMarkers({ resource: m.uri }).map((x) => ({ message: x.message, line: x.startLineNumber })) : [];
    },
  };
  return () => {
    delete window.__berthEditors;
  };
}
