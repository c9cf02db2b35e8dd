import { useId, useState } from 'react';
import { api } from '../../../api/api';
import { Dialog } from '../../../components/Dialog';
import { MenuButton } from '../../../components/MenuButton';
import { ErrorNote } from '../../../components/ErrorNote';
import { toShownError, type ShownError } from '../../../lib/errors';
import { ResourceName, type App } from '../../../../../shared/model/app';
import { issueMessage } from '../../../../../shared/api/issue-messages';
import { freeName } from '../../../../../shared/model/unique-names';
import { appNameFrom } from '../../../../../shared/model/new-app';

type Action = 'rename' | 'duplicate' | 'delete';

/** Rename, duplicate and delete a saved app; each asks first, and a refusal (a name in use) is shown in its dialog. */
export function AppActions({ name, taken, onRenamed, onDuplicated, onDeleted }: {
  /** The app as stored. */
  name: string;
  /** Names of the saved apps, to say at once that a name is in use. */
  taken: readonly string[];
  onRenamed(app: App): void;
  onDuplicated(name: string): void;
  onDeleted(): void;
}) {
  const [action, setAction] = useState<Action | null>(null);
  const close = () => setAction(null);
  return (
    <>
      {/* One menu, not three buttons: the toolbar keeps to one row on a 1024 px window. */}
      <MenuButton
        label="More app actions"
        className="apps-actions"
        items={[
          { label: 'Rename…', onSelect: () => setAction('rename') },
          { label: 'Duplicate…', onSelect: () => setAction('duplicate') },
          { label: 'Delete…', onSelect: () => setAction('delete') },
        ]}
      >
        More
      </MenuButton>
      {action === 'rename' && (
        <NameDialog
          title={`Rename ${name}`}
          initial={name}
          taken={taken.filter((t) => t !== name)}
          submitLabel="Rename"
          note="Deploys made so far stay under the old name: the app already running on a server is not renamed there. Stored secrets move with the app."
          run={async (to) => {
            // The stored version is renamed; unsaved edits in the form stay unsaved, on top of it.
            const stored = await api.call('apps.get', { name });
            const renamed = { ...stored, name: to };
            await api.call('apps.save', { app: renamed, original: name });
            onRenamed(renamed);
          }}
          onClose={close}
        />
      )}
      {action === 'duplicate' && (
        <NameDialog
          title={`Duplicate ${name}`}
          initial={freeName(`${name}-copy`, taken, '-')}
          taken={taken}
          submitLabel="Duplicate"
          note="The copy has the same services, overrides and stored secrets, and has never been deployed."
          run={async (to) => {
            await api.call('apps.duplicate', { name, as: to });
            onDuplicated(to);
          }}
          onClose={close}
        />
      )}
      {action === 'delete' && <DeleteDialog name={name} onDeleted={onDeleted} onClose={close} />}
    </>
  );
}

function NameDialog({ title, initial, taken, submitLabel, note, run, onClose }: {
  title: string;
  initial: string;
  taken: readonly string[];
  submitLabel: string;
  note: string;
  run(name: string): Promise<void>;
  onClose(): void;
}) {
  const id = useId();
  const [typed, setTyped] = useState(initial);
  const [error, setError] = useState<ShownError>();
  const [busy, setBusy] = useState(false);
  const name = appNameFrom(typed);
  const check = ResourceName.safeParse(name);
  const problem = !check.success
    ? issueMessage(check.error.issues[0]!, 'app name')
    : taken.includes(name)
      ? `An app named "${name}" already exists. Choose another name.`
      : error?.field === 'name'
        ? error.message
        : undefined;
  const changed = typed.trim() !== '' && name !== typed;

  const submit = async () => {
    if (problem && error?.field !== 'name') return;
    setBusy(true);
    setError(undefined);
    try {
      await run(name);
      onClose();
    } catch (err) {
      setError(toShownError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={title} onCancel={onClose}>
      <form noValidate onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <div className="dialog-body">
          <div className="field">
            <label className="field-label" htmlFor={`${id}-name`}>New name</label>
            <input id={`${id}-name`} value={typed} spellCheck={false} autoComplete="off" autoFocus aria-invalid={problem ? true : undefined} aria-describedby={`${id}-note`}
              onChange={(e) => { setTyped(e.target.value); setError(undefined); }} />
            <span id={`${id}-note`} className={problem ? 'field-error' : 'field-hint'}>
              {problem ?? (changed ? `Names use lowercase letters, digits and dashes: it will be called "${name}".` : 'Lowercase letters, digits and dashes.')}
            </span>
          </div>
          <p className="muted">{note}</p>
          {error?.field !== 'name' && <ErrorNote error={error} />}
        </div>
        <footer className="dialog-actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="apps-primary" disabled={busy || Boolean(problem)}>{busy ? 'Working…' : submitLabel}</button>
        </footer>
      </form>
    </Dialog>
  );
}

function DeleteDialog({ name, onDeleted, onClose }: { name: string; onDeleted(): void; onClose(): void }) {
  const [error, setError] = useState<ShownError>();
  const [busy, setBusy] = useState(false);
  const remove = async () => {
    setBusy(true);
    try {
      await api.call('apps.remove', { name });
      onClose();
      onDeleted();
    } catch (err) {
      setError(toShownError(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Delete ${name}?`} tone="warning" onCancel={onClose}>
      <div className="dialog-body">
        <p>
          Berth forgets the app definition of {name} and its stored secrets on this computer. What is deployed keeps running on its servers and
          clusters; remove it there if you no longer need it.
        </p>
        <ErrorNote error={error} title="The app was not deleted." />
      </div>
      <footer className="dialog-actions">
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="button" className="apps-primary" disabled={busy} onClick={() => void remove()}>{busy ? 'Deleting…' : `Delete ${name}`}</button>
      </footer>
    </Dialog>
  );
}
