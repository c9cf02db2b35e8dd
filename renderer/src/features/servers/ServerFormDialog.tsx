import { useId, useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/ErrorNote';
import { toShownError, type ShownError } from '../../lib/errors';
import { useServers } from '../../stores/servers-store';
import type { SshServer } from '../../../../shared/model/server';
import { emptyForm, fieldOfPath, formFromServer, validateForm, type FormErrors, type FormField, type ServerForm } from './server-form-model';

/** Add or edit a server. A failed save keeps everything typed and says what to fix. */
export function ServerFormDialog({ server, onClose }: { server?: SshServer; onClose(): void }) {
  const [form, setForm] = useState<ServerForm>(() => (server ? formFromServer(server) : emptyForm));
  const [errors, setErrors] = useState<FormErrors>({});
  const [saveError, setSaveError] = useState<ShownError>();
  const [saving, setSaving] = useState(false);
  const add = useServers((s) => s.add);
  const update = useServers((s) => s.update);
  const test = useServers((s) => s.test);
  const idPrefix = useId();

  const change = (field: FormField) => (e: { target: { value: string } }) => {
    setForm((f) => ({ ...f, [field]: e.target.value }));
    setErrors(({ [field]: _fixed, ...rest }) => rest);
  };

  const submit = async () => {
    const { input, errors: found } = validateForm(form, server ? { id: server.id, proxyJump: server.proxyJump } : undefined);
    setErrors(found);
    if (!input) return;
    setSaving(true);
    setSaveError(undefined);
    try {
      if (server) await update(server.id, input);
      // A new server is tested at once: a wrong address or key shows now, beside it, not at the first deploy.
      else void test((await add(input)).id);
      onClose();
    } catch (err) {
      const shown = toShownError(err);
      // A refusal about one field (a name in use, a key file that is not there) is shown under that field.
      if (shown.field) setErrors((e) => ({ ...e, [fieldOfPath(shown.field!.split('.'))]: shown.message }));
      else setSaveError(shown);
    } finally {
      setSaving(false);
    }
  };

  const field = (name: FormField, label: string, props: { placeholder?: string; hint?: string; className?: string } = {}) => {
    const inputId = `${idPrefix}-${name}`;
    const noteId = `${inputId}-note`;
    const note = errors[name] ?? props.hint;
    return (
      <div className={`field ${props.className ?? ''}`}>
        <label className="field-label" htmlFor={inputId}>
          {label}
        </label>
        <input
          id={inputId}
          name={name}
          type="text"
          value={form[name]}
          placeholder={props.placeholder}
          onChange={change(name)}
          aria-invalid={errors[name] ? true : undefined}
          aria-describedby={note ? noteId : undefined}
          spellCheck={false}
          autoComplete="off"
        />
        {note && (
          <span className={errors[name] ? 'field-error' : 'field-hint'} id={noteId}>
            {note}
          </span>
        )}
      </div>
    );
  };

  return (
    <Dialog title={server ? `Edit ${server.name}` : 'Add a server'} onCancel={onClose} wide>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="dialog-body form-grid">
          <ErrorNote error={saveError} title="The server was not saved." />
          {field('name', 'Name', { placeholder: 'Production web', className: 'span-2' })}
          {field('host', 'Host', { placeholder: '203.0.113.10 or web.example.com' })}
          {field('port', 'Port')}
          {field('user', 'User', { placeholder: 'deploy', className: 'span-2' })}
          <fieldset className="field span-2">
            <legend className="field-label">Sign in with</legend>
            <div className="segmented" role="radiogroup">
              {(
                [
                  ['key', 'Key file'],
                  ['agent', 'SSH agent'],
                  ['password', 'Password'],
                ] as const
              ).map(([value, label]) => (
                <label key={value} className={`segment${form.auth === value ? ' segment-on' : ''}`}>
                  <input type="radio" name="auth" value={value} checked={form.auth === value} onChange={() => setForm((f) => ({ ...f, auth: value }))} />
                  {label}
                </label>
              ))}
            </div>
          </fieldset>
          {form.auth === 'key' && field('keyPath', 'Private key file', { className: 'span-2', hint: 'If the key has a passphrase, Berth asks for it when connecting.' })}
          {form.auth === 'agent' &&
            field('agentSocket', 'Agent socket (optional)', { className: 'span-2', placeholder: 'SSH_AUTH_SOCK', hint: 'Leave empty to use the agent this computer already runs.' })}
          {form.auth === 'password' && <p className="muted span-2">Berth asks for the password when it connects.</p>}
        </div>
        <footer className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={saving}>
            {saving ? 'Saving…' : server ? 'Save changes' : 'Add server'}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
