import { useEffect, useState } from 'react';
import { api } from '../../api/api';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/ErrorNote';
import { Spinner } from '../../components/Spinner';
import { toShownError, type ShownError } from '../../lib/errors';
import { useServers } from '../../stores/servers-store';
import type { SshConfigCandidate } from '../../../../shared/model/server';

/** Offers the hosts of ~/.ssh/config; the chosen ones become servers. */
export function ImportSshConfigDialog({ onClose }: { onClose(): void }) {
  const [candidates, setCandidates] = useState<SshConfigCandidate[]>();
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [error, setError] = useState<ShownError>();
  const [importing, setImporting] = useState(false);
  const load = useServers((s) => s.load);

  useEffect(() => {
    let live = true;
    api.call('servers.sshConfig.scan', {}).then(
      (found) => live && setCandidates(found),
      (err: unknown) => live && (setCandidates([]), setError(toShownError(err))),
    );
    return () => {
      live = false;
    };
  }, []);

  const toggle = (alias: string) =>
    setChosen((set) => {
      const next = new Set(set);
      if (!next.delete(alias)) next.add(alias);
      return next;
    });

  const runImport = async () => {
    setImporting(true);
    setError(undefined);
    try {
      await api.call('servers.sshConfig.import', { aliases: [...chosen] });
      await load();
      onClose();
    } catch (err) {
      setError(toShownError(err));
    } finally {
      setImporting(false);
    }
  };

  return (
    <Dialog title="Import from ~/.ssh/config" onCancel={onClose} wide>
      <div className="dialog-body">
        <ErrorNote error={error} />
        {!candidates && (
          <p className="muted">
            <Spinner label="Reading ~/.ssh/config" /> Reading ~/.ssh/config…
          </p>
        )}
        {candidates?.length === 0 && !error && <p className="muted">No hosts found in ~/.ssh/config. Add the server by hand instead.</p>}
        {candidates && candidates.length > 0 && (
          <ul className="pick-list">
            {candidates.map((c) => (
              <li key={c.alias}>
                <label className="check">
                  <input type="checkbox" checked={chosen.has(c.alias)} onChange={() => toggle(c.alias)} />
                  <span className="pick-main">{c.alias}</span>
                  <span className="pick-detail mono">
                    {c.user}@{c.host}:{c.port}
                    {c.identityFile && ` · ${c.identityFile}`}
                    {c.proxyJump.length > 0 && ` · via ${c.proxyJump.join(' → ')}`}
                  </span>
                </label>
              </li>
            ))}
          </ul>
        )}
      </div>
      <footer className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button button-primary" disabled={chosen.size === 0 || importing} onClick={() => void runImport()}>
          {importing ? 'Importing…' : chosen.size > 1 ? `Import ${chosen.size} servers` : 'Import'}
        </button>
      </footer>
    </Dialog>
  );
}
