import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { AppSummary } from '../../../../../shared/api/contract';
import { ResourceName } from '../../../../../shared/model/app';
import { issueMessage } from '../../../../../shared/api/issue-messages';
import { FilterField, NoMatches } from '../../../components/FilterField';
import { counted, type Noun } from '../../../lib/format';
import { filterItems } from '../../../components/filter-match';
import { useVirtualRows } from '../../../components/useVirtualRows';
import { appNameFrom } from '../../../../../shared/model/new-app';

const NOUN: Noun = ['app', 'apps'];
/** One line of 13 px text in a padded button, plus the list's gap; rows measure themselves once drawn. */
const ROW_PX = 27;
const ROW_GAP_PX = 2;
/** Rows drawn beyond the visible ones, so a short scroll or the arrow keys land on rows that exist already. */
const OVERSCAN = 20;
/** The list gives way to the New app form on a short window, but keeps about four rows. */
const MIN_LIST_PX = 4 * (ROW_PX + ROW_GAP_PX);

type Row = { kind: 'app'; app: AppSummary } | { kind: 'unsaved'; name: string };
const rowKey = (row: Row) => (row.kind === 'app' ? `app:${row.app.name}` : 'unsaved');
const appFields = (a: AppSummary) => [a.name];

/**
 * Saved apps, plus creating one from scratch or from a compose file. The list
 * draws only the rows in view (there may be thousands), each still a button in
 * a list item that says its place in the whole list.
 */
export function AppList({ apps, loaded, selected, unsaved, error, onSelect, onCreate, onImport }: {
  apps: AppSummary[];
  /** False until the first list arrived, so "No apps yet." does not flash while it loads. */
  loaded: boolean;
  selected: string | null;
  /** Name of an app being edited that was never saved; it shows in the list so it is not mistaken for lost. */
  unsaved: string | null;
  error: string | null;
  onSelect: (name: string) => void;
  onCreate: (name: string) => void;
  onImport: () => void;
}) {
  const [typed, setTyped] = useState('');
  const [query, setQuery] = useState('');
  const noteId = useId();
  const listId = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  const filterRef = useRef<HTMLInputElement>(null);
  const name = appNameFrom(typed);
  const check = typed.trim() ? ResourceName.safeParse(name) : null;
  const taken = apps.some((a) => a.name === name);
  const changed = typed.trim() !== '' && name !== typed;

  const shown = useMemo(() => filterItems(apps, query, appFields), [apps, query]);
  // The app being made is always listed, first, whatever the filter: it is what the editor shows.
  const rows = useMemo<Row[]>(() => [...(unsaved !== null ? [{ kind: 'unsaved' as const, name: unsaved }] : []), ...shown.map((app) => ({ kind: 'app' as const, app }))], [shown, unsaved]);

  const list = useVirtualRows({ count: rows.length, estimatePx: ROW_PX, gapPx: ROW_GAP_PX, overscan: OVERSCAN, rowKey: (i) => rowKey(rows[i]!), scrollRef, topOn: query });

  // The open app is brought into view when it changes (opened from elsewhere, or the list arrived), not on every refresh.
  const scrolledTo = useRef<string | null>(null);
  const selectedIndex = selected === null ? -1 : rows.findIndex((r) => r.kind === 'app' && r.app.name === selected);
  const { scrollTo } = list;
  useEffect(() => {
    if (selectedIndex < 0 || scrolledTo.current === selected) return;
    scrolledTo.current = selected;
    scrollTo(selectedIndex);
  }, [selected, selectedIndex, scrollTo]);

  // Arrow keys, Home and End move along the whole list, drawn or not.
  const move = (e: KeyboardEvent, index: number) => {
    const next = e.key === 'ArrowDown' ? index + 1 : e.key === 'ArrowUp' ? index - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? rows.length - 1 : null;
    if (next === null || next < 0 || next >= rows.length) return;
    e.preventDefault();
    list.focusRow(next);
  };

  const clearFilter = () => {
    setQuery('');
    filterRef.current?.focus();
  };

  return (
    <nav className="apps-list-pane" aria-label="Apps">
      <h2>Apps</h2>
      {error && <p className="apps-field-error" role="alert">{error}</p>}
      <FilterField label="Filter apps" placeholder="Filter by name" value={query} onChange={setQuery} shown={shown.length} total={apps.length} noun={NOUN} controls={listId} inputRef={filterRef} className="apps-filter" />
      <div className="apps-list-scroll" ref={scrollRef} style={{ minHeight: Math.min(MIN_LIST_PX, list.totalPx) }} {...list.containerProps}>
        <ul id={listId} className="apps-app-list" style={{ height: list.totalPx }}>
          {list.items.map((item) => {
            const row = rows[item.index]!;
            return (
              <li key={item.key} {...list.rowProps(item)}>
                {row.kind === 'app' ? (
                  <button type="button" aria-current={selected === row.app.name} onClick={() => onSelect(row.app.name)} onKeyDown={(e) => move(e, item.index)}>
                    <span>{row.app.name}</span>
                    <span className="apps-muted">{counted(row.app.services, ['service', 'services'])}</span>
                  </button>
                ) : (
                  <button type="button" aria-current onKeyDown={(e) => move(e, item.index)}>
                    <span>{row.name || 'unnamed'}</span>
                    <span className="apps-muted">not saved yet</span>
                  </button>
                )}
              </li>
            );
          })}
        </ul>
        {loaded && apps.length === 0 && unsaved === null && !error && <p className="apps-hint">No apps yet.</p>}
        {apps.length > 0 && shown.length === 0 && <NoMatches query={query} total={apps.length} noun={NOUN} onClear={clearFilter} />}
      </div>
      <form className="apps-new" onSubmit={(e) => { e.preventDefault(); if (check?.success && !taken) { onCreate(name); setTyped(''); } }}>
        <input aria-label="New app name" aria-describedby={noteId} placeholder="new-app-name" value={typed} spellCheck={false} onChange={(e) => setTyped(e.target.value)} />
        <button type="submit" disabled={!check?.success || taken}>New app</button>
        <span id={noteId} className="apps-new-note">
          {check && !check.success && <span className="apps-field-error">{issueMessage(check.error.issues[0]!, 'app name')}</span>}
          {check?.success && taken && <span className="apps-field-error">An app named &quot;{name}&quot; already exists. Choose another name, or filter the list above to open it.</span>}
          {check?.success && !taken && changed && <span className="apps-hint" data-testid="app-name-changed">Names use lowercase letters, digits and dashes: it will be called &quot;{name}&quot;.</span>}
        </span>
      </form>
      <button type="button" className="apps-add" onClick={onImport}>Import compose file…</button>
    </nav>
  );
}
