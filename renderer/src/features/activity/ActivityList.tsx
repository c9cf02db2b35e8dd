import { Spinner } from '../../components/Spinner';
import { formatDuration } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import type { ActivityEntry, ActivityState } from './activity-model';
import { openTarget, targetLabel } from './open-target';
import './activity.css';

const STATE_TEXT: Record<ActivityState, string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const MARK: Record<ActivityState, string> = { running: '', succeeded: '✓', failed: '✕', cancelled: '–' };

const clock = (ms: number) => new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function Entry({ entry, now, onOpen }: { entry: ActivityEntry; now: number; onOpen?: () => void }) {
  const running = entry.state === 'running';
  const took = formatDuration((entry.finishedAt ?? Math.max(now, entry.startedAt)) - entry.startedAt);
  const tone = entry.state === 'succeeded' && entry.warning ? 'warning' : entry.state;
  return (
    <li className={`activity-entry activity-${tone}`} data-testid="activity-entry" data-kind={entry.kind} data-state={entry.state}>
      <span className="activity-mark" aria-hidden="true">
        {running ? <Spinner label="Running" /> : tone === 'warning' ? '!' : MARK[entry.state]}
      </span>
      <div className="activity-body">
        <div className="activity-head">
          <strong className="activity-label">{entry.label}</strong>
          <span className="activity-state">{entry.warning && !running ? 'Needs you' : STATE_TEXT[entry.state]}</span>
        </div>
        {entry.progress && entry.progress.total > 0 && (
          <div className="activity-progress">
            <progress value={entry.progress.done} max={entry.progress.total} aria-label={`${entry.label}: steps done`} />
            <span className="muted">
              {entry.progress.done} of {entry.progress.total} steps
            </span>
          </div>
        )}
        {running && entry.phase && <p className="activity-phase">{entry.phase}</p>}
        {entry.outcome && <p className="activity-outcome">{entry.outcome}</p>}
        <p className="activity-meta muted">
          Started {clock(entry.startedAt)} · {running ? `${took} so far` : `took ${took}`}
        </p>
      </div>
      {entry.target && (
        <button
          type="button"
          className="button button-small"
          aria-label={`${targetLabel(entry.target)}: ${entry.label}`}
          onClick={() => {
            openTarget(entry.target!);
            onOpen?.();
          }}
        >
          Show
        </button>
      )}
    </li>
  );
}

/** Activity entries, newest first, each with its progress, times, outcome and a way to open what it was about. */
export function ActivityList({ entries, label, onOpen }: { entries: ActivityEntry[]; label: string; onOpen?: () => void }) {
  const now = useNow(entries.some((e) => e.state === 'running'));
  return (
    <ul className="activity-list" aria-label={label}>
      {entries.map((entry) => (
        <Entry key={entry.id} entry={entry} now={now} onOpen={onOpen} />
      ))}
    </ul>
  );
}
