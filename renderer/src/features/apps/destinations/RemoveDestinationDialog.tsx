import { useState } from 'react';
import { api } from '../../../api/api';
import { Dialog } from '../../../components/Dialog';
import { ErrorNote } from '../../../components/ErrorNote';
import { toShownError, type ShownError } from '../../../lib/errors';
import { destinationTarget, type Destination } from '../../../../../shared/model/app';

/** Asks before Berth forgets a destination; what runs there is left alone. */
export function RemoveDestinationDialog({ destination, onRemoved, onClose }: { destination: Destination; onRemoved(): void; onClose(): void }) {
  const [error, setError] = useState<ShownError>();
  const [busy, setBusy] = useState(false);
  const remove = async () => {
    setBusy(true);
    try {
      await api.call('destinations.remove', { name: destination.name });
      onRemoved();
    } catch (err) {
      setError(toShownError(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Remove destination ${destination.name}?`} tone="warning" onCancel={onClose}>
      <div className="dialog-body">
        <p>
          Berth forgets where {destination.name} points ({destinationTarget(destination)}).
          Apps deployed there keep running; their deploy history stays on this computer.
        </p>
        <ErrorNote error={error} title="The destination was not removed." />
      </div>
      <footer className="dialog-actions">
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="button" className="apps-primary" disabled={busy} onClick={() => void remove()}>{busy ? 'Removing…' : 'Remove'}</button>
      </footer>
    </Dialog>
  );
}
