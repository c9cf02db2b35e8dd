import { useMemo, useState } from 'react';
import type { Destination } from '../../../../shared/model/app';
import type { DeployRecord } from '../../../../shared/model/deploy';
import { useIntent } from '../../stores/navigation-store';
import { useDeploys } from './deploys-store';
import { PlanDialog } from './PlanDialog';

/** The deploy of `app` to `destination` running now, if any. */
export const runningDeploy = (live: Record<string, DeployRecord>, app: string | null, destination: Destination | null) =>
  Object.values(live).find((r) => r.outcome === 'running' && r.app === app && r.destination === destination?.name);

/** Why no deploy can be planned now (the button's tooltip, the palette's note), or undefined when one can. */
export function deployBlocker(app: string | null, destination: Destination | null, dirty: boolean, running: DeployRecord | undefined): string | undefined {
  return !app
    ? 'Save the app first: a deploy uses the saved definition.'
    : dirty
      ? 'Save your changes first: a deploy uses the saved definition.'
      : !destination
        ? 'Pick a destination first.'
        : running
          ? `${app} is being deployed to ${destination.name} (${running.id}).`
          : undefined;
}

/**
 * Deploy the saved app to the destination picked in the toolbar: the plan
 * dialog opens first, and only its Confirm starts anything.
 */
export function DeployButton({ app, destination, dirty }: { app: string | null; destination: Destination | null; dirty: boolean }) {
  const [planning, setPlanning] = useState(false);
  const live = useDeploys((s) => s.live);
  const running = useMemo(() => runningDeploy(live, app, destination), [live, app, destination]);
  const reason = deployBlocker(app, destination, dirty, running);
  // The palette's "Deploy": it offers that only when `reason` is undefined, but the app may have changed since.
  useIntent(['deploy'], () => {
    if (reason === undefined) setPlanning(true);
  });

  return (
    <>
      <button type="button" className="apps-primary" disabled={reason !== undefined} title={reason ?? `Plan a deploy of ${app} to ${destination?.name}`} onClick={() => setPlanning(true)}>
        {running ? 'Deploying…' : 'Deploy…'}
      </button>
      {planning && app && destination && (
        <PlanDialog
          request={{ kind: 'deploy', app, destination: destination.name }}
          onClose={() => setPlanning(false)}
          onStarted={(record) => {
            const { apply, select, setView } = useDeploys.getState();
            apply(record);
            select(record.id);
            setView('deploys');
            setPlanning(false);
          }}
        />
      )}
    </>
  );
}
