import { useCallback, useEffect, useState } from 'react';
import { api } from '../../../api/api';
import { destinationTarget, type Destination } from '../../../../../shared/model/app';
import { useEditorStore } from '../model/editor-store';
import { DestinationForm } from './DestinationForm';
import { RemoveDestinationDialog } from './RemoveDestinationDialog';
import { errorMessage } from '../../../lib/errors';
import { Dialog } from '../../../components/Dialog';

/** Used until the user saves a destination of their own, so a new app previews at once. */
export const THIS_COMPUTER: Destination = { type: 'docker', name: 'this-computer', server: 'local', network: 'berth', proxy: 'caddy', selinuxRelabel: false };

const NEW = '__new__';
const label = (d: Destination) => `${d.name} · ${destinationTarget(d, { compact: true })}`;

/** Keeps the editor's destination while it is still saved; otherwise picks the first saved one (This computer if none). */
export function keepOrPickDestination(saved: Destination[]): void {
  const { destination: current, setDestination } = useEditorStore.getState();
  if (!current || !saved.some((d) => d.name === current.name)) setDestination(saved[0] ?? THIS_COMPUTER);
}

export function DestinationPicker() {
  const destination = useEditorStore((s) => s.destination);
  const setDestination = useEditorStore((s) => s.setDestination);
  const [list, setList] = useState<Destination[]>([]);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Destination | null>(null);
  const [removing, setRemoving] = useState<Destination | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    api.call('destinations.list', {}).then(
      (saved) => {
        setList(saved);
        keepOrPickDestination(saved);
      },
      (err: unknown) => {
        setError(errorMessage(err));
        if (!useEditorStore.getState().destination) setDestination(THIS_COMPUTER);
      },
    );
  }, [setDestination]);
  useEffect(reload, [reload]);

  const unsaved = destination && !list.some((d) => d.name === destination.name) ? [destination] : [];
  // Only a destination that is stored can be edited or removed; "this-computer" is offered while none is.
  const stored = destination && list.find((d) => d.name === destination.name);
  const options = [...list, ...unsaved].length > 0 ? [...list, ...unsaved] : [THIS_COMPUTER];

  return (
    <div className="apps-destination">
      <label htmlFor="apps-destination">Destination</label>
      <select
        id="apps-destination"
        value={destination?.name ?? ''}
        onChange={(e) => {
          if (e.target.value === NEW) return setCreating(true);
          const picked = options.find((d) => d.name === e.target.value);
          if (picked) setDestination(picked);
        }}
      >
        {options.map((d) => <option key={d.name} value={d.name}>{label(d)}</option>)}
        <option value={NEW}>New destination…</option>
      </select>
      {stored && (
        <>
          <button type="button" className="apps-small-button" aria-label={`Edit destination ${stored.name}`} onClick={() => setEditing(stored)}>Edit</button>
          {/* The last one is not offered: with none saved, Berth offers Docker on this computer again. */}
          {list.length > 1 && (
            <button type="button" className="apps-small-button" aria-label={`Remove destination ${stored.name}`} onClick={() => setRemoving(stored)}>Remove</button>
          )}
        </>
      )}
      {error && <span className="apps-field-error" title={error}>destinations unavailable</span>}
      {editing && (
        <Dialog title={`Edit ${editing.name}`} onCancel={() => setEditing(null)} wide className="dialog-form">
          <DestinationForm
            editing={editing}
            onCancel={() => setEditing(null)}
            onSaved={(d) => {
              setList((l) => l.map((x) => (x.name === editing.name ? d : x)));
              setDestination(d);
              setEditing(null);
            }}
          />
        </Dialog>
      )}
      {removing && (
        <RemoveDestinationDialog
          destination={removing}
          onClose={() => setRemoving(null)}
          onRemoved={() => {
            setRemoving(null);
            reload();
          }}
        />
      )}
      {creating && (
        <Dialog title="New destination" onCancel={() => setCreating(false)} wide className="dialog-form">
          <DestinationForm
            onCancel={() => setCreating(false)}
            onSaved={(d) => {
              setList((l) => [...l.filter((x) => x.name !== d.name), d]);
              setDestination(d);
              setCreating(false);
            }}
          />
        </Dialog>
      )}
    </div>
  );
}
