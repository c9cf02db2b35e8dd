import { useCallback, useMemo, useState } from 'react';
import { api } from '../../api/api';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/ErrorNote';
import { Spinner } from '../../components/Spinner';
import { durationBetween, formatDuration, formatWhen } from '../../lib/format';
import { toShownError, type ShownError } from '../../lib/errors';
import type { Destination } from '../../../../shared/model/app';
import type { DeployRecord, LockInfo, ReleaseInfo } from '../../../../shared/model/deploy';
import { DeployRun } from './DeployRun';
import { useDeploys } from './deploys-store';
import { describeSource, historyEntries, STATE_LABEL, type HistoryEntry } from './history-model';
import { PlanDialog, type PlanRequest } from './PlanDialog';
import { useReload } from './use-reload';

interface ServerSide {
  releases: ReleaseInfo[];
  lock: LockInfo | null;
}

/**
 * The Deploys view of an app on a destination: its history (the releases
 * the server keeps, joined with this installation's records), the selected
 * deploy with its steps and log, Rollback on kept releases, and the lock.
 */
export function DeploysView({ app, destination }: { app: string; destination: Destination }) {
  const [records, setRecords] = useState<DeployRecord[]>([]);
  const [recordsError, setRecordsError] = useState<ShownError>();
  const [server, setServer] = useState<ServerSide | null>(null);
  const [serverError, setServerError] = useState<ShownError>();
  const [rollback, setRollback] = useState<PlanRequest | null>(null);
  const live = useDeploys((s) => s.live);
  const selected = useDeploys((s) => s.selected);
  const { select, apply } = useDeploys.getState();
  const dest = destination.name;

  const mine = useMemo(() => Object.values(live).filter((r) => r.app === app && r.destination === dest), [live, app, dest]);
  // Reload what the server keeps whenever one of this app's deploys here ends (states move: serving, kept…).
  const ended = mine.filter((r) => r.outcome !== 'running').map((r) => r.id).join(',');

  const read = useCallback(() => Promise.allSettled([api.call('deploys.list', { app }), api.call('releases.list', { app, destination: dest })]), [app, dest]);
  const show = useCallback(([list, side]: Awaited<ReturnType<typeof read>>) => {
    if (list.status === 'fulfilled') {
      setRecords(list.value.filter((r) => r.destination === dest));
      setRecordsError(undefined);
    } else setRecordsError(toShownError(list.reason));
    if (side.status === 'fulfilled') {
      setServer(side.value);
      setServerError(undefined);
    } else {
      setServer(null);
      setServerError(toShownError(side.reason));
    }
  }, [dest]);
  const { loading, refresh } = useReload(read, show, ended);

  const merged = useMemo(() => {
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const r of mine) byId.set(r.id, r);
    return [...byId.values()];
  }, [records, mine]);
  const entries = useMemo(() => historyEntries(merged, server?.releases ?? null), [merged, server]);
  const shown = entries.find((e) => e.id === selected) ?? entries.find((e) => e.state === 'running') ?? entries[0];
  const runningHere = mine.some((r) => r.outcome === 'running');

  return (
    <div className="deploys">
      {server?.lock && !runningHere && <LockBanner app={app} destination={dest} lock={server.lock} onBroken={refresh} />}
      {serverError && <ErrorNote error={serverError} title={`The release history on ${dest} could not be read; showing this installation's deploys only.`} />}
      <ErrorNote error={recordsError} title="This installation's deploy records could not be read." />
      <section className="history" aria-label="History">
        <header className="history-head">
          <h2>History</h2>
          <span className="muted">newest first</span>
          {loading ? <Spinner label="Loading history" /> : <button type="button" className="apps-small-button" onClick={refresh}>Refresh</button>}
        </header>
        {entries.length === 0 && !loading && <p className="history-empty muted">Not deployed to {dest} yet. Deploy… shows the plan first; nothing changes until you confirm.</p>}
        {entries.length > 0 && (
          <div className="history-scroll">
            <table className="history-table">
              <thead>
                <tr>
                  <th className="history-col-state">State</th>
                  <th>Release</th>
                  <th className="history-col-source">Source</th>
                  <th className="history-col-by">By</th>
                  <th className="history-col-when">Started</th>
                  <th className="num history-col-duration">Duration</th>
                  <th className="history-col-actions">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <HistoryRow key={entry.id} entry={entry} selected={entry.id === shown?.id} onSelect={() => select(entry.id)}
                    onRollback={() => setRollback({ kind: 'rollback', app, destination: dest, to: entry.id })} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="deploys-detail" aria-label="Selected deploy">
        {shown?.record ? <DeployRun key={shown.id} record={shown.record} /> : shown ? <ReleaseDetail entry={shown} /> : null}
      </section>
      {rollback && (
        <PlanDialog
          request={rollback}
          onClose={() => setRollback(null)}
          onStarted={(record) => {
            apply(record);
            select(record.id);
            setRollback(null);
          }}
        />
      )}
    </div>
  );
}

function HistoryRow({ entry, selected, onSelect, onRollback }: { entry: HistoryEntry; selected: boolean; onSelect(): void; onRollback(): void }) {
  const source = describeSource(entry.source);
  const duration = entry.state === 'running' ? undefined : durationBetween(entry.startedAt, entry.finishedAt);
  return (
    <tr className={selected ? 'history-selected' : undefined} aria-label={entry.id} aria-selected={selected} data-state={entry.state} onClick={onSelect}>
      <td>
        <span className={`state state-${entry.state}`}>{entry.state === 'running' && <Spinner label="Running" />}{STATE_LABEL[entry.state]}</span>
      </td>
      <td>
        {/* The row is clickable; the button makes it reachable by keyboard and screen readers. */}
        <button type="button" className="history-select mono" aria-current={selected ? 'true' : undefined} onClick={onSelect}>
          {entry.id}
        </button>
        {entry.kind === 'rollback' && <span className="history-kind">rollback{entry.rollbackOf ? ` to ${entry.rollbackOf}` : ''}</span>}
      </td>
      <td className="mono history-source" title={entry.source?.repository}>{source ?? <span className="muted">—</span>}</td>
      <td title={entry.by}>{entry.by}</td>
      <td className="history-when">{formatWhen(entry.startedAt)}</td>
      <td className="num">{duration === undefined ? <span className="muted">—</span> : formatDuration(duration)}</td>
      <td className="history-actions">
        {entry.state === 'kept' && (
          <button type="button" className="apps-small-button" onClick={(e) => { e.stopPropagation(); onRollback(); }}>
            Roll back to this
          </button>
        )}
      </td>
    </tr>
  );
}

/** A release this installation has no record of (deployed from elsewhere): what the server says about it. */
function ReleaseDetail({ entry }: { entry: HistoryEntry }) {
  const release = entry.release;
  return (
    <article className="run" aria-label={`Release ${entry.id}`}>
      <header className="run-head">
        <div className="run-title">
          <h2>
            Release <span className="mono">{entry.id}</span>
          </h2>
          <p className="muted">Deployed by {entry.by} from another installation; its log is kept there.</p>
        </div>
        <span className={`state state-${entry.state}`}>{STATE_LABEL[entry.state]}</span>
      </header>
      {entry.error && <ErrorNote error={{ code: 'INTERNAL', message: entry.error }} title="It failed." />}
      <dl className="facts release-facts">
        <dt>Started</dt>
        <dd>{formatWhen(entry.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatWhen(entry.finishedAt)}</dd>
        <dt>Source</dt>
        <dd>{[entry.source?.repository, entry.source?.ref, entry.source?.commit].filter(Boolean).join(' · ') || '—'}</dd>
        {release && (
          <>
            <dt>Images</dt>
            <dd>
              {release.images.length === 0 ? '—' : release.images.map((i) => <div key={i.service} className="mono">{i.service}: {i.ref}</div>)}
            </dd>
            <dt>Berth</dt>
            <dd>{release.berthVersion}</dd>
          </>
        )}
      </dl>
    </article>
  );
}

/** Another deploy's lock on the app: who holds it, and for a stale one, Break lock after a confirmation. */
function LockBanner({ app, destination, lock, onBroken }: { app: string; destination: string; lock: LockInfo; onBroken(): void }) {
  const [confirming, setConfirming] = useState(false);
  const [breaking, setBreaking] = useState(false);
  const [error, setError] = useState<ShownError>();
  const age = lock.heartbeatAgeSeconds === undefined ? 'unknown' : formatDuration(lock.heartbeatAgeSeconds * 1000);

  const breakLock = async () => {
    setBreaking(true);
    setError(undefined);
    try {
      await api.call('releases.unlock', { app, destination, force: false });
      setConfirming(false);
      onBroken();
    } catch (err) {
      setError(toShownError(err));
    } finally {
      setBreaking(false);
    }
  };

  return (
    <div className={`note ${lock.stale ? 'note-warning' : 'note-info'} lock-banner`} role="status" aria-label="Deploy lock">
      <strong>{lock.stale ? `A stale lock blocks deploys of ${app} on ${destination}.` : `${lock.by} is deploying ${app} to ${destination}.`}</strong>
      <span className="note-text">
        {lock.stale
          ? `${lock.by} took it for ${lock.releaseId} and stopped refreshing it ${age} ago, so that deploy is gone. Break the lock to deploy again; the next deploy cleans up what it left.`
          : `Release ${lock.releaseId}, started ${formatWhen(lock.startedAt)}; last heartbeat ${age} ago. Wait for it to finish.`}
      </span>
      {lock.stale && (
        <span>
          <button type="button" className="apps-small-button" onClick={() => setConfirming(true)}>
            Break lock
          </button>
        </span>
      )}
      {confirming && (
        <Dialog title="Break the lock?" tone="warning" onCancel={() => setConfirming(false)}>
          <div className="dialog-body">
            <p>
              Berth removes the lock {lock.by} left on {destination} for {lock.releaseId}. Do this only if that deploy is not running any more: its
              heartbeat stopped {age} ago.
            </p>
            <ErrorNote error={error} title="The lock was not removed." />
          </div>
          <footer className="dialog-actions">
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
            <button type="button" className="apps-primary" disabled={breaking} onClick={() => void breakLock()}>
              {breaking ? 'Breaking…' : 'Break lock'}
            </button>
          </footer>
        </Dialog>
      )}
    </div>
  );
}
