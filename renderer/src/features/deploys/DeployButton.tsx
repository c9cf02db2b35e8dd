import { useMemo, useState } from 'react';
import type { Destination } from '../../../../shared/model/app';
import { useDeploys } from './deploys-store';
import { PlanDialog } from './PlanDialog';

/**
 * Deploy the saved app to the destination picked in the toolbar: the plan
 * dialog opens first, and only its Confirm starts anything.
 */
export function DeployButton({ app, destination, dirty }: { app: string | null; destination: Destination | null; dirty: boolean }) {
  const [planning, setPlanning] = useState(false);
  const live = useDeploys((s) => s.live);
  const running = useMemo(() => Object.values(live).find((r) => r.outcome === 'running' && r.app === app && r.destination === destination?.name), [live, app, destination]);
  const reason = !app
    ? 'Save the app first: a deploy uses the saved definition.'
    : dirty
      ? 'Save your changes first: a deploy uses the saved definition.'
      : !destination
        ? 'Pick a destination first.'
        : running
          ? `${app} is being deployed to ${destination.name} (${running.id}).`
          : undefined;

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
