import { useCallback, useMemo, useState } from 'react';
import { api } from '../../api/api';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/ErrorNote';
import { Spinner } from '../../components/Spinner';
import { durationBetween, formatDuration } from '../../lib/format';
import { toShownError, type ShownError } from '../../lib/errors';
import type { Destination } from '../../../../shared/model/app';
import type { ContainerStatus } from '../../../../shared/model/deploy';
import { useTerminals } from '../terminal/terminals-store';
import { useDeploys } from './deploys-store';
import { PortForwardsSection } from './PortForwards';
import { useReload } from './use-reload';

/**
 * The app's containers on a destination, and what can be done to them:
 * follow logs (all services or one) and open a shell, each in a terminal
 * tab, and restart one after a confirmation. On Kubernetes a row is a
 * pod's container (`<pod>/<container>`): the shell is an exec into it,
 * restart deletes the pod (its controller starts a new one), and the app's
 * Services can be port-forwarded to this computer.
 */
export function StatusView({ app, destination }: { app: string; destination: Destination }) {
  const [containers, setContainers] = useState<ContainerStatus[] | null>(null);
  /** When the list was read: uptimes are as of then (Refresh reads again). */
  const [readAt, setReadAt] = useState(0);
  const [error, setError] = useState<ShownError>();
  const [restarting, setRestarting] = useState<ContainerStatus | null>(null);
  const openWith = useTerminals((s) => s.openWith);
  const live = useDeploys((s) => s.live);
  const dest = destination.name;
  const kube = destination.type === 'kubernetes';
  // Tabs are numbered per group: a Docker server's, or one cluster destination's (those terminals run on this computer).
  const serverId = destination.type === 'docker' ? destination.server : `kubernetes:${dest}`;
  const [reloads, setReloads] = useState(0);
  // A deploy here that ended changed the containers.
  const ended = useMemo(() => Object.values(live).filter((r) => r.app === app && r.destination === dest && r.outcome !== 'running').map((r) => r.id).join(','), [live, app, dest]);

  const read = useCallback(() => api.call('apps.status', { app, destination: dest }).then((list) => ({ list }), (err: unknown) => ({ error: toShownError(err) })), [app, dest]);
  const show = useCallback((answer: Awaited<ReturnType<typeof read>>) => {
    if ('list' in answer) {
      setContainers(answer.list);
      setReadAt(Date.now());
      setError(undefined);
    } else setError(answer.error);
  }, []);
  const { loading, refresh: reloadStatus } = useReload(read, show, ended);
  const refresh = useCallback(() => {
    reloadStatus();
    setReloads((n) => n + 1);
  }, [reloadStatus]);

  const followLogs = (service?: string) =>
    void openWith(serverId, service ? `${service} logs` : `${app} logs`, (size) => api.call('containers.logs', { app, destination: dest, service, ...size }), 'logs');
  const openShell = (c: ContainerStatus) =>
    void openWith(serverId, `${c.service} shell`, (size) => api.call('containers.shell', { app, destination: dest, container: c.name, ...size }));
  const running = containers?.filter((c) => c.state === 'running') ?? [];

  return (
    <div className="status-view">
      <header className="status-head">
        <h2>{kube ? 'Pods' : 'Containers'} on {dest}</h2>
        {loading && <Spinner label="Loading containers" />}
        <span className="status-head-actions">
          <button type="button" className="apps-small-button" onClick={refresh} disabled={loading}>
            Refresh
          </button>
          <button type="button" className="apps-small-button" disabled={running.length === 0} onClick={() => followLogs()}>
            Follow logs (all services)
          </button>
        </span>
      </header>
      <ErrorNote error={error} title="The containers could not be listed." />
      {containers && containers.length === 0 && <p className="empty">{app} has no {kube ? 'pods' : 'containers'} on {dest}. Deploy it first.</p>}
      {containers && containers.length > 0 && (
        <div className="status-scroll">
          <table className="status-table">
            <thead>
              <tr>
                <th>Container</th>
                <th className="status-col-state">State · health</th>
                <th className="num status-col-restarts">Restarts</th>
                <th className="status-col-uptime">Uptime</th>
                <th className="status-col-image">Image</th>
                <th className="status-col-actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {containers.map((c) => {
                const up = c.state === 'running' ? durationBetween(c.startedAt, undefined, readAt) : undefined;
                return (
                  <tr key={c.name} aria-label={c.name}>
                    <td title={c.release ? `${c.name} (release ${c.release})` : c.name}>
                      <span className="status-clip status-service">{c.service}</span>
                      <span className="status-clip mono muted">{c.name}</span>
                    </td>
                    <td>
                      <span className="status-state">
                        <span className={`state state-c-${c.state}`}>{c.state}</span>
                        {c.health ? <span className={`state state-h-${c.health}`}>{c.health}</span> : <span className="muted">no check</span>}
                      </span>
                    </td>
                    <td className="num">{c.restarts}</td>
                    <td>{up === undefined ? '—' : formatDuration(up)}</td>
                    <td className="mono" title={c.image}><span className="status-clip">{shortImage(c.image)}</span></td>
                    <td className="status-actions">
                      <button type="button" className="apps-small-button" disabled={c.state !== 'running'} onClick={() => followLogs(c.service)} aria-label={`Logs of ${c.service}`}>
                        Logs
                      </button>
                      <button type="button" className="apps-small-button" disabled={c.state !== 'running'} onClick={() => openShell(c)} aria-label={`Shell in ${c.name}`}>
                        Shell
                      </button>
                      <button type="button" className="apps-small-button" onClick={() => setRestarting(c)} aria-label={`Restart ${c.name}`} title={kube ? 'Delete the pod; its controller starts a new one' : undefined}>
                        Restart
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {kube && <PortForwardsSection app={app} destination={dest} reload={`${reloads}|${ended}`} />}
      {restarting && <RestartDialog app={app} destination={dest} kube={kube} container={restarting} onClose={() => setRestarting(null)} onDone={refresh} />}
    </div>
  );
}

/** An image id (what a rollback pins) shortened the way docker ps shows it; a reference as it is. */
function shortImage(image: string): string {
  return /^sha256:[0-9a-f]{64}$/.test(image) ? image.slice(7, 19) : image;
}

function RestartDialog({ app, destination, kube, container, onClose, onDone }: { app: string; destination: string; kube: boolean; container: ContainerStatus; onClose(): void; onDone(): void }) {
  const pod = kube ? container.name.split('/')[0] : undefined;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError>();
  const restart = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.call('containers.restart', { app, destination, container: container.name });
      onClose();
      onDone();
    } catch (err) {
      setError(toShownError(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title={kube ? `Restart ${container.service}: delete the pod ${pod}?` : `Restart ${container.name}?`} tone="warning" onCancel={onClose}>
      <div className="dialog-body">
        {kube ? (
          <p>
            Berth deletes the pod <span className="mono">{pod}</span>; its controller starts a new one. Every container of the pod restarts, and requests it
            would answer fail until the new pod is ready, unless another pod of {container.service} serves them. A pod that no controller owns is gone for good.
          </p>
        ) : (
          <p>
            Docker stops {container.service} in this container and starts it again. Requests it would answer fail until it is back, unless another
            container of {container.service} serves them.
          </p>
        )}
        <ErrorNote error={error} title={kube ? 'The pod was not deleted.' : 'The container was not restarted.'} />
      </div>
      <footer className="dialog-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="apps-primary" disabled={busy} onClick={() => void restart()}>
          {busy ? (kube ? 'Deleting…' : 'Restarting…') : kube ? 'Delete pod' : 'Restart'}
        </button>
      </footer>
    </Dialog>
  );
}
