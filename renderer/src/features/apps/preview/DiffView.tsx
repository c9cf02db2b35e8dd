import { useEffect, useRef, useState } from 'react';
import { api } from '../../../api/api';
import type { RenderedFile } from '../../../../../shared/api/contract';
import type * as Setup from '../monaco/monaco-setup';
import { errorMessage } from '../../../lib/errors';

type Deployed = { files: RenderedFile[]; deployedAt: string } | null;

/** The current render of the main file against what was last deployed to the destination. */
export function DiffView({ setup, appName, destinationName, file }: { setup: typeof Setup; appName: string | null; destinationName: string; file: RenderedFile | undefined }) {
  const [deployed, setDeployed] = useState<Deployed | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    if (!appName) return;
    api.call('apps.lastDeployed', { name: appName, destination: destinationName }).then(
      (d) => {
        if (!current) return;
        setDeployed(d);
        setError(null);
      },
      (err: unknown) => current && setError(errorMessage(err)),
    );
    return () => {
      current = false;
    };
  }, [appName, destinationName]);

  if (error) return <p className="apps-banner apps-banner-error" role="alert">Cannot load the last deployment: {error}</p>;
  if (!appName || deployed === null) return <p className="apps-empty-state">Not deployed yet to {destinationName}.</p>;
  if (deployed === undefined || !file) return <p className="apps-empty-state">Loading…</p>;
  const before = deployed.files.find((f) => f.path === file.path)?.content ?? '';
  return (
    <div className="apps-diff">
      <p className="apps-diff-caption">
        {file.path}: deployed {new Date(deployed.deployedAt).toLocaleString()} (left) → current render (right)
      </p>
      <DiffEditor setup={setup} before={before} after={file.content} language={file.language === 'json' ? 'json' : 'yaml'} />
    </div>
  );
}

export function DiffEditor({ setup, before, after, language }: { setup: typeof Setup; before: string; after: string; language: string }) {
  const host = useRef<HTMLDivElement>(null);
  const models = useRef<{ original: ReturnType<typeof setup.monaco.editor.createModel>; modified: ReturnType<typeof setup.monaco.editor.createModel> } | null>(null);
  const { monaco } = setup;

  useEffect(() => {
    // Folding unchanged lines puts the changes in view even in long manifests.
    const diff = monaco.editor.createDiffEditor(host.current!, { automaticLayout: true, readOnly: true, renderSideBySide: true, minimap: { enabled: false }, hideUnchangedRegions: { enabled: true } });
    const original = monaco.editor.createModel('', language);
    const modified = monaco.editor.createModel('', language);
    diff.setModel({ original, modified });
    models.current = { original, modified };
    return () => {
      diff.dispose();
      models.current = null;
      // A diff still computing in the worker needs its models: disposed at once, the worker answers with no result and
      // Monaco throws "no diff result available". Disposed a moment later, the computation ends first.
      setTimeout(() => {
        original.dispose();
        modified.dispose();
      }, 2000);
    };
  }, [monaco, language]);

  useEffect(() => {
    models.current?.original.setValue(before);
    models.current?.modified.setValue(after);
  }, [before, after, language]);

  return <div className="apps-monaco" ref={host} data-testid="diff-editor" />;
}
