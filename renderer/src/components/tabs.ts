import { useId, type KeyboardEvent } from 'react';

/**
 * The ARIA tabs pattern (WAI-ARIA APG, automatic activation) for any row of tabs: one tab in the Tab order (the
 * selected one), the arrow keys move and select, Home and End jump to the ends; each tab names the panel it
 * controls and the panel is labelled by the selected tab. Used by every tab row so they all behave alike.
 */
export function useTabs<K extends string>({ keys, selected, onSelect, onDelete }: {
  keys: readonly K[];
  selected: K | null;
  onSelect(key: K): void;
  /** Delete on a tab closes it, for rows whose tabs can be closed. */
  onDelete?(key: K): void;
}) {
  const base = useId();
  // Keys are file paths or terminal ids; an index keeps the ids valid whatever the key holds.
  const tabId = (key: K) => `${base}-tab-${keys.indexOf(key)}`;
  const panelId = `${base}-panel`;

  const move = (from: K, e: KeyboardEvent) => {
    const i = keys.indexOf(from);
    const next = e.key === 'ArrowRight' ? keys[(i + 1) % keys.length]
      : e.key === 'ArrowLeft' ? keys[(i - 1 + keys.length) % keys.length]
        : e.key === 'Home' ? keys[0]
          : e.key === 'End' ? keys[keys.length - 1]
            : undefined;
    if (e.key === 'Delete' && onDelete) {
      e.preventDefault();
      onDelete(from);
      return;
    }
    if (next === undefined) return;
    e.preventDefault();
    onSelect(next);
    document.getElementById(tabId(next))?.focus();
  };

  return {
    tab: (key: K) => ({
      id: tabId(key),
      role: 'tab' as const,
      'aria-selected': key === selected,
      'aria-controls': panelId,
      // Only the selected tab is in the Tab order (the first one while none is): arrows move between the others.
      tabIndex: key === selected || (selected === null && key === keys[0]) ? 0 : -1,
      onClick: () => onSelect(key),
      onKeyDown: (e: KeyboardEvent) => move(key, e),
      ...(onDelete ? { 'aria-keyshortcuts': 'Delete' } : {}),
    }),
    panel: () => ({
      id: panelId,
      role: 'tabpanel' as const,
      ...(selected !== null && keys.includes(selected) ? { 'aria-labelledby': tabId(selected) } : {}),
    }),
  };
}
