import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { YAMLException } from 'js-yaml';
import { dumpYamlText, loadYaml } from '../../../../../shared/yaml/bounded-yaml';
import { api } from '../../../api/api';
import type { RenderedFile } from '../../../../../shared/api/contract';
import type { Diagnostic } from '../../../../../shared/model/diagnostic';
import { loadEditor, loadedEditor } from '../monaco/load-monaco';
import type * as Setup from '../monaco/monaco-setup';
import { useEditorStore } from '../model/editor-store';
import { CodeEditor } from './CodeEditor';
import { DiffView } from './DiffView';
import { OverridesList } from './OverridesList';
import { ProblemsList } from './ProblemsList';
import { errorMessage } from '../../../lib/errors';
import { useTabs } from '../../../components/tabs';

export const EDIT_DEBOUNCE_MS = 400;
const BERTH_FILE = 'berth.yaml';
const DIFF_TAB = 'diff';

const hasErrors = (ds: Diagnostic[]) => ds.some((d) => d.severity === 'error');
/** The files that hold secret values, masked until revealed: `.env.<service>` and the `.secrets/` files. */
const isSecretFile = (path: string) => path === '.env' || path.startsWith('.env.') || path.startsWith('.secrets/');

/** Rendered output in Monaco tabs, the app definition as berth.yaml, the diff, overrides and problems. */
export function Preview() {
  const [setup, setSetup] = useState<typeof Setup | null>(loadedEditor);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [tab, setTab] = useState<string | null>(null);
  const [held, setHeld] = useState<ReadonlySet<string>>(new Set());
  const [revision, setRevision] = useState(0);
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());

  const app = useEditorStore((s) => s.app);
  const render = useEditorStore((s) => s.render);
  const renderError = useEditorStore((s) => s.renderError);
  const destination = useEditorStore((s) => s.destination);
  const storedName = useEditorStore((s) => s.storedName);
  const revealSecrets = useEditorStore((s) => s.revealSecrets);
  const editProblems = useEditorStore((s) => s.editProblems);
  const formIssues = useEditorStore((s) => s.issues);
  const { setRevealSecrets, setEditProblems, takeEdit, replaceDraft } = useEditorStore.getState();

  useEffect(() => {
    let current = true;
    if (loadedEditor()) return;
    loadEditor().then(
      (mod) => current && setSetup(mod),
      (err: unknown) => current && setLoadError(errorMessage(err)),
    );
    return () => {
      current = false;
    };
  }, []);

  useEffect(() => () => timers.current.forEach(clearTimeout), []);

  // One preview (and one Monaco editor) serves every app opened: creating them per app was most of what opening an
  // app cost. What belongs to the app before is dropped when another opens: its tab, its held edits, and above all
  // its pending edit timers, which would otherwise apply its text to the new app.
  const session = useEditorStore((s) => s.session);
  const [shownSession, setShownSession] = useState(session);
  if (shownSession !== session) {
    setShownSession(session);
    setTab(null);
    setHeld(new Set());
  }
  useLayoutEffect(() => {
    const pending = timers.current;
    pending.forEach(clearTimeout);
    pending.clear();
  }, [session]);

  const berthYaml = useMemo(() => (app ? dumpYamlText(app, { lineWidth: -1, noRefs: true }) : ''), [app]);
  const files: RenderedFile[] = useMemo(
    () => [...(render?.files ?? []), { path: BERTH_FILE, language: 'yaml', content: berthYaml, editable: true }],
    [render, berthYaml],
  );
  const mainFile = render?.files.find((f) => f.editable);
  const activeTab = tab && (tab === DIFF_TAB || files.some((f) => f.path === tab)) ? tab : (files[0]?.path ?? BERTH_FILE);

  const release = useCallback((path: string) => setHeld((h) => {
    if (!h.has(path)) return h;
    const next = new Set(h);
    next.delete(path);
    return next;
  }), []);

  const applyBerthYaml = useCallback((text: string) => {
    try {
      const parsed = loadYaml(text);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        return setEditProblems(BERTH_FILE, [{ severity: 'error', code: 'NOT_A_MAPPING', message: 'berth.yaml must be a mapping (apiVersion, kind, name, services…).', line: 1 }]);
      }
      setEditProblems(BERTH_FILE, []);
      replaceDraft(parsed as Record<string, unknown>);
      // Keep the text while it is not a valid app (the schema markers say why); release it once it is.
      if (Object.keys(useEditorStore.getState().issues).length === 0) release(BERTH_FILE);
    } catch (err) {
      if (!(err instanceof YAMLException)) throw err;
      setEditProblems(BERTH_FILE, [{ severity: 'error', code: 'YAML_SYNTAX', message: err.reason, line: (err.mark?.line ?? 0) + 1, column: (err.mark?.column ?? 0) + 1 }]);
    }
  }, [release, replaceDraft, setEditProblems]);

  const applyRenderedEdit = useCallback(async (path: string, text: string) => {
    const { app: base, destination: dest } = useEditorStore.getState();
    if (!base || !dest) return;
    try {
      const result = await api.call('apps.applyEdit', { app: base, destination: dest, path, content: text });
      setEditProblems(path, result.diagnostics);
      if (hasErrors(result.diagnostics)) return;
      // What the definition models changed the definition, so the form and every target follow; the rest is overrides.
      takeEdit(result.app);
      release(path);
    } catch (err) {
      setEditProblems(path, [{ severity: 'error', code: 'EDIT_FAILED', message: errorMessage(err) }]);
    }
  }, [release, setEditProblems, takeEdit]);

  const onEdit = useCallback((path: string, text: string) => {
    setHeld((h) => (h.has(path) ? h : new Set(h).add(path)));
    clearTimeout(timers.current.get(path));
    timers.current.set(path, setTimeout(() => {
      if (path === BERTH_FILE) applyBerthYaml(text);
      else void applyRenderedEdit(path, text);
    }, EDIT_DEBOUNCE_MS));
  }, [applyBerthYaml, applyRenderedEdit]);

  const discardEdit = (path: string) => {
    clearTimeout(timers.current.get(path));
    setEditProblems(path, []);
    release(path);
    setRevision((r) => r + 1);
  };

  const tabs = useTabs({ keys: [...files.map((f) => f.path), DIFF_TAB], selected: activeTab, onSelect: setTab });
  // Fields the form marks invalid are problems too: the preview then shows the last valid app, not what was typed.
  const fieldProblems = useMemo(
    () => Object.entries(formIssues).map(([field, message]): Diagnostic => ({ severity: 'error', code: 'INVALID_FIELD', message, field })),
    [formIssues],
  );
  const problems = [...fieldProblems, ...(render?.diagnostics ?? []), ...Object.values(editProblems).flat()];
  const brokenEdits = Object.entries(editProblems).filter(([path, ds]) => held.has(path) && hasErrors(ds));

  return (
    <div className="apps-preview">
      <div className="apps-tabs">
        {/* Only tabs inside the tablist (ARIA); the secrets toggle sits beside it. It scrolls rather than cut tabs off. */}
        <div className="apps-tablist" role="tablist" aria-label="Preview files">
          {files.map((f) => (
            <button key={f.path} type="button" className="apps-tab" {...tabs.tab(f.path)}>
              {f.path}
              {held.has(f.path) && <span className="apps-tab-dot" title="edited" />}
            </button>
          ))}
          <button type="button" className="apps-tab" {...tabs.tab(DIFF_TAB)}>
            Diff
          </button>
        </div>
        {isSecretFile(activeTab) && (
          <button type="button" className="apps-small-button apps-tabs-end" aria-pressed={revealSecrets} onClick={() => setRevealSecrets(!revealSecrets)}>
            {revealSecrets ? 'Hide secrets' : 'Reveal secrets'}
          </button>
        )}
      </div>
      {renderError && <p className="apps-banner apps-banner-error" role="alert">Render failed: {renderError}. Showing the last good render.</p>}
      {brokenEdits.map(([path, ds]) => (
        <p key={path} className="apps-banner apps-banner-error" role="alert" data-testid="edit-error">
          {path}: {ds.find((d) => d.severity === 'error')?.message}
          {ds[0]?.line !== undefined && ` (line ${ds[0].line})`}. Your text is kept; the preview shows the last good render.
          <button type="button" className="apps-small-button" onClick={() => discardEdit(path)}>Discard my edit</button>
        </p>
      ))}
      <div className="apps-editor-area" {...tabs.panel()}>
        {loadError && <p className="apps-banner apps-banner-error" role="alert">The editor failed to load: {loadError}</p>}
        {!setup && !loadError && <p className="apps-empty-state">Loading editor…</p>}
        {setup && (
          <>
            <div className="apps-editor-slot" hidden={activeTab === DIFF_TAB}>
              <CodeEditor setup={setup} session={session} files={files} active={activeTab === DIFF_TAB ? (files[0]?.path ?? BERTH_FILE) : activeTab} held={held} revision={revision} problems={editProblems} onEdit={onEdit} />
            </div>
            {activeTab === DIFF_TAB && destination && (
              <DiffView setup={setup} appName={storedName} destinationName={destination.name} file={mainFile} />
            )}
          </>
        )}
      </div>
      {/* It scrolls when the lists are long: focusable, so the keyboard can scroll it too. */}
      <div className="apps-panels" role="region" aria-label="Preview panels" tabIndex={0}>
        <OverridesList />
        <ProblemsList diagnostics={problems} />
      </div>
    </div>
  );
}
