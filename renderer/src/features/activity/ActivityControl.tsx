import { useEffect, useId, useRef, type KeyboardEvent } from 'react';
import { Icon } from '../../components/Icon';
import { runningCount, type ActivityEntry } from './activity-model';
import { ActivityList } from './ActivityList';
import { useActivity } from './activity-store';
// Installs the feeds: from here on this window's connections, tests, checks and deploys are recorded.
import './activity-feeds';
import './activity.css';

/** The newest ending, said once to screen readers as it happens. */
function latestOutcome(entries: ActivityEntry[]): string {
  let latest: ActivityEntry | undefined;
  for (const e of entries) if (e.finishedAt !== undefined && (!latest || e.finishedAt > latest.finishedAt!)) latest = e;
  if (!latest) return '';
  return `${latest.label}: ${latest.warning ? 'needs you' : latest.state}. ${latest.outcome ?? ''}`.trim();
}

/** The sidebar's Activity button with the count of running work, and the panel it opens. */
export function ActivityControl() {
  const entries = useActivity((s) => s.entries);
  const open = useActivity((s) => s.panelOpen);
  const { setPanelOpen, clearFinished } = useActivity.getState();
  const running = runningCount(entries);
  const panelId = useId();
  const titleId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLElement>(null);

  useEffect(() => {
    if (!open) return;
    panelRef.current?.focus();
    // A popover, not a modal: a click anywhere else closes it.
    const outside = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!panelRef.current?.contains(target) && !buttonRef.current?.contains(target)) setPanelOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open, setPanelOpen]);

  const close = () => {
    setPanelOpen(false);
    buttonRef.current?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.stopPropagation();
    close();
  };

  return (
    <div className="activity-control">
      <button
        ref={buttonRef}
        type="button"
        className={`nav-item${open ? ' nav-item-active' : ''}`}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => setPanelOpen(!open)}
      >
        <Icon name="activity" />
        Activity
        {running > 0 && (
          <span className="count" data-testid="activity-running">
            {running}
            <span className="visually-hidden"> running</span>
          </span>
        )}
      </button>
      <p className="visually-hidden" role="status" aria-live="polite">
        {latestOutcome(entries)}
      </p>
      {open && (
        <section ref={panelRef} id={panelId} className="activity-panel" role="dialog" aria-labelledby={titleId} tabIndex={-1} onKeyDown={onKeyDown}>
          <header className="activity-panel-head">
            <h2 id={titleId}>Activity</h2>
            <button type="button" className="button button-small button-quiet" disabled={entries.every((e) => e.state === 'running')} onClick={clearFinished}>
              Clear finished
            </button>
            <button type="button" className="icon-button" aria-label="Close activity" onClick={close}>
              <Icon name="close" size={12} />
            </button>
          </header>
          {entries.length === 0 ? (
            <p className="activity-empty muted">
              Nothing yet. Connecting to a server, testing it, checking a cluster, importing a compose file and deploying show here with their progress and
              outcome.
            </p>
          ) : (
            <ActivityList entries={entries} label="All activity" onOpen={close} />
          )}
        </section>
      )}
    </div>
  );
}
