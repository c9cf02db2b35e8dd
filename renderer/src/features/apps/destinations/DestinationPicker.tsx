import { useEffect, useState } from 'react';
import { api } from '../../../api/api';
import type { Destination } from '../../../../../shared/model/app';
import { useEditorStore } from '../model/editor-store';
import { DestinationForm } from './DestinationForm';
import { errorMessage } from '../../../lib/errors';

/** Used until the user saves a destination of their own, so a new app previews at once. */
export const THIS_COMPUTER: Destination = { type: 'docker', name: 'this-computer', server: 'local', network: 'berth', proxy: 'caddy', selinuxRelabel: false };

const NEW = '__new__';
const label = (d: Destination) => `${d.name} · ${d.type === 'docker' ? `Docker on ${d.server === 'local' ? 'this computer' : d.server}` : `Kubernetes ${d.context}/${d.namespace}`}`;

export function DestinationPicker() {
  const destination = useEditorStore((s) => s.destination);
  const setDestination = useEditorStore((s) => s.setDestination);
  const [list, setList] = useState<Destination[]>([]);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.call('destinations.list', {}).then(
      (saved) => {
        setList(saved);
        const current = useEditorStore.getState().destination;
        if (!current || !saved.some((d) => d.name === current.name)) setDestination(saved[0] ?? THIS_COMPUTER);
      },
      (err: unknown) => {
        setError(errorMessage(err));
        if (!useEditorStore.getState().destination) setDestination(THIS_COMPUTER);
      },
    );
  }, [setDestination]);

  const unsaved = destination && !list.some((d) => d.name === destination.name) ? [destination] : [];
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
      {error && <span className="apps-field-error" title={error}>destinations unavailable</span>}
      {creating && (
        <div className="apps-modal" role="dialog" aria-modal="true">
          <DestinationForm
            onCancel={() => setCreating(false)}
            onSaved={(d) => {
              setList((l) => [...l.filter((x) => x.name !== d.name), d]);
              setDestination(d);
              setCreating(false);
            }}
          />
        </div>
      )}
    </div>
  );
}
