import { useEffect, useRef } from 'react';
import { api } from '../../../api/api';
import { renderKey, useEditorStore } from '../model/editor-store';
import { errorMessage } from '../../../lib/errors';

export const RENDER_DEBOUNCE_MS = 150;

/**
 * Re-renders the last valid app whenever it, the destination or the secret
 * reveal changes. Edits are debounced so typing does not flood the core; an
 * app just opened (or a destination just picked) has no render yet and asks
 * at once, since nobody is typing and the preview is empty until it comes.
 * What the last answer was for is asked no more: an app opened with its render
 * (apps.open), a change that leaves the same content (the store re-derives the
 * app when a form field unmounts), a render that failed. Answers to superseded
 * requests are dropped; a failed render keeps the last good one shown.
 */
export function useRenderLoop(): void {
  const app = useEditorStore((s) => s.app);
  const destination = useEditorStore((s) => s.destination);
  const revealSecrets = useEditorStore((s) => s.revealSecrets);
  const setRender = useEditorStore((s) => s.setRender);
  // An empty preview (an app just opened, a destination just picked) is asked for at once; edits wait for a pause in typing.
  const empty = useEditorStore((s) => s.render === null && s.renderError === null);
  const renderedFor = useEditorStore((s) => s.renderedFor);
  const asked = useRef<{ key: string; seq: number; pending: boolean; timer?: ReturnType<typeof setTimeout> }>({ key: '', seq: 0, pending: false });

  useEffect(() => {
    if (!app || !destination) return;
    const key = renderKey(app, destination, revealSecrets);
    const last = asked.current;
    // Answered already (an app opened with its render, a render that failed, an edit undone before its render was
    // asked): nothing to ask, and an answer still on its way is for something else.
    if (key === renderedFor) {
      clearTimeout(last.timer);
      asked.current = { key, seq: last.seq + 1, pending: false };
      return;
    }
    if (key === last.key && last.pending) return;
    clearTimeout(last.timer);
    const seq = last.seq + 1;
    const settle = (apply: () => void) => {
      if (asked.current.seq !== seq) return;
      asked.current.pending = false;
      apply();
    };
    const request = () =>
      api.call('apps.render', { app, destination, revealSecrets }).then(
        (result) => settle(() => setRender(result, null, key)),
        (err: unknown) => settle(() => setRender(null, errorMessage(err), key)),
      );
    asked.current = { key, seq, pending: true, timer: empty ? undefined : setTimeout(() => void request(), RENDER_DEBOUNCE_MS) };
    if (empty) void request();
  }, [app, destination, revealSecrets, empty, renderedFor, setRender]);

  // Leaving the page: nothing pending fires, and no late answer lands.
  useEffect(() => () => {
    clearTimeout(asked.current.timer);
    asked.current = { key: '', seq: asked.current.seq + 1, pending: false };
  }, []);
}
