import { Icon } from '../../components/Icon';
import { Spinner } from '../../components/Spinner';
import type { ClusterStatus, KubeContext } from '../../../../shared/model/cluster';
import { useClusters } from './clusters-store';
import { useServers } from '../../stores/servers-store';

const authText: Record<KubeContext['auth']['kind'], string> = {
  token: 'token',
  'token-file': 'token file',
  'client-certificate': 'client certificate',
  exec: 'credential plugin',
  oidc: 'OIDC',
  'auth-provider': 'auth provider',
  basic: 'password',
  none: 'no credentials',
};

function badge(status: ClusterStatus | undefined, checking: boolean): { className: string; text: string } {
  if (checking) return { className: 'badge badge-connecting', text: 'Checking…' };
  if (!status) return { className: 'badge', text: 'Not checked' };
  if (status.state === 'reachable') return { className: 'badge badge-connected', text: `Reachable ${status.version}${status.ready ? '' : ' · not ready'}` };
  if (status.state === 'unauthorised') return { className: 'badge badge-warn', text: 'Unauthorised' };
  return { className: 'badge badge-error', text: `Offline · ${status.cause}` };
}

export function ClusterRow({ context }: { context: KubeContext }) {
  const status = useClusters((s) => s.statuses[context.name]);
  const checking = useClusters((s) => s.checking[context.name] ?? false);
  const checkError = useClusters((s) => s.checkErrors[context.name]);
  const check = useClusters((s) => s.check);
  const shown = badge(status, checking);
  const viaServer = useServers((s) => s.servers.find((server) => server.id === context.source.serverId)?.name);
  const auth = `${context.user || '(none)'} · ${authText[context.auth.kind]}${context.auth.command ? ` (${context.auth.command})` : ''}`;
  const facts = [
    { label: 'Cluster', value: context.cluster },
    { label: 'Server', value: context.server || 'not defined', missing: !context.server },
    { label: 'User', value: auth },
    { label: 'Namespace', value: context.namespace ?? 'default' },
    // A cluster added from a server is reached through that server's SSH connection; its file is Berth's own.
    { label: 'Defined in', value: context.source.kind === 'ssh-server' ? `added from ${viaServer ?? 'a server'} (through its SSH connection)` : (context.source.file ?? context.source.kind) },
  ];

  return (
    <article className="server cluster card" data-testid={`cluster-${context.name}`} aria-label={context.name}>
      <div className="server-head">
        <div className="server-icon">
          <Icon name="cluster" size={20} />
        </div>
        <div className="server-title">
          <h3>
            {context.name}
            {context.current && <span className="cluster-current">current context</span>}
          </h3>
          <p className="muted mono">{context.server || 'no server'}</p>
        </div>
        <span className={shown.className} data-testid="cluster-state">
          {checking && <Spinner label="Checking" />}
          {shown.text}
        </span>
        <div className="server-actions">
          <button type="button" className="button" disabled={checking || !!context.problem} onClick={() => void check(context.name)}>
            <Icon name="refresh" /> {checking ? 'Checking…' : 'Check again'}
          </button>
        </div>
      </div>
      {context.problem && (
        <div className="note note-error" role="alert">
          <span className="note-text">{context.problem}</span>
        </div>
      )}
      {!checking && status && status.state !== 'reachable' && (
        <div className={`note ${status.state === 'unauthorised' ? 'note-warn' : 'note-error'}`} role="alert">
          <span className="note-text cluster-reason">{status.reason}</span>
        </div>
      )}
      {checkError && (
        <div className="note note-error" role="alert">
          <span className="note-text">{checkError.message}</span>
        </div>
      )}
      <dl className="probe">
        {facts.map((f) => (
          <div key={f.label} className={`probe-fact${f.missing ? ' probe-missing' : ''}`}>
            <dt>{f.label}</dt>
            <dd className={f.label === 'Server' || f.label === 'Defined in' ? 'mono' : undefined}>{f.value}</dd>
          </div>
        ))}
      </dl>
    </article>
  );
}
