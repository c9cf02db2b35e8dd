import type { Diagnostic } from '../../../../../shared/model/diagnostic';
import { fieldCandidates } from '../model/fields';

/** Finds the form field a diagnostic is about (or its nearest section) and takes the user there. */
export function focusField(field: string): boolean {
  for (const key of fieldCandidates(field)) {
    const el = document.querySelector<HTMLElement>(`[data-field="${CSS.escape(key)}"]`);
    if (!el) continue;
    el.closest('details')?.setAttribute('open', '');
    el.scrollIntoView({ block: 'center' });
    (el.matches('input, select, textarea') ? el : el.querySelector<HTMLElement>('input, select, textarea') ?? el).focus();
    return true;
  }
  return false;
}

export function ProblemsList({ diagnostics }: { diagnostics: Diagnostic[] }) {
  return (
    <section className="apps-panel" aria-label="Problems">
      <h3>Problems <span className="apps-count">{diagnostics.length}</span></h3>
      {diagnostics.length === 0 ? (
        <p className="apps-hint">No problems.</p>
      ) : (
        <ul className="apps-items">
          {diagnostics.map((d, i) => {
            const text = (
              <>
                <span className="apps-severity">{d.severity}</span>
                <code>{d.code}</code> {d.message}
                {d.field && <span className="apps-muted"> · {d.field}</span>}
                {d.line !== undefined && <span className="apps-muted"> · {d.file ? `${d.file} ` : ''}line {d.line}</span>}
              </>
            );
            return (
              <li key={i} className={`apps-problem apps-problem-${d.severity}`}>
                {d.field ? <button type="button" className="apps-problem-button" onClick={() => focusField(d.field!)} title="Show the field">{text}</button> : text}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
