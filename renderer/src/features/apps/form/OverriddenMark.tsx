import { useMemo } from 'react';
import { overriddenFields, type Shadow } from '../../../../../shared/translate/override-shadows';
import { useEditorStore } from '../model/editor-store';

/** The overrides that hide a field: its own, or one of a field it belongs to (a whole env section, a container). */
function useShadows(field: string): Shadow[] {
  const app = useEditorStore((s) => s.app);
  const all = useMemo(() => (app ? overriddenFields(app) : []), [app]);
  return useMemo(() => {
    // A list's mark sits on the list, not on each of its rows.
    const hits = all.filter((s) => field === s.field || field.startsWith(`${s.field}.`));
    // One mark per override, however many of its keys land on this field.
    return hits.filter((s, i) => hits.findIndex((o) => o.target === s.target && o.kind === s.kind && o.name === s.name) === i);
  }, [all, field]);
}

/**
 * "overridden in compose.yaml" beside a form field whose value an edit of the
 * rendered file replaces on that target, with the Reset that drops the
 * override so the form's value renders again.
 */
export function OverriddenMark({ field }: { field: string }) {
  const shadows = useShadows(field);
  const resetOverride = useEditorStore((s) => s.resetOverride);
  if (shadows.length === 0) return null;
  return (
    <span className="apps-overridden" data-testid="overridden">
      {shadows.map((s) => (
        <span key={`${s.target}/${s.kind}/${s.name}`} className="apps-overridden-item">
          <span title={`Your edit of ${s.kind} ${s.name} in ${s.file} sets this on ${s.target === 'compose' ? 'Docker' : 'Kubernetes'}; the form's value does not reach it.`}>
            overridden in {s.file}
          </span>
          <button type="button" className="apps-small-button" aria-label={`Reset the override of ${s.kind} ${s.name} in ${s.file}`} onClick={() => resetOverride(s)}>
            Reset
          </button>
        </span>
      ))}
    </span>
  );
}
