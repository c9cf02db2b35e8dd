import { Icon } from '../../components/Icon';
import { Spinner } from '../../components/Spinner';
import type { VirtualRowProps } from '../../components/useVirtualRows';
import { isHostKeyAlarm } from '../../lib/errors';
import { useServers } from '../../stores/servers-store';
import { useTerminals } from '../terminal/terminals-store';
import { sshAddress, type Server, type ServerStatus } from '../../../../shared/model/server';
import { ProbeSummary } from './ProbeSummary';
import { AddClusterFromServer } from './AddClusterFromServer';

const stateText: Record<ServerStatus['state'], string> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  connected: 'Connected',
  error: 'Cannot connect',
};

/** One server; in the virtual list, `rowProps` place it and say its position among all of them. */
export function ServerRow({ server, rowProps, onEdit, onRemove }: { server: Server; rowProps?: VirtualRowProps; onEdit(): void; onRemove(): void }) {
  const status = useServers((s) => s.statuses[server.id]);
  const testing = useServers((s) => s.testing[server.id] ?? false);
  const testError = useServers((s) => s.testErrors[server.id]);
  const test = useServers((s) => s.test);
  const openTerminal = useTerminals((s) => s.open);
  const state = testing ? 'connecting' : (status?.state ?? 'idle');
  const alarm = testError && isHostKeyAlarm(testError.code);
  const statusError = !testError && status?.state === 'error' ? status.error : undefined;

  return (
    <article className="server card" data-testid={`server-${server.id}`} aria-label={server.name} {...rowProps}>
      <div className="server-head">
        <div className="server-icon">
          <Icon name={server.kind === 'local' ? 'laptop' : 'server'} size={20} />
        </div>
        <div className="server-title">
          <h3>{server.name}</h3>
          <p className="muted mono">{server.kind === 'local' ? 'This computer' : sshAddress(server)}</p>
        </div>
        <span className={`badge badge-${state}`} data-testid="server-state">
          {state === 'connecting' && <Spinner label="Connecting" />}
          {stateText[state]}
        </span>
        <div className="server-actions">
          <button type="button" className="button" disabled={testing} onClick={() => void test(server.id)}>
            {testing ? 'Testing…' : 'Test connection'}
          </button>
          <button type="button" className="button" onClick={() => void openTerminal(server.id, server.name)}>
            <Icon name="terminal" /> Terminal
          </button>
          {server.kind === 'ssh' && (
            <>
              <button type="button" className="button button-quiet" onClick={onEdit}>
                Edit
              </button>
              <button type="button" className="button button-quiet button-danger-text" onClick={onRemove}>
                Remove
              </button>
            </>
          )}
        </div>
      </div>
      {alarm && (
        <div className="note note-alarm" role="alert" data-testid="hostkey-alarm">
          <strong>The host key of this server has changed. Berth will not connect.</strong>
          <pre className="note-pre">{testError.message}</pre>
        </div>
      )}
      {testError && !alarm && (
        <div className="note note-error" role="alert">
          <span className="note-text">{testError.message}</span>
        </div>
      )}
      {statusError && (
        <div className="note note-error" role="alert">
          <span className="note-text">{statusError}</span>
        </div>
      )}
      {status?.probe && <ProbeSummary probe={status.probe} />}
      {server.kind === 'ssh' && status?.probe?.kubernetesFound && <AddClusterFromServer serverId={server.id} found={status.probe.kubernetesFound} />}
    </article>
  );
}
