import { useState } from 'react';
import { api } from '../../api/api';
import { ErrorNote } from '../../components/ErrorNote';
import { Spinner } from '../../components/Spinner';
import { durationBetween, formatDuration, formatWhen } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { toShownError, type ShownError } from '../../lib/errors';
import type { DeployRecord, StepRecord } from '../../../../shared/model/deploy';
import { LogTerminal } from './LogTerminal';

const OUTCOME_LABEL: Record<DeployRecord['outcome'], string> = {
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
};

const STEP_MARK: Record<StepRecord['status'], string> = { pending: '○', running: '', done: '✓', failed: '✕', skipped: '–', cancelled: '⊘' };

/** One deploy: its steps with status and timings beside its log, and Cancel while it runs. */
export function DeployRun({ record }: { record: DeployRecord }) {
  const running = record.outcome === 'running';
  const now = useNow(running);
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<ShownError>();
  const failedStep = record.steps.find((s) => s.id === record.failedStep)?.title ?? record.failedStep;
  const duration = durationBetween(record.startedAt, record.finishedAt, now);

  const cancel = async () => {
    setCancelling(true);
    setCancelError(undefined);
    try {
      await api.call('deploys.cancel', { deployId: record.id });
    } catch (err) {
      setCancelError(toShownError(err));
      setCancelling(false);
    }
  };

  return (
    <article className="run" aria-label={`${record.kind === 'rollback' ? 'Rollback' : 'Deploy'} ${record.id}`}>
      <header className="run-head">
        <div className="run-title">
          <h2>
            {record.kind === 'rollback' ? 'Rollback' : 'Deploy'} <span className="mono">{record.id}</span>
          </h2>
          <p className="muted">
            {record.by} · started {formatWhen(record.startedAt)}
            {duration !== undefined && ` · ${running ? 'running for ' : 'took '}${formatDuration(duration)}`}
          </p>
        </div>
        <span className={`state state-${record.outcome}`} data-testid="deploy-outcome">
          {running && <Spinner label="Running" />}
          {OUTCOME_LABEL[record.outcome]}
        </span>
        {running && (
          <button type="button" className="apps-small-button" disabled={cancelling} onClick={() => void cancel()}>
            {cancelling ? 'Cancelling…' : 'Cancel deploy'}
          </button>
        )}
      </header>
      <ErrorNote error={cancelError} title="The deploy could not be cancelled." />
      {record.error && record.outcome !== 'running' && (
        <ErrorNote
          error={{ code: 'INTERNAL', message: record.error }}
          title={record.outcome === 'cancelled' ? 'Cancelled.' : record.outcome === 'interrupted' ? 'Interrupted.' : failedStep ? `Failed in “${failedStep}”.` : 'Failed.'}
        />
      )}
      <div className="run-body">
        <ol className="run-steps" aria-label="Steps">
          {record.steps.map((step) => (
            <li key={step.id} className={`run-step run-step-${step.status}`} data-status={step.status}>
              <span className="run-step-mark" aria-label={step.status}>
                {step.status === 'running' ? <Spinner label="running" /> : STEP_MARK[step.status]}
              </span>
              <span className="run-step-title">{step.title}</span>
              <span className="run-step-time">{stepTime(step, now)}</span>
            </li>
          ))}
        </ol>
        <LogTerminal deployId={record.id} />
      </div>
    </article>
  );
}

function stepTime(step: StepRecord, now: number): string {
  if (!step.startedAt) return '';
  const ms = durationBetween(step.startedAt, step.finishedAt, now);
  return ms === undefined ? '' : formatDuration(ms);
}
