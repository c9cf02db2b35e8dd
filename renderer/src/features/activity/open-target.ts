import { useNavigation } from '../../stores/navigation-store';
import type { ActivityTarget } from './activity-model';

/** What "Show" says for each kind of target, for its accessible name. */
export function targetLabel(target: ActivityTarget): string {
  switch (target.kind) {
    case 'server':
      return 'Show the server';
    case 'cluster':
      return 'Show the cluster';
    case 'deploy':
      return 'Show the deploy';
    case 'apps':
      return 'Show apps';
  }
}

/** Scrolls a cluster's row into view once its page has drawn it (it may not be mounted yet). */
function revealRow(testId: string, tries = 20): void {
  const row = document.querySelector<HTMLElement>(`[data-testid="${CSS.escape(testId)}"]`);
  if (row) return row.scrollIntoView({ block: 'nearest' });
  if (tries > 0) requestAnimationFrame(() => revealRow(testId, tries - 1));
}

/** Opens what an activity entry was about: the server, the cluster, the deploy in its app, or the apps. */
export function openTarget(target: ActivityTarget): void {
  const { go } = useNavigation.getState();
  switch (target.kind) {
    case 'server':
      return go('servers', { kind: 'showServer', id: target.serverId });
    case 'cluster':
      go('clusters');
      return revealRow(`cluster-${target.context}`);
    case 'deploy':
      return go('apps', { kind: 'showDeploy', app: target.app, destination: target.destination, deployId: target.deployId });
    case 'apps':
      return go('apps');
  }
}
