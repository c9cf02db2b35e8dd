import { useCallback, useEffect, useId, useRef, useState, type CSSProperties } from 'react';
import { api } from '../../api/api';
import type { App } from '../../../../shared/model/app';
import { isDirty, useEditorStore } from './model/editor-store';
import { newApp } from '../../../../shared/model/new-app';
import { AppList } from './list/AppList';
import { useAppsList } from './model/apps-list-store';
import { ImportDialog } from './list/ImportDialog';
import { AppActions } from './list/AppActions';
import { AppForm } from './form/AppForm';
import { DestinationPicker, keepOrPickDestination } from './destinations/DestinationPicker';
import { Preview } from './preview/Preview';
import { useRenderLoop } from './preview/useRenderLoop';
import './apps.css';
import { errorMessage } from '../../lib/errors';
import { DeployButton } from '../deploys/DeployButton';
import { DeploysView } from '../deploys/DeploysView';
import { StatusView } from '../deploys/StatusView';
import { useDeploys, type AppView } from '../deploys/deploys-store';
import { useIntent } from '../../stores/navigation-store';
import '../deploys/deploys.css';
import { Dialog } from '../../components/Dialog';
import { useTabs } from '../../components/tabs';
import { SplitResizer } from './SplitResizer';
import { FORM_MIN_PX, HANDLE_PX, PREVIEW_MIN_PX, storeFraction, storedFraction } from './split-width';

const VIEWS: { view: AppView; label: string }[] = [
  { view: 'definition', label: 'Definition' },
  { view: 'deploys', label: 'Deploys' },
  { view: 'status', label: 'Status' },
];


/** The Apps page: the app list, and for the open app its form beside the rendered preview. */
export default function AppsPage() {
  // The list outlives the page: a visit shows the last one at once while a fresh one loads.
  const apps = useAppsList((s) => s.apps);
  const appsLoaded = useAppsList((s) => s.loaded);
  const appsError = useAppsList((s) => s.error);
  const [listError, setListError] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  // A destination picked from the palette while no app is open: said in the empty state, which has no picker.
  const [picked, setPicked] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const app = useEditorStore((s) => s.app);
  const draftName = useEditorStore((s) => (s.draft ? String(s.draft.name ?? '') : null));
  const storedName = useEditorStore((s) => s.storedName);
  const session = useEditorStore((s) => s.session);
  const dirty = useEditorStore(isDirty);
  const invalid = useEditorStore((s) => Object.keys(s.issues).length > 0);
  const destination = useEditorStore((s) => s.destination);
  const view = useDeploys((s) => s.view);
  const { open, close, markSaved, setDestination } = useEditorStore.getState();
  const { setView, select: selectDeploy } = useDeploys.getState();
  const viewTabs = useTabs({ keys: VIEWS.map((v) => v.view), selected: view, onSelect: setView });
  const splitRef = useRef<HTMLDivElement>(null);
  const formPaneId = useId();
  const [formFraction, setFormFraction] = useState(storedFraction);
  const resizeSplit = (fraction: number) => {
    setFormFraction(fraction);
    storeFraction(fraction);
  };
  useRenderLoop();

  const refresh = useCallback(() => {
    void useAppsList.getState().load().then(() => setListError(null));
  }, []);
  useEffect(refresh, [refresh]);
  // The destination is known before the first app opens, so that open brings its render too. A failure is the
  // picker's to show, once an app is open.
  useEffect(() => {
    if (!useEditorStore.getState().destination) api.call('destinations.list', {}).then(keepOrPickDestination, () => undefined);
  }, []);

  const confirmLeave = () => !useEditorStore.getState().draft || !isDirty(useEditorStore.getState()) || window.confirm('Discard unsaved changes to this app?');

  // A stored app with its render for the editor's destination, in one round trip; open() shows the render only if
  // that is still the destination when the answer comes.
  const openStored = async (name: string) => {
    const destination = useEditorStore.getState().destination;
    const opened = await api.call('apps.open', { name, destination });
    open(opened.app, true, opened.render && destination ? { render: opened.render, destination } : undefined);
  };

  const select = async (name: string) => {
    if (!confirmLeave()) return;
    try {
      await openStored(name);
      selectDeploy(null);
    } catch (err) {
      setListError(`Cannot open ${name}: ${errorMessage(err)}`);
    }
  };

  const openUnsaved = (next: App) => {
    if (!confirmLeave()) return;
    open(next, false);
    selectDeploy(null);
    setView('definition');
    setImporting(false);
  };

  // "Show" on a deploy (the sidebar, a toast, the Overview, Activity): its app, destination and deploy.
  useIntent(['showDeploy'], (wanted) => {
    void (async () => {
      if (useEditorStore.getState().storedName !== wanted.app) {
        if (!confirmLeave()) return;
        await openStored(wanted.app);
      }
      if (useEditorStore.getState().destination?.name !== wanted.destination) {
        const found = (await api.call('destinations.list', {})).find((d) => d.name === wanted.destination);
        if (found) setDestination(found);
      }
      setView('deploys');
      selectDeploy(wanted.deployId ?? null);
    })().catch((err: unknown) => setListError(`Cannot show the deploy of ${wanted.app}: ${errorMessage(err)}`));
  });

  // The Overview's (or the palette's) "Import a compose file" and "Deploy to this computer".
  useIntent(['importCompose', 'newApp'], (intent) => {
    if (intent.kind === 'importCompose') return setImporting(true);
    openUnsaved(newApp(intent.name));
    setDestination(intent.destination);
  });

  const pickDestination = async (name: string) => {
    try {
      const found = (await api.call('destinations.list', {})).find((d) => d.name === name);
      if (!found) return setListError(`There is no destination named ${name} any more.`);
      setDestination(found);
      setPicked(name);
      document.getElementById('apps-destination')?.focus();
    } catch (err) {
      setListError(`Cannot pick the destination ${name}: ${errorMessage(err)}`);
    }
  };

  // The palette's "go to an app / a destination" and "Render": what it names, shown here.
  useIntent(['openApp', 'pickDestination', 'render'], (intent) => {
    if (intent.kind === 'openApp') {
      if (storedName !== intent.name) void select(intent.name);
      return;
    }
    if (intent.kind === 'pickDestination') return void pickDestination(intent.name);
    setView('definition');
    // After the split is shown again: focus on the preview's file tab, where the arrows go through the rendered files.
    requestAnimationFrame(() => document.querySelector<HTMLElement>('.apps-preview [role="tab"][aria-selected="true"]')?.focus());
  });

  const save = async () => {
    if (!app || invalid) return;
    setSaving(true);
    setSaveError(null);
    try {
      // Saying which app this was keeps a new app from replacing a saved one, and makes a changed name a rename.
      await api.call('apps.save', { app, original: storedName });
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
      <AppList apps={apps} loaded={appsLoaded} selected={storedName} unsaved={storedName === null ? draftName : null} error={listError ?? appsError} onSelect={(n) => void select(n)} onCreate={(n) => openUnsaved(newApp(n))} onImport={() => setImporting(true)} />
      {draftName === null ? (
        <div className="apps-empty-state apps-main">
          {picked && <p>Destination {picked} is picked: the app you open next previews and deploys there.</p>}
          <p>Choose an app, create one, or import a docker-compose file.</p>
          {appsLoaded && apps.length === 0 && (
            <div className="apps-empty-start">
              <p>No apps yet. Import the compose file you already run, or type a name under the list and press New app for a small web app to start from.</p>
              <button type="button" className="apps-primary" onClick={() => setImporting(true)}>Import a compose file…</button>
            </div>
          )}
        </div>
      ) : (
        <div className="apps-main">
          <header className="apps-toolbar">
            <h1>
              {/* A long name gives way first (cut with an ellipsis, whole on hover), so the controls keep one row. */}
              <span className="apps-title" title={draftName || 'unnamed'}>{draftName || 'unnamed'}</span>
              {dirty && <span className="apps-dirty" title="Unsaved changes" aria-label="Unsaved changes">●</span>}
            </h1>
            <DestinationPicker />
            <span className="apps-toolbar-end">
              {storedName && (
                <AppActions
                  name={storedName}
                  taken={apps.map((a) => a.name)}
                  onRenamed={(renamed) => {
                    useEditorStore.getState().setField(['name'], renamed.name);
                    markSaved(renamed);
                    refresh();
                  }}
                  onDuplicated={(copy) => {
                    refresh();
                    void select(copy);
                  }}
                  onDeleted={() => {
                    close();
                    refresh();
                  }}
                />
              )}
              <button type="button" className={dirty ? 'apps-primary' : undefined} disabled={!dirty || invalid || saving} onClick={() => void save()}>
                {saving ? 'Saving…' : dirty ? 'Save' : 'Saved'}
              </button>
              <DeployButton app={storedName} destination={destination} dirty={dirty} />
            </span>
          </header>
          {/* Under the toolbar, not in it: a sentence there would push the buttons onto a second row. */}
          {(invalid || saveError) && (
            <div className="apps-toolbar-notes">
              {invalid && <span className="apps-field-error">Fix the marked fields to save; the preview shows the last valid version.</span>}
              {saveError && <span className="apps-field-error" role="alert">{saveError}</span>}
            </div>
          )}
          <div className="apps-tabs apps-views" role="tablist" aria-label="App views">
            {VIEWS.map((v) => (
              <button key={v.view} type="button" className="apps-tab" {...viewTabs.tab(v.view)}>
                {v.label}
              </button>
            ))}
          </div>
          <div className="apps-view-panel" {...viewTabs.panel()}>
            {/* The editor stays mounted behind the other views, so unsaved edits and editor state survive a look at the deploys. */}
            <div className="apps-split" ref={splitRef} hidden={view !== 'definition'} style={{ '--form-fraction': formFraction, '--form-min': `${FORM_MIN_PX}px`, '--preview-min': `${PREVIEW_MIN_PX}px`, '--handle': `${HANDLE_PX}px` } as CSSProperties}>
              <div className="apps-form-pane" id={formPaneId}><AppForm key={session} /></div>
              <SplitResizer split={splitRef} fraction={formFraction} onChange={resizeSplit} controls={formPaneId} />
              <Preview />
            </div>
            {view !== 'definition' && !storedName && <p className="apps-empty-state">Save the app first; its deploys and containers then show here.</p>}
            {view === 'deploys' && storedName && destination && <DeploysView key={`${storedName}/${destination.name}`} app={storedName} destination={destination} />}
            {view === 'status' && storedName && destination && <StatusView key={`${storedName}/${destination.name}`} app={storedName} destination={destination} />}
          </div>
        </div>
      )}
      {importing && (
        <Dialog title="Import a docker-compose file" onCancel={() => setImporting(false)} wide className="dialog-form">
          <ImportDialog onCancel={() => setImporting(false)} onOpen={openUnsaved} />
        </Dialog>
      )}
    </section>
  );
}
