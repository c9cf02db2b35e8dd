import { useEffect, useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { Icon } from '../../components/Icon';
import { toShownError, type ShownError } from '../../lib/errors';
import { useServers } from '../../stores/servers-store';
import type { SshServer } from '../../../../shared/model/server';
import { ImportSshConfigDialog } from './ImportSshConfigDialog';
import { ServerFormDialog } from './ServerFormDialog';
import { ServerRow } from './ServerRow';

type Editing = { kind: 'add' } | { kind: 'edit'; server: SshServer } | { kind: 'import' } | undefined;

export default function ServersPage() {
  const { servers, loaded, loadError, load, remove } = useServers();
  const [editing, setEditing] = useState<Editing>();
  const [removeError, setRemoveError] = useState<ShownError>();

  useEffect(() => {
    void load();
  }, [load]);

  const confirmRemove = async (server: SshServer) => {
    if (!window.confirm(`Remove ${server.name}? Apps deployed there keep running; Berth just forgets the server.`)) return;
    try {
      setRemoveError(undefined);
      await remove(server.id);
    } catch (err) {
      setRemoveError(toShownError(err));
    }
  };

  return (
    <section className="page" aria-labelledby="servers-title">
      <header className="page-header">
        <div>
          <h1 id="servers-title">Servers</h1>
          <p className="muted">Machines Berth deploys to over SSH, and this computer.</p>
        </div>
        <div className="page-actions">
          <button type="button" className="button" onClick={() => setEditing({ kind: 'import' })}>
            <Icon name="import" /> Import from ~/.ssh/config
          </button>
          <button type="button" className="button button-primary" onClick={() => setEditing({ kind: 'add' })}>
            <Icon name="plus" /> Add server
          </button>
        </div>
      </header>

      <ErrorNote error={loadError} title="Berth could not load your servers." />
      <ErrorNote error={removeError} title="The server was not removed." />

      <div className="server-list">
        {servers.map((server) => (
          <ServerRow
            key={server.id}
            server={server}
            onEdit={() => server.kind === 'ssh' && setEditing({ kind: 'edit', server })}
            onRemove={() => server.kind === 'ssh' && void confirmRemove(server)}
          />
        ))}
        {loaded && !loadError && servers.every((s) => s.kind === 'local') && (
          <div className="empty">
            <p>No servers yet. Add one with its SSH address, or import the hosts you already use from ~/.ssh/config.</p>
          </div>
        )}
      </div>

      {editing?.kind === 'add' && <ServerFormDialog onClose={() => setEditing(undefined)} />}
      {editing?.kind === 'edit' && <ServerFormDialog server={editing.server} onClose={() => setEditing(undefined)} />}
      {editing?.kind === 'import' && <ImportSshConfigDialog onClose={() => setEditing(undefined)} />}
    </section>
  );
}
