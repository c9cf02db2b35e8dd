import type { ReactNode } from 'react';
import { useEditorStore } from '../model/editor-store';
import { fieldKey, getIn, type Path } from '../model/draft';
import { OverriddenMark } from './OverriddenMark';
import { FieldError } from './fields';

/** A titled list in the draft with add and remove; rows render their own fields. */
export function ListSection({ title, path, empty, make, row }: { title: string; path: Path; empty: string; make: () => unknown; row: (itemPath: Path, index: number) => ReactNode }) {
  const items = useEditorStore((s) => getIn(s.draft, path));
  const setField = useEditorStore((s) => s.setField);
  const list = Array.isArray(items) ? items : [];
  return (
    <fieldset className="apps-list">
      <legend>{title} <OverriddenMark field={fieldKey(path)} /></legend>
      <FieldError path={path} />
      {list.length === 0 && <p className="apps-hint">{empty}</p>}
      {list.map((_, i) => (
        <div className="apps-row" key={i}>
          {row([...path, i], i)}
          <button type="button" className="apps-icon-button" aria-label={`Remove ${title.toLowerCase()} ${i + 1}`} onClick={() => setField([...path, i], undefined)}>
            ×
          </button>
        </div>
      ))}
      <button type="button" className="apps-add" onClick={() => setField([...path, list.length], make())}>
        Add {title.toLowerCase().replace(/s$/, '')}
      </button>
    </fieldset>
  );
}
