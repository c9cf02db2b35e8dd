import type { DeployRecord, ReleaseInfo, ReleaseState } from '../../../../shared/model/deploy';

/** A release's state on the server, or, for a deploy the server does not (or cannot) tell about, its local outcome. */
export type EntryState = ReleaseState | 'succeeded';

/** One line of an app's history on a destination: what the server keeps and what this installation recorded, by id. */
export interface HistoryEntry {
  id: string;
  state: EntryState;
  kind: 'deploy' | 'rollback';
  rollbackOf?: string;
  by: string;
  startedAt: string;
  finishedAt?: string;
  source?: ReleaseInfo['source'];
  error?: string;
  /** The server's release.json, when the server could be read and still keeps it. */
  release?: ReleaseInfo;
  /** This installation's record (steps, log), when the deploy ran from here. */
  record?: DeployRecord;
}

const OUTCOME_STATE: Record<DeployRecord['outcome'], EntryState> = {
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
};

/**
 * Releases and local records joined by id, newest first (ids sort by time).
 * A running local deploy shows as running whatever the server last wrote;
 * otherwise the server's state wins, since it knows what serves now.
 */
export function historyEntries(records: readonly DeployRecord[], releases: readonly ReleaseInfo[] | null): HistoryEntry[] {
  const byId = new Map<string, HistoryEntry>();
  for (const release of releases ?? []) {
    byId.set(release.id, {
      id: release.id, state: release.state, kind: release.kind, rollbackOf: release.rollbackOf, by: release.by,
      startedAt: release.createdAt, finishedAt: release.finishedAt, source: release.source, error: release.error, release,
    });
  }
  for (const record of records) {
    const known = byId.get(record.id);
    const state = record.outcome === 'running' || !known ? OUTCOME_STATE[record.outcome] : known.state;
    byId.set(record.id, {
      ...known,
      id: record.id, state, kind: record.kind, by: known?.by ?? record.by,
      startedAt: record.startedAt, finishedAt: record.finishedAt ?? known?.finishedAt,
      error: record.error ?? known?.error, record,
    });
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

export const STATE_LABEL: Record<EntryState, string> = {
  serving: 'serving',
  kept: 'kept',
  failed: 'failed',
  interrupted: 'interrupted',
  cancelled: 'cancelled',
  'rolled-back': 'rolled back',
  running: 'running',
  succeeded: 'succeeded',
};

/** "a1b2c3d main", or the repository when that is all there is; undefined for image-only apps. */
export function describeSource(source: ReleaseInfo['source'] | undefined): string | undefined {
  if (!source) return undefined;
  const parts = [source.commit?.slice(0, 7), source.ref].filter(Boolean);
  if (parts.length > 0) return parts.join(' ');
  return source.repository;
}

/** Chunks pushed after a log snapshot was taken: those already in the snapshot end it, and are skipped. */
export function unseenChunks(snapshot: string, chunks: readonly string[]): string[] {
  for (let seen = chunks.length; seen > 0; seen--) {
    if (snapshot.endsWith(chunks.slice(0, seen).join(''))) return chunks.slice(seen);
  }
  return [...chunks];
}
