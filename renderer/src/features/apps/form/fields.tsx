import { useId, type ReactNode } from 'react';
import { useEditorStore } from '../model/editor-store';
import { fieldKey, getIn, inputFromValue, numberFromInput, type Path } from '../model/draft';
import { OverriddenMark } from './OverriddenMark';

/**
 * Inputs bound to a path in the draft. Each carries data-field with the same
 * spelling as Diagnostic.field so a problem can take the user to it.
 */
function useField(path: Path) {
  const value = useEditorStore((s) => getIn(s.draft, path));
  const error = useEditorStore((s) => s.issues[fieldKey(path)]);
  const setField = useEditorStore((s) => s.setField);
  return { value, error, set: (v: unknown) => setField(path, v), key: fieldKey(path) };
}

function Labelled({ id, label, error, children, wide, field }: { id: string; label: string; error?: string; children: ReactNode; wide?: boolean; field: string }) {
  return (
    <div className={`apps-field${wide ? ' apps-field-wide' : ''}${error ? ' apps-field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      <OverriddenMark field={field} />
      {error && <span className="apps-field-error" role="alert">{error}</span>}
    </div>
  );
}

export function TextField({ path, label, placeholder, wide, optional = true }: { path: Path; label: string; placeholder?: string; wide?: boolean; optional?: boolean }) {
  const id = useId();
  const f = useField(path);
  return (
    <Labelled id={id} label={label} error={f.error} wide={wide} field={f.key}>
      <input
        id={id}
        data-field={f.key}
        value={inputFromValue(f.value)}
        placeholder={placeholder}
        spellCheck={false}
        aria-invalid={Boolean(f.error)}
        onChange={(e) => f.set(optional && e.target.value === '' ? undefined : e.target.value)}
      />
    </Labelled>
  );
}

export function NumberField({ path, label, placeholder }: { path: Path; label: string; placeholder?: string }) {
  const id = useId();
  const f = useField(path);
  return (
    <Labelled id={id} label={label} error={f.error} field={f.key}>
      <input
        id={id}
        data-field={f.key}
        inputMode="decimal"
        className="apps-number"
        value={inputFromValue(f.value)}
        placeholder={placeholder}
        aria-invalid={Boolean(f.error)}
        onChange={(e) => f.set(numberFromInput(e.target.value))}
      />
    </Labelled>
  );
}

export function SelectField({ path, label, options }: { path: Path; label: string; options: readonly (readonly [string, string])[] }) {
  const id = useId();
  const f = useField(path);
  return (
    <Labelled id={id} label={label} error={f.error} field={f.key}>
      <select id={id} data-field={f.key} value={inputFromValue(f.value)} onChange={(e) => f.set(e.target.value)}>
        {options.map(([value, text]) => (
          <option key={value} value={value}>{text}</option>
        ))}
      </select>
    </Labelled>
  );
}

export function CheckField({ path, label }: { path: Path; label: string }) {
  const f = useField(path);
  return (
    <label className="apps-check" data-field={f.key}>
      <input type="checkbox" checked={f.value === true} onChange={(e) => f.set(e.target.checked)} />
      {label}
      <OverriddenMark field={f.key} />
    </label>
  );
}

/** The list's own error (e.g. "needs at least one service"), shown above its rows. */
export function FieldError({ path }: { path: Path }) {
  const error = useEditorStore((s) => s.issues[fieldKey(path)]);
  return error ? <div className="apps-field-error" role="alert" data-field={fieldKey(path)}>{error}</div> : null;
}
