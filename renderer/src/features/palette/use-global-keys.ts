import { useEffect } from 'react';
import { globalShortcut } from './shortcuts';
import { useLayer } from './palette-store';

const NOT_TEXT = new Set(['button', 'checkbox', 'color', 'file', 'image', 'radio', 'range', 'reset', 'submit']);

/** Whether keys pressed here are typing: a text field, a select, the editor (Monaco) or a terminal (xterm). */
function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.closest('.monaco-editor, .xterm')) return true;
  if (target instanceof HTMLInputElement) return !NOT_TEXT.has(target.type);
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

/**
 * Ctrl/Cmd-K and `?` for the whole window. Listened for in the capture phase on window, before the target sees the
 * key: Monaco (Ctrl-K starts its chords) and xterm (it sends ^K to the shell) would otherwise swallow it.
 */
export function useGlobalKeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.repeat) return;
      const command = globalShortcut(e, typingIn(e.target));
      if (!command) return;
      const { shown, show } = useLayer.getState();
      // Another dialog (a form, a deploy plan) is modal: the palette waits until it is closed, as its page does.
      if (!shown && document.querySelector('dialog[open]')) return;
      e.preventDefault();
      e.stopPropagation();
      show(shown === command ? null : command);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
}
