import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { FilterField, NoMatches } from '../../components/FilterField';
import type { Noun } from '../../lib/format';
import { filterItems } from '../../components/filter-match';
import { Icon } from '../../components/Icon';
import { toShownError, type ShownError } from '../../lib/errors';
import { useServers } from '../../stores/servers-store';
import { useIntent } from '../../stores/navigation-store';
import type { Server, SshServer } from '../../../../shared/model/server';
import { ImportSshConfigDialog } from './ImportSshConfigDialog';
import { ServerFormDialog } from './ServerFormDialog';
import { ServerList } from './ServerList';

type Editing = { kind: 'add' } | { kind: 'edit'; server: SshServer } | { kind: 'import' } | undefined;

const NOUN: Noun = ['server', 'servers'];
/** A server is found by its name, and an SSH one also by host, user, or user@host as its row shows it. */
const serverFields = (s: Server) => (s.kind === 'ssh' ? [s.name, s.host, s.user, `${s.user}@${s.host}`] : [s.name]);

export default function ServersPage() {
  // Each piece on its own: a status change re-renders only that server's row, not the page.
  const servers = useServers((s) => s.servers);
  const loaded = useServers((s) => s.loaded);
  const loadError = useServers((s) => s.loadError);
  const load = useServers((s) => s.load);
  const remove = useServers((s) => s.remove);
  const [query, setQuery] = useState('');
  const shown = useMemo(() => filterItems(servers, query, serverFields), [servers, query]);
  const filterRef = useRef<HTMLInputElement>(null);
  const listId = useId();
  const [editing, setEditing] = useState<Editing>();
  const [removeError, setRemoveError] = useState<ShownError>();

  useEffect(() => {
    void load();
  }, [load]);

  // "Add a server" on the Overview (or the palette) opens the add dialog here.
  useIntent(['addServer'], () => setEditing({ kind: 'add' }));

  // The palette's "go to a server": its row scrolled into view with focus on its first action, once it is listed.
  // The list draws only the rows in view, so it does the scrolling (ServerList's reveal); a filter hiding the server is cleared.
  const [showing, setShowing] = useState<{ id: string }>();
  useIntent(['showServer'], (intent) => {
    if (!shown.some((s) => s.id === intent.id)) setQuery('');
    setShowing(intent);
  });

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
    <section className="page servers-page" aria-labelledby="servers-title">
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

      {servers.some((s) => s.kind === 'ssh') && (
        <FilterField label="Filter servers" placeholder="Filter by name, host or user" value={query} onChange={setQuery} shown={shown.length} total={servers.length} noun={NOUN} controls={listId} inputRef={filterRef} className="server-filter" />
      )}
      <ServerList
        id={listId}
        servers={shown}
        filter={query}
        reveal={showing}
        onEdit={(server) => server.kind === 'ssh' && setEditing({ kind: 'edit', server })}
        onRemove={(server) => server.kind === 'ssh' && void confirmRemove(server)}
      />
      {shown.length === 0 && servers.length > 0 && (
        <NoMatches query={query} total={servers.length} noun={NOUN} onClear={() => { setQuery(''); filterRef.current?.focus(); }} />
      )}
      {loaded && !loadError && servers.every((s) => s.kind === 'local') && (
        <div className="empty">
          <p>No servers yet. Add one with its SSH address, or import the hosts you already use from ~/.ssh/config.</p>
          <div className="empty-actions">
            <button type="button" className="button button-primary" onClick={() => setEditing({ kind: 'add' })}>
              <Icon name="plus" /> Add a server
            </button>
            <button type="button" className="button" onClick={() => setEditing({ kind: 'import' })}>
              <Icon name="import" /> Import hosts from ~/.ssh/config
            </button>
          </div>
        </div>
      )}

      {editing?.kind === 'add' && <ServerFormDialog onClose={() => setEditing(undefined)} />}
      {editing?.kind === 'edit' && <ServerFormDialog server={editing.server} onClose={() => setEditing(undefined)} />}
      {editing?.kind === 'import' && <ImportSshConfigDialog onClose={() => setEditing(undefined)} />}
    </section>
  );
}
