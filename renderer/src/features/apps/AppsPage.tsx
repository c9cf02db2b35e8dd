import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/api';
import type { App } from '../../../../shared/model/app';
import type { MethodOutput } from '../../../../shared/api/contract';
import { isDirty, useEditorStore } from './model/editor-store';
import { newApp } from './model/new-app';
import { AppList } from './list/AppList';
import { ImportDialog } from './list/ImportDialog';
import { AppForm } from './form/AppForm';
import { DestinationPicker } from './destinations/DestinationPicker';
import { Preview } from './preview/Preview';
import { useRenderLoop } from './preview/useRenderLoop';
import './apps.css';
import { errorMessage } from '../../lib/errors';


/** The Apps page: the app list, and for the open app its form beside the rendered preview. */
export default function AppsPage() {
  const [apps, setApps] = useState<MethodOutput<'apps.list'>>([]);
  const [listError, setListError] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const app = useEditorStore((s) => s.app);
  const draftName = useEditorStore((s) => (s.draft ? String(s.draft.name ?? '') : null));
  const storedName = useEditorStore((s) => s.storedName);
  const session = useEditorStore((s) => s.session);
  const dirty = useEditorStore(isDirty);
  const invalid = useEditorStore((s) => Object.keys(s.issues).length > 0);
  const { open, markSaved } = useEditorStore.getState();
  useRenderLoop();

  const refresh = useCallback(() => {
    api.call('apps.list', {}).then(
      (list) => {
        setApps(list);
        setListError(null);
      },
      (err: unknown) => setListError(`Cannot list apps: ${errorMessage(err)}`),
    );
  }, []);
  useEffect(refresh, [refresh]);

  const confirmLeave = () => !useEditorStore.getState().draft || !isDirty(useEditorStore.getState()) || window.confirm('Discard unsaved changes to this app?');

  const select = async (name: string) => {
    if (!confirmLeave()) return;
    try {
      open(await api.call('apps.get', { name }), true);
    } catch (err) {
      setListError(`Cannot open ${name}: ${errorMessage(err)}`);
    }
  };

  const openUnsaved = (next: App) => {
    if (!confirmLeave()) return;
    open(next, false);
    setImporting(false);
  };

  const save = async () => {
    if (!app || invalid) return;
    setSaving(true);
    setSaveError(null);
    try {
      await api.call('apps.save', { app });
      markSaved(app);
      refresh();
    } catch (err) {
      setSaveError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="apps-page">
      <AppList apps={apps} selected={storedName} unsaved={storedName === null ? draftName : null} error={listError} onSelect={(n) => void select(n)} onCreate={(n) => openUnsaved(newApp(n))} onImport={() => setImporting(true)} />
      {draftName === null ? (
        <div className="apps-empty-state apps-main">Choose an app, create one, or import a docker-compose file.</div>
      ) : (
        <div className="apps-main">
          <header className="apps-toolbar">
            <h1>
              {draftName || 'unnamed'}
              {dirty && <span className="apps-dirty" title="Unsaved changes" aria-label="Unsaved changes">●</span>}
            </h1>
            <DestinationPicker />
            <span className="apps-toolbar-end">
              {invalid && <span className="apps-field-error">Fix the marked fields to save; the preview shows the last valid version.</span>}
              {saveError && <span className="apps-field-error" role="alert">{saveError}</span>}
              <button type="button" className="apps-primary" disabled={!dirty || invalid || saving} onClick={() => void save()}>
                {saving ? 'Saving…' : dirty ? 'Save' : 'Saved'}
              </button>
            </span>
          </header>
          <div className="apps-split">
            <div className="apps-form-pane"><AppForm key={session} /></div>
            <Preview key={session} />
          </div>
        </div>
      )}
      {importing && (
        <div className="apps-modal" role="dialog" aria-modal="true">
          <ImportDialog onCancel={() => setImporting(false)} onOpen={openUnsaved} />
        </div>
      )}
    </section>
  );
}
