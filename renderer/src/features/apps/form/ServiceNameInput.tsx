import { useEffect, useId, useState } from 'react';
import { useEditorStore } from '../model/editor-store';
import { fieldKey } from '../model/draft';

/**
 * A service's name, renamed when the field is left. A name that cannot be applied (empty, or another service's)
 * is not dropped in silence: the field keeps what was typed and says why, and the app cannot be saved until it
 * is fixed, so the old name is never kept behind the user's back.
 */
export function ServiceNameInput({ name }: { name: string }) {
  const key = fieldKey(['services', name]);
  const [text, setText] = useState(name);
  const renameEntry = useEditorStore((s) => s.renameEntry);
  const setFormIssue = useEditorStore((s) => s.setFormIssue);
  // The schema's verdict on the name ("Web_1" is not a valid service name) and the form's own, in one place.
  const error = useEditorStore((s) => s.issues[key]);
  const errorId = useId();

  const problem = (to: string) => {
    if (to === '') return 'Enter a service name; every service needs one (for example web or db).';
    const services = Object.keys((useEditorStore.getState().draft?.services as object | undefined) ?? {});
    if (to !== name && services.includes(to)) return `There is already a service named "${to}". Choose another name.`;
    return undefined;
  };

  // The card goes away with its old name on a rename; a problem it reported must not outlive it.
  useEffect(() => () => setFormIssue(key, undefined), [key, setFormIssue]);

  return (
    <span className="apps-service-name-field">
      <input
        aria-label="Service name"
        className="apps-service-name"
        data-field={key}
        value={text}
        spellCheck={false}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? errorId : undefined}
        onChange={(e) => {
          setText(e.target.value);
          setFormIssue(key, problem(e.target.value.trim()));
        }}
        onBlur={() => {
          const to = text.trim();
          if (problem(to) || to === name) return;
          setFormIssue(key, undefined);
          renameEntry(['services'], name, to);
        }}
      />
      {error && <span className="apps-field-error" id={errorId} role="alert">{error}</span>}
    </span>
  );
}
