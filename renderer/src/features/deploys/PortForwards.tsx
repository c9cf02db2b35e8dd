import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/api';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/ErrorNote';
import { Spinner } from '../../components/Spinner';
import { toShownError, type ShownError } from '../../lib/errors';
import type { ForwardableService, PortForwardInfo } from '../../../../shared/model/port-forward';
import { openLink } from '../terminal/open-link';

/**
 * Port forwards of an app on a Kubernetes destination: its Services with
 * ports, each with "Forward…" (pick the port, optionally the local port), and
 * the forwards running in this Berth, with their local URL and Stop. The list
 * follows portForwards.changed, so a forward started from another window
 * shows up here too.
 */
export function PortForwardsSection({ app, destination, reload }: { app: string; destination: string; reload: string }) {
  const [services, setServices] = useState<ForwardableService[] | null>(null);
  const [forwards, setForwards] = useState<PortForwardInfo[]>([]);
  const [error, setError] = useState<ShownError>();
  const [stopError, setStopError] = useState<ShownError>();
  const [forwarding, setForwarding] = useState<ForwardableService | null>(null);

  const load = useCallback(() => {
    let live = true;
    api.call('portForwards.services', { app, destination }).then(
      (list) => {
        if (!live) return;
        setServices(list);
        setError(undefined);
      },
      (err: unknown) => {
        if (live) setError(toShownError(err));
      },
    );
    api.call('portForwards.list', {}).then(
      (list) => {
        if (live) setForwards(list);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [app, destination]);

  useEffect(() => load(), [load, reload]);
  useEffect(() => api.on('portForwards.changed', ({ forwards: list }) => setForwards(list)), []);

  const mine = forwards.filter((f) => f.app === app && f.destination === destination);
  const stop = (id: string) => {
    setStopError(undefined);
    api.call('portForwards.stop', { id }).catch((err: unknown) => setStopError(toShownError(err)));
  };

  return (
    <section className="forwards" aria-label="Port forwards">
      <header className="status-head forwards-head">
        <h2>Port forwards</h2>
        {services === null && !error && <Spinner label="Loading services" />}
      </header>
      <p className="forwards-hint muted">A local port on 127.0.0.1 that reaches a Service of {app} (through a ready pod behind it). Only this computer can use it; it stops when Berth does.</p>
      <ErrorNote error={error} title="The app's Services could not be listed." />
      {services && services.length === 0 && <p className="empty">{app} has no Services with TCP ports on {destination}.</p>}
      {services && services.length > 0 && (
        <ul className="forwards-services">
          {services.map((s) => (
            <li key={s.service} aria-label={`Service ${s.service}`}>
              <span className="status-service">{s.service}</span>
              <span className="mono muted">{s.ports.map((p) => `${p.port}${p.name ? ` (${p.name})` : ''}`).join(', ')}</span>
              <button type="button" className="apps-small-button" onClick={() => setForwarding(s)} aria-label={`Forward ${s.service}`}>
                Forward…
              </button>
            </li>
          ))}
        </ul>
      )}
      <ErrorNote error={stopError} title="The forward was not stopped." />
      {mine.length > 0 && (
        <div className="status-scroll">
          <table className="status-table forwards-table" aria-label="Active port forwards">
            <thead>
              <tr>
                <th>Local address</th>
                <th>To</th>
                <th className="num forwards-col-conn">Connections</th>
                <th className="status-col-actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {mine.map((f) => (
                <tr key={f.id} aria-label={`Forward ${f.url}`}>
                  <td>
                    <a
                      href={f.url}
                      className="mono"
                      onClick={(e) => {
                        e.preventDefault();
                        openLink(f.url);
                      }}
                    >
                      {f.url}
                    </a>
                    {f.lastError && <span className="forwards-error" title={f.lastError}>Last failed connection: {f.lastError}</span>}
                  </td>
                  <td className="mono">
                    <span className="status-clip" title={`${f.target.kind} ${f.target.name}:${f.port} → pod ${f.pod}:${f.podPort}`}>
                      {f.target.kind === 'service' ? `${f.target.name}:${f.port}` : `pod ${f.target.name}:${f.port}`}
                      <span className="muted"> → {f.pod}:{f.podPort}</span>
                    </span>
                  </td>
                  <td className="num">{f.connections}</td>
                  <td className="status-actions">
                    <button type="button" className="apps-small-button" onClick={() => stop(f.id)} aria-label={`Stop forward ${f.url}`}>
                      Stop
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {forwarding && <ForwardDialog app={app} destination={destination} service={forwarding} onClose={() => setForwarding(null)} />}
    </section>
  );
}

function ForwardDialog({ app, destination, service, onClose }: { app: string; destination: string; service: ForwardableService; onClose(): void }) {
  const [port, setPort] = useState(service.ports[0]?.port ?? 0);
  const [local, setLocal] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError>();
  const localPort = local.trim() === '' ? undefined : Number(local);
  const localInvalid = localPort !== undefined && (!Number.isInteger(localPort) || localPort < 1 || localPort > 65535);

  const start = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.call('portForwards.start', { app, destination, service: service.service, port, ...(localPort ? { localPort } : {}) });
      onClose();
    } catch (err) {
      setError(toShownError(err));
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Forward ${service.service}`} onCancel={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!localInvalid) void start();
        }}
      >
        <div className="dialog-body form-grid forwards-form">
          <label className="field">
            <span className="field-label">Service port</span>
            <select className="forwards-select" value={port} onChange={(e) => setPort(Number(e.target.value))}>
              {service.ports.map((p) => (
                <option key={p.port} value={p.port}>
                  {p.port}
                  {p.name ? ` (${p.name})` : ''}
                  {p.targetPort !== undefined && String(p.targetPort) !== String(p.port) ? ` → ${p.targetPort}` : ''}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">Local port</span>
            <input inputMode="numeric" placeholder="any free" value={local} aria-invalid={localInvalid} onChange={(e) => setLocal(e.target.value)} />
          </label>
          <p className="field-hint span-2">Listens on 127.0.0.1 only. Leave the local port empty to take a free one.</p>
          {localInvalid && <span className="field-error span-2">A port is a number from 1 to 65535.</span>}
          <div className="span-2">
            <ErrorNote error={error} title="The forward did not start." />
          </div>
        </div>
        <footer className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="apps-primary" disabled={busy || localInvalid || port === 0}>
            {busy ? 'Starting…' : 'Start forward'}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
