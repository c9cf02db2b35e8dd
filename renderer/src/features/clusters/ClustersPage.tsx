import { useEffect } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { Icon } from '../../components/Icon';
import { ClusterRow } from './ClusterRow';
import { useClusters } from './clusters-store';
import { useNavigation } from '../../stores/navigation-store';
import { useServers } from '../../stores/servers-store';
import './clusters.css';

export default function ClustersPage() {
  const list = useClusters((s) => s.list);
  const loadError = useClusters((s) => s.loadError);
  const load = useClusters((s) => s.load);
  const checkAll = useClusters((s) => s.checkAll);
  const anyChecking = useClusters((s) => Object.values(s.checking).some(Boolean));
  const go = useNavigation((s) => s.go);

  useEffect(() => {
    void load().then(() => checkAll());
  }, [load, checkAll]);
  // Clusters added from a server are described by that server's name.
  useEffect(() => {
    if (!useServers.getState().loaded) void useServers.getState().load();
  }, []);

  return (
    <section className="page" aria-labelledby="clusters-title">
      <header className="page-header">
        <div>
          <h1 id="clusters-title">Clusters</h1>
          <p className="muted">Kubernetes contexts from your kubeconfig, read as kubectl reads them. Berth never changes those files.</p>
        </div>
        <div className="page-actions">
          <button type="button" className="button" disabled={anyChecking || !list?.contexts.length} onClick={() => void checkAll()}>
            <Icon name="refresh" /> Check all
          </button>
        </div>
      </header>

      <ErrorNote error={loadError} title="Berth could not read your kubeconfig." />
      {list?.problems.map((p) => (
        <div key={`${p.file ?? p.source}:${p.message}`} className="note note-error" role="alert">
          <span className="note-text">{p.message}</span>
        </div>
      ))}

      <div className="server-list">
        {list?.contexts.map((context) => <ClusterRow key={context.name} context={context} />)}
        {list && list.contexts.length === 0 && (
          <div className="empty cluster-empty">
            <p>No Kubernetes contexts yet.</p>
            <p>
              Berth reads your kubeconfig: <code>~/.kube/config</code>, or the files listed in <code>$KUBECONFIG</code>, as kubectl does.
              Put one there (your cloud&apos;s CLI writes it, e.g. <code>aws eks update-kubeconfig</code>) and it shows up here.
            </p>
            <p>A cluster on one of your SSH servers (k3s, k0s, microk8s) is added from its server page: test the server there, then press Add this cluster.</p>
            <div className="empty-actions">
              <button type="button" className="button" onClick={() => go('servers')}>
                <Icon name="server" /> Open Servers
              </button>
            </div>
            {list.files.length > 0 && <p className="muted mono">Read: {list.files.join(', ')}</p>}
          </div>
        )}
      </div>
    </section>
  );
}
