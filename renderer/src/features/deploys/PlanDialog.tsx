import { useEffect, useState } from 'react';
import { api } from '../../api/api';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/ErrorNote';
import { Spinner } from '../../components/Spinner';
import { formatBytes } from '../../lib/format';
import { toShownError, type ShownError } from '../../lib/errors';
import type { DeployPlanView, DeployRecord, PlanAction, ServiceMove } from '../../../../shared/model/deploy';
import { ObjectChanges } from './ObjectChanges';

export interface PlanRequest {
  kind: 'deploy' | 'rollback';
  app: string;
  destination: string;
  /** Rollback target. */
  to?: string;
}

type Planned = { status: 'planning' } | { status: 'ready'; planId: string; plan: DeployPlanView } | { status: 'error'; error: ShownError };

const MOVE_LABEL: Record<ServiceMove['mode'], string> = { beside: 'beside', recreated: 'recreated', unchanged: 'unchanged', created: 'new' };

/**
 * The plan of a deploy or rollback, every step with its exact commands and
 * uploads, then Confirm: what starts is that plan (by its id), nothing re-planned.
 */
export function PlanDialog({ request, onClose, onStarted }: { request: PlanRequest; onClose(): void; onStarted(record: DeployRecord): void }) {
  const [planned, setPlanned] = useState<Planned>({ status: 'planning' });
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<ShownError>();
  const [force, setForce] = useState(false);
  const { kind, app, destination, to } = request;

  useEffect(() => {
    let current = true;
    api.call('deploys.plan', { kind, app, destination, to, ...(force ? { force } : {}) }).then(
      ({ planId, plan }) => current && setPlanned({ status: 'ready', planId, plan }),
      (err: unknown) => current && setPlanned({ status: 'error', error: toShownError(err) }),
    );
    return () => {
      current = false;
    };
  }, [kind, app, destination, to, force]);

  const confirm = async () => {
    if (planned.status !== 'ready') return;
    setStarting(true);
    setStartError(undefined);
    try {
      onStarted(await api.call('deploys.start', { planId: planned.planId }));
    } catch (err) {
      setStartError(toShownError(err));
      setStarting(false);
    }
  };

  const title = kind === 'rollback' ? `Roll back ${app} on ${destination}` : `Deploy ${app} to ${destination}`;
  return (
    <Dialog title={title} onCancel={onClose} className="dialog-plan">
      <div className="dialog-body plan-body">
        {planned.status === 'planning' && (
          <p className="plan-planning muted">
            <Spinner label="Planning" /> Reading the server and making the plan. Nothing changes until you confirm.
          </p>
        )}
        {planned.status === 'error' && <ErrorNote error={planned.error} title="No plan could be made." />}
        {planned.status === 'ready' && <PlanView plan={planned.plan} />}
        {planned.status === 'ready' && (planned.plan.conflicts?.length || force) ? (
          <label className="plan-force">
            <input type="checkbox" checked={force} onChange={(e) => {
              setPlanned({ status: 'planning' });
              setForce(e.target.checked);
            }} />
            Take over the fields another tool manages (server-side apply with force)
          </label>
        ) : null}
      </div>
      {startError && (
        <div className="plan-start-error">
          <ErrorNote error={startError} title="The deploy did not start." />
        </div>
      )}
      <footer className="dialog-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="apps-primary" disabled={planned.status !== 'ready' || starting} onClick={() => void confirm()}>
          {starting ? 'Starting…' : kind === 'rollback' ? 'Confirm rollback' : 'Confirm deploy'}
        </button>
      </footer>
    </Dialog>
  );
}

function PlanView({ plan }: { plan: DeployPlanView }) {
  return (
    <>
      <dl className="facts plan-facts">
        <dt>{plan.changes ? 'Cluster' : 'Server'}</dt>
        <dd>{plan.server}</dd>
        <dt>New release</dt>
        <dd className="mono">{plan.releaseId}</dd>
        <dt>Serving now</dt>
        <dd className={plan.previousRelease ? 'mono' : undefined}>{plan.previousRelease ?? 'nothing yet (first deploy)'}</dd>
        {plan.rollbackOf && (
          <>
            <dt>Restores</dt>
            <dd className="mono">{plan.rollbackOf}</dd>
          </>
        )}
      </dl>
      {plan.warnings.length > 0 && (
        <section className="note note-warning" aria-label="Warnings">
          <strong>{plan.warnings.length === 1 ? 'Warning' : `${plan.warnings.length} warnings`}</strong>
          <ul className="plan-warnings">
            {plan.warnings.map((w) => <li key={w}>{w}</li>)}
          </ul>
        </section>
      )}
      {plan.changes && plan.changes.length > 0 && <ObjectChanges changes={plan.changes} />}
      <section aria-label="Services">
        <h3 className="plan-heading">Services</h3>
        <ul className="plan-services">
          {plan.services.map((s) => (
            <li key={s.service}>
              <span className={`plan-move plan-move-${s.mode}`}>{MOVE_LABEL[s.mode]}</span>
              {s.summary}
            </li>
          ))}
        </ul>
      </section>
      <section aria-label="Steps">
        <h3 className="plan-heading">
          Steps <span className="muted">({plan.steps.length}, in this order)</span>
        </h3>
        <ol className="plan-steps">
          {plan.steps.map((step) => (
            <li key={step.id} className="plan-step" aria-label={step.title}>
              <h4>{step.title}</h4>
              {step.notes.map((n) => <p key={n} className="plan-note muted">{n}</p>)}
              <Actions actions={step.actions} />
              {step.undo.length > 0 && (
                <details className="plan-undo">
                  <summary>If a later step fails or you cancel: {step.undo.length === 1 ? '1 undo action' : `${step.undo.length} undo actions`}</summary>
                  <Actions actions={step.undo} />
                </details>
              )}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

function Actions({ actions }: { actions: PlanAction[] }) {
  if (actions.length === 0) return null;
  return (
    <ul className="plan-actions">
      {actions.map((a, i) => <li key={i} className={`plan-action plan-action-${a.kind}`}><Action action={a} /></li>)}
    </ul>
  );
}

function Action({ action }: { action: PlanAction }) {
  switch (action.kind) {
    case 'exec':
      return (
        <>
          <span className="plan-where" title={action.on === 'local' ? 'Runs on this computer' : 'Runs on the server'}>{action.on === 'local' ? 'local' : 'server'}</span>
          <code className="plan-command">{action.display}</code>
        </>
      );
    case 'upload':
      return (
        <details className="plan-upload">
          <summary>
            <span className="plan-where">upload</span>
            <code className="plan-path">{action.path}</code>
            <span className="muted">mode {action.mode} · {formatBytes(action.bytes)}</span>
          </summary>
          <pre className="plan-preview">{action.preview}</pre>
        </details>
      );
    case 'pipe':
      return (
        <>
          <span className="plan-where">pipe</span>
          <code className="plan-command">{action.display}</code>
        </>
      );
    case 'check':
      return (
        <>
          <span className="plan-where">check</span>
          <span className="plan-check">{action.display}</span>
        </>
      );
    case 'api':
      return (
        <>
          <span className="plan-where" title="A call to the cluster's API">api</span>
          <span className="plan-check">{action.display}</span>
        </>
      );
  }
}
