/**
 * Every keyboard shortcut Berth has, as one table: the shortcuts sheet lists it and the global keyboard hook
 * (use-global-keys.ts) matches its `global` entries, so the sheet cannot promise a key the app does not handle.
 * The other entries are handled where they act (tabs.ts, TerminalSearch, the resize handles, Monaco); the e2e spec
 * presses each one.
 */

export const SECTIONS = ['Everywhere', 'Command palette', 'Tabs', 'Terminal', 'Editor', 'Resize handles'] as const;
export type ShortcutSection = (typeof SECTIONS)[number];

/** The parts of a KeyboardEvent a shortcut looks at. */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

export type GlobalCommand = 'palette' | 'shortcuts';

export interface Shortcut {
  id: string;
  section: ShortcutSection;
  /** Alternatives, each a key combination: [['Ctrl', 'K'], ['⌘', 'K']]. */
  keys: string[][];
  does: string;
  /** Handled on the whole window by the global hook. */
  global?: {
    command: GlobalCommand;
    matches(e: KeyLike): boolean;
    /** Also while typing in a text field, the editor or a terminal (which would otherwise take the key). */
    inText: boolean;
  };
}

export const SHORTCUTS: readonly Shortcut[] = [
  {
    id: 'palette',
    section: 'Everywhere',
    keys: [['Ctrl', 'K'], ['⌘', 'K']],
    does: 'Command palette, also from the editor and a terminal',
    global: { command: 'palette', matches: (e) => (e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k', inText: true },
  },
  {
    id: 'shortcuts',
    section: 'Everywhere',
    keys: [['?']],
    does: 'These shortcuts (when not typing in a field, the editor or a terminal)',
    global: { command: 'shortcuts', matches: (e) => e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey, inText: false },
  },
  { id: 'escape', section: 'Everywhere', keys: [['Esc']], does: 'Close the palette, this sheet or a dialog' },
  { id: 'palette-move', section: 'Command palette', keys: [['↑'], ['↓']], does: 'Highlight the previous or next command' },
  { id: 'palette-run', section: 'Command palette', keys: [['Enter']], does: 'Run the highlighted command' },
  { id: 'tabs-move', section: 'Tabs', keys: [['←'], ['→']], does: 'Previous or next tab: app views, preview files, terminals' },
  { id: 'tabs-ends', section: 'Tabs', keys: [['Home'], ['End']], does: 'First or last tab' },
  { id: 'terminal-close', section: 'Terminal', keys: [['Delete']], does: 'Close the focused terminal tab' },
  { id: 'terminal-find-next', section: 'Terminal', keys: [['Enter'], ['Shift', 'Enter']], does: 'Next or previous match in “Find in terminal”' },
  { id: 'terminal-find-clear', section: 'Terminal', keys: [['Esc']], does: 'Clear “Find in terminal”' },
  { id: 'editor-find', section: 'Editor', keys: [['Ctrl', 'F'], ['⌘', 'F']], does: 'Find in the file shown in the preview' },
  { id: 'resize-split', section: 'Resize handles', keys: [['←'], ['→'], ['Home'], ['End']], does: 'Narrow or widen the form beside the preview' },
  { id: 'resize-terminals', section: 'Resize handles', keys: [['↑'], ['↓']], does: 'Make the terminals taller or shorter' },
];

/** The global command `e` asks for, if any; `inText` says focus is where typing goes. */
export function globalShortcut(e: KeyLike, inText: boolean): GlobalCommand | null {
  for (const { global } of SHORTCUTS) {
    if (global && (global.inText || !inText) && global.matches(e)) return global.command;
  }
  return null;
}
