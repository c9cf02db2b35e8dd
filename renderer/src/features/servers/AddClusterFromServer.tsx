import { useState } from 'react';
import { api } from '../../api/api';
import { ErrorNote } from '../../components/ErrorNote';
import { Spinner } from '../../components/Spinner';
import { toShownError, type ShownError } from '../../lib/errors';
import { useNavigation } from '../../stores/navigation-store';
import type { KubernetesFound } from '../../../../shared/model/server';

type State = { status: 'idle' } | { status: 'adding' } | { status: 'added'; message: string; reachable: boolean } | { status: 'error'; error: ShownError };

/**
 * Offered on a server whose probe found k3s, k0s or microk8s: reads the
 * cluster's admin kubeconfig over SSH and adds it as a context reached
 * through an SSH tunnel, so the API port never has to be open.
 */
export function AddClusterFromServer({ serverId, found }: { serverId: string; found: KubernetesFound[] }) {
  const [state, setState] = useState<State>({ status: 'idle' });
  const go = useNavigation((s) => s.go);
  if (found.length === 0) return null;
  const names = found.map((f) => f.distribution).join(', ');
  const add = async () => {
    setState({ status: 'adding' });
    try {
      const added = await api.call('clusters.addFromServer', { server: serverId });
      setState({ status: 'added', message: added.message, reachable: added.reachable });
    } catch (err) {
      setState({ status: 'error', error: toShownError(err) });
    }
  };
  return (
    <div className="server-cluster" data-testid="add-cluster">
      {state.status !== 'added' && (
        <p className="muted">
          This server runs {names}. Berth can deploy to it as a Kubernetes cluster, reached through this SSH connection.{' '}
          <button type="button" className="button" disabled={state.status === 'adding'} onClick={() => void add()}>
            {state.status === 'adding' ? <><Spinner label="Adding" /> Reading its kubeconfig…</> : 'Add this cluster'}
          </button>
        </p>
      )}
      {state.status === 'added' && (
        <div className={`note ${state.reachable ? 'note-ok' : 'note-warning'}`} role="status">
          <span className="note-text">{state.message}</span>{' '}
          <button type="button" className="button button-quiet" onClick={() => go('clusters')}>Open Clusters</button>
        </div>
      )}
      {state.status === 'error' && <ErrorNote error={state.error} title="The cluster could not be added." />}
    </div>
  );
}
