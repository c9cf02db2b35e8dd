import { useEffect } from 'react';
import { api } from '../../../api/api';
import { useEditorStore } from '../model/editor-store';
import { errorMessage } from '../../../lib/errors';

export const RENDER_DEBOUNCE_MS = 150;

/**
 * Re-renders the last valid app whenever it, the destination or the secret
 * reveal changes, debounced so typing does not flood the core. Answers to
 * superseded requests are dropped; a failed render keeps the last good one.
 */
export function useRenderLoop(): void {
  const app = useEditorStore((s) => s.app);
  const destination = useEditorStore((s) => s.destination);
  const revealSecrets = useEditorStore((s) => s.revealSecrets);
  const setRender = useEditorStore((s) => s.setRender);

  useEffect(() => {
    if (!app || !destination) return;
    let current = true;
    const timer = setTimeout(() => {
      api.call('apps.render', { app, destination, revealSecrets }).then(
        (result) => current && setRender(result, null),
        (err: unknown) => current && setRender(null, errorMessage(err)),
      );
    }, RENDER_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [app, destination, revealSecrets, setRender]);
}
