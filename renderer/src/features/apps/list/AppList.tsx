import { useId, useState } from 'react';
import type { MethodOutput } from '../../../../../shared/api/contract';
import { ResourceName } from '../../../../../shared/model/app';
import { issueMessage } from '../../../../../shared/api/issue-messages';
import { appNameFrom } from '../model/new-app';

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
  const [typed, setTyped] = useState('');
  const noteId = useId();
  const name = appNameFrom(typed);
  const check = typed.trim() ? ResourceName.safeParse(name) : null;
  const taken = apps.some((a) => a.name === name);
  const changed = typed.trim() !== '' && name !== typed;
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
      <form className="apps-new" onSubmit={(e) => { e.preventDefault(); if (check?.success && !taken) { onCreate(name); setTyped(''); } }}>
        <input aria-label="New app name" aria-describedby={noteId} placeholder="new-app-name" value={typed} spellCheck={false} onChange={(e) => setTyped(e.target.value)} />
        <button type="submit" disabled={!check?.success || taken}>New app</button>
        <span id={noteId} className="apps-new-note">
          {check && !check.success && <span className="apps-field-error">{issueMessage(check.error.issues[0]!, 'app name')}</span>}
          {check?.success && taken && <span className="apps-field-error">An app named &quot;{name}&quot; already exists. Choose another name, or open it above.</span>}
          {check?.success && !taken && changed && <span className="apps-hint" data-testid="app-name-changed">Names use lowercase letters, digits and dashes: it will be called &quot;{name}&quot;.</span>}
        </span>
      </form>
      <button type="button" className="apps-add" onClick={onImport}>Import docker-compose…</button>
    </nav>
  );
}
