import { useState } from 'react';
import type { MethodOutput } from '../../../../../shared/api/contract';
import { ResourceName } from '../../../../../shared/model/app';

type Summary = MethodOutput<'apps.list'>[number];

/** Saved apps, plus creating one from scratch or from a compose file. */
export function AppList({ apps, selected, unsaved, error, onSelect, onCreate, onImport }: {
  apps: Summary[];
  selected: string | null;
  /** Name of an app being edited that was never saved; it shows in the list so it is not mistaken for lost. */
  unsaved: string | null;
  error: string | null;
  onSelect: (name: string) => void;
  onCreate: (name: string) => void;
  onImport: () => void;
}) {
  const [name, setName] = useState('');
  const check = name ? ResourceName.safeParse(name) : null;
  const taken = apps.some((a) => a.name === name);
  return (
    <nav className="apps-list-pane" aria-label="Apps">
      <h2>Apps</h2>
      {error && <p className="apps-field-error" role="alert">{error}</p>}
      <ul className="apps-app-list">
        {apps.map((a) => (
          <li key={a.name}>
            <button type="button" aria-current={selected === a.name} onClick={() => onSelect(a.name)}>
              <span>{a.name}</span>
              <span className="apps-muted">{a.services} service{a.services === 1 ? '' : 's'}</span>
            </button>
          </li>
        ))}
        {unsaved !== null && (
          <li>
            <button type="button" aria-current>
              <span>{unsaved || 'unnamed'}</span>
              <span className="apps-muted">not saved yet</span>
            </button>
          </li>
        )}
        {apps.length === 0 && unsaved === null && !error && <li className="apps-hint">No apps yet.</li>}
      </ul>
      <form className="apps-new" onSubmit={(e) => { e.preventDefault(); if (check?.success && !taken) { onCreate(name); setName(''); } }}>
        <input aria-label="New app name" placeholder="new-app-name" value={name} spellCheck={false} onChange={(e) => setName(e.target.value.toLowerCase())} />
        <button type="submit" disabled={!check?.success || taken}>New app</button>
        {check && !check.success && <span className="apps-field-error">{check.error.issues[0]?.message}</span>}
        {taken && <span className="apps-field-error">An app with this name exists.</span>}
      </form>
      <button type="button" className="apps-add" onClick={onImport}>Import docker-compose…</button>
    </nav>
  );
}
