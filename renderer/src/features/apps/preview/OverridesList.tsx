import { useEditorStore } from '../model/editor-store';

/** The user's edits of rendered output; one whose object is gone is flagged so it can be reset. */
export function OverridesList() {
  const statuses = useEditorStore((s) => s.render?.overrides) ?? [];
  const resetOverride = useEditorStore((s) => s.resetOverride);
  return (
    <section className="apps-panel" aria-label="Overrides">
      <h3>Overrides <span className="apps-count">{statuses.length}</span></h3>
      {statuses.length === 0 ? (
        <p className="apps-hint">None. Edit the rendered file to keep a change the form cannot express.</p>
      ) : (
        <ul className="apps-items">
          {statuses.map((o) => (
            <li key={`${o.target}/${o.kind}/${o.name}`} className={o.applied ? '' : 'apps-item-stale'}>
              <span className="apps-item-text">
                <strong>{o.kind}</strong> {o.name} <span className="apps-muted">({o.target})</span>
                {!o.applied && <span className="apps-badge-warning" title="The object this edit was made for is no longer rendered.">target missing</span>}
              </span>
              <button type="button" className="apps-small-button" onClick={() => resetOverride(o)}>Reset</button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
