import { useEffect, useState } from 'react';
import type { ObjectChange } from '../../../../shared/model/deploy';
import { loadMonaco } from '../apps/monaco/load-monaco';
import type * as Setup from '../apps/monaco/monaco-setup';
import { DiffEditor } from '../apps/preview/DiffView';

const ACTION_LABEL: Record<ObjectChange['action'], string> = { create: 'new', update: 'changed', unchanged: 'unchanged', delete: 'pruned' };

const title = (c: ObjectChange) => `${c.kind} ${c.namespace ? `${c.namespace}/` : ''}${c.name}`;

/**
 * A Kubernetes plan's objects: the server's dry run of each (right) against
 * the live object (left) in Monaco's diff editor. Secret values arrive
 * already replaced by keyed hashes, so a change shows without the value.
 */
export function ObjectChanges({ changes }: { changes: ObjectChange[] }) {
  const changed = changes.filter((c) => c.action !== 'unchanged');
  const [selected, setSelected] = useState(() => title(changed[0] ?? changes[0]!));
  const [setup, setSetup] = useState<typeof Setup>();
  useEffect(() => {
    let current = true;
    void loadMonaco().then((s) => current && setSetup(s));
    return () => {
      current = false;
    };
  }, []);
  const shown = changes.find((c) => title(c) === selected) ?? changes[0];
  const counts = (['create', 'update', 'delete', 'unchanged'] as const).map((a) => [a, changes.filter((c) => c.action === a).length] as const).filter(([, n]) => n > 0);
  return (
    <section aria-label="Object changes" className="plan-changes">
      <h3 className="plan-heading">
        Changes <span className="muted">(server-side dry run: {counts.map(([a, n]) => `${n} ${ACTION_LABEL[a]}`).join(', ')})</span>
      </h3>
      <div className="plan-changes-body">
        <ul className="plan-change-list" role="listbox" aria-label="Objects">
          {changes.map((c) => (
            <li key={title(c)} role="option" aria-selected={title(c) === selected}>
              <button type="button" onClick={() => setSelected(title(c))} className={title(c) === selected ? 'selected' : undefined}>
                <span className={`plan-move plan-change-${c.action}`}>{ACTION_LABEL[c.action]}</span>
                {title(c)}
              </button>
            </li>
          ))}
        </ul>
        <div className="plan-change-diff">
          {shown && <p className="muted plan-change-caption">{title(shown)}: live (left) → after apply (right)</p>}
          {shown && setup ? <DiffEditor setup={setup} before={shown.live} after={shown.desired} language="yaml" /> : <p className="muted">Loading the diff editor…</p>}
        </div>
      </div>
    </section>
  );
}
