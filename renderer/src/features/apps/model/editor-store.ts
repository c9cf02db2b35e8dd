import { create } from 'zustand';
import type { App, Destination, Override } from '../../../../../shared/model/app';
import type { Diagnostic } from '../../../../../shared/model/diagnostic';
import type { RenderResult } from '../../../../../shared/api/contract';
import { checkDraft, renameKey, setIn, type Draft, type Path } from './draft';
import { withoutOverride, type OverrideRef } from './overrides';

/**
 * The app being edited. `draft` is what the form shows, typed values and all;
 * `app` is the last draft that was a valid App and is what renders and saves,
 * so a bad keystroke never blanks the preview.
 */
export interface EditorState {
  draft: Draft | null;
  app: App | null;
  /** Form errors by field key: the schema's (from the draft) and the form's own (a cleared service name). */
  issues: Record<string, string>;
  /** Problems the form found that the draft cannot show, such as a service name cleared but not yet applied. */
  formIssues: Record<string, string>;
  /** The app as last saved, to tell whether there are unsaved changes; null for an app never saved. */
  saved: string | null;
  /** Name under which the app is stored, for the last-deployed diff. */
  storedName: string | null;
  destination: Destination | null;
  revealSecrets: boolean;
  render: RenderResult | null;
  renderError: string | null;
  /** What the last render answer (the render shown, or `renderError`) was for (renderKey): the render loop asks no more for it. */
  renderedFor: string | null;
  /** Problems with the user's edits of rendered files (bad YAML, unknown objects), by file path. */
  editProblems: Record<string, Diagnostic[]>;
  /** Changes each time an app is opened, so per-app UI state starts afresh. */
  session: number;

  /** `rendered`, when given, is the app's render for `rendered.destination`; it is shown if that is still the destination. */
  open(app: App, stored: boolean, rendered?: { render: RenderResult; destination: Destination }): void;
  /** Nothing open any more (the app was deleted). */
  close(): void;
  setFormIssue(key: string, message: string | undefined): void;
  setField(path: Path, value: unknown): void;
  renameEntry(path: Path, from: string, to: string): void;
  replaceDraft(draft: Draft): void;
  /** Takes the overrides the core made from an edit of rendered output, leaving the form's own values as they are. */
  setOverrides(overrides: Override[]): void;
  /** Takes the app the core made from an edit of rendered output: definition changes (the form shows them) and overrides. */
  takeEdit(app: App): void;
  resetOverride(ref: OverrideRef): void;
  setDestination(destination: Destination | null): void;
  setRevealSecrets(reveal: boolean): void;
  /** `key` is the renderKey of what was rendered; a failed render keeps the last good render shown. */
  setRender(render: RenderResult | null, error: string | null, key: string): void;
  setEditProblems(path: string, problems: Diagnostic[]): void;
  markSaved(app: App): void;
}

const json = (app: App | null) => (app ? JSON.stringify(app) : null);

/** Identifies one render: of this app, for this destination, with secrets shown or not. */
export const renderKey = (app: App, destination: Destination, revealSecrets: boolean) => JSON.stringify([app, destination, revealSecrets]);

export const useEditorStore = create<EditorState>((set, get) => {
  const update = (draft: Draft) => {
    const check = checkDraft(draft);
    set({ draft, issues: { ...check.issues, ...get().formIssues }, ...(check.app ? { app: check.app } : {}) });
  };
  return {
    draft: null,
    app: null,
    issues: {},
    formIssues: {},
    saved: null,
    storedName: null,
    destination: null,
    revealSecrets: false,
    render: null,
    renderError: null,
    renderedFor: null,
    editProblems: {},
    session: 0,

    open: (app, stored, rendered) =>
      set((s) => {
        const current = rendered && s.destination && JSON.stringify(rendered.destination) === JSON.stringify(s.destination);
        return {
          session: s.session + 1, draft: app, app, issues: {}, formIssues: {}, saved: stored ? json(app) : null, storedName: stored ? app.name : null,
          render: current ? rendered.render : null, renderError: null, renderedFor: current ? renderKey(app, s.destination!, false) : null, editProblems: {}, revealSecrets: false,
        };
      }),
    close: () => set((s) => ({ session: s.session + 1, draft: null, app: null, issues: {}, formIssues: {}, saved: null, storedName: null, render: null, renderError: null, renderedFor: null, editProblems: {} })),
    setFormIssue: (key, message) => {
      const { [key]: _gone, ...rest } = get().formIssues;
      set({ formIssues: message === undefined ? rest : { ...rest, [key]: message } });
      const { draft } = get();
      if (draft) update(draft);
    },
    setField: (path, value) => {
      const { draft } = get();
      if (draft) update(setIn(draft, path, value));
    },
    renameEntry: (path, from, to) => {
      const { draft } = get();
      if (draft) update(renameKey(draft, path, from, to));
    },
    replaceDraft: (draft) => update(draft),
    setOverrides: (overrides) => {
      const { draft, app } = get();
      if (!draft || !app) return;
      const check = checkDraft({ ...draft, overrides });
      set({ draft: { ...draft, overrides }, issues: { ...check.issues, ...get().formIssues }, app: check.app ?? { ...app, overrides } });
    },
    takeEdit: (app) => update(app),
    resetOverride: (ref) => {
      const { app } = get();
      if (app) get().setOverrides(withoutOverride(app, ref).overrides);
    },
    setDestination: (destination) => set({ destination, render: null, renderError: null, renderedFor: null, editProblems: {} }),
    setRevealSecrets: (revealSecrets) => set({ revealSecrets }),
    setRender: (render, renderError, key) => set(render ? { render, renderError, renderedFor: key } : { renderError, renderedFor: key }),
    setEditProblems: (path, problems) => set((s) => ({ editProblems: { ...s.editProblems, [path]: problems } })),
    markSaved: (app) => set({ saved: json(app), storedName: app.name }),
  };
});

/** Unsaved when the valid app differs from the saved one, or the form holds something that is not valid yet. */
export function isDirty(s: Pick<EditorState, 'app' | 'saved' | 'issues'>): boolean {
  return Object.keys(s.issues).length > 0 || json(s.app) !== s.saved;
}
