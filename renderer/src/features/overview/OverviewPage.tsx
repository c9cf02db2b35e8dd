import type { ReactNode } from 'react';
import { Icon } from '../../components/Icon';
import { Spinner } from '../../components/Spinner';
import { formatWhen } from '../../lib/format';
import { useNavigation, type Page } from '../../stores/navigation-store';
import { useServers } from '../../stores/servers-store';
import { ActivityList } from '../activity/ActivityList';
import { useActivity } from '../activity/activity-store';
import { deployLabel } from '../activity/activity-model';
import { useClusters } from '../clusters/clusters-store';
import { showDeploy } from '../deploys/deploys-store';
import { allDone, firstSteps } from './first-steps';
import { GetStarted } from './GetStarted';
import { useOverviewData } from './use-overview-data';
import './overview.css';

const RECENT = 5;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function Tile({ id, title, count, children, page, action }: { id: string; title: string; count: number | undefined; children: ReactNode; page: Page; action: string }) {
  const go = useNavigation((s) => s.go);
  return (
    <section className="overview-tile card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <p className="overview-count" data-testid={`${id}-count`}>{count ?? '–'}</p>
      <p className="muted overview-tile-detail">{children}</p>
      <button type="button" className="button button-small" onClick={() => go(page)}>
        {action}
      </button>
    </section>
  );
}

/** Where a first start begins, and later a summary: what Berth manages, recent deploys and recent activity. */
export default function OverviewPage() {
  const { lists, error } = useOverviewData();
  const servers = useServers((s) => s.servers);
  const serversLoaded = useServers((s) => s.loaded);
  const statuses = useServers((s) => s.statuses);
  const clusters = useClusters((s) => s.list);
  const clusterStatuses = useClusters((s) => s.statuses);
  const activity = useActivity((s) => s.entries);
  const setPanelOpen = useActivity((s) => s.setPanelOpen);
  const go = useNavigation((s) => s.go);

  const ssh = servers.filter((s) => s.kind === 'ssh');
  const connected = ssh.filter((s) => statuses[s.id]?.state === 'connected').length;
  const failing = ssh.filter((s) => statuses[s.id]?.state === 'error').length;
  const contexts = clusters?.contexts ?? [];
  const checked = contexts.filter((c) => clusterStatuses[c.name]);
  const reachable = checked.filter((c) => clusterStatuses[c.name]?.state === 'reachable').length;
  const steps = lists && serversLoaded ? firstSteps(servers, lists.apps.length, lists.deploys) : undefined;

  return (
    <section className="page overview" aria-labelledby="overview-title">
      <header className="page-header">
        <div>
          <h1 id="overview-title">Overview</h1>
          <p className="muted">What Berth deploys to and what it deploys, with what happened lately.</p>
        </div>
      </header>

      {error && (
        <div className="note note-error" role="alert">
          <span className="note-text">{error}</span>
        </div>
      )}
      {!steps && !error && (
        <p className="muted">
          <Spinner label="Loading" /> Reading your servers, apps and deploys…
        </p>
      )}
      {steps && lists && !allDone(steps) && <GetStarted steps={steps} appNames={lists.apps.map((a) => a.name)} />}

      <div className="overview-tiles">
        <Tile id="overview-servers" title="Servers" count={serversLoaded ? ssh.length : undefined} page="servers" action="Open Servers">
          {ssh.length === 0 ? 'Only this computer so far.' : [`${connected} connected`, failing > 0 && `${failing} cannot connect`].filter(Boolean).join(' · ')}
        </Tile>
        <Tile id="overview-apps" title="Apps" count={lists?.apps.length} page="apps" action="Open Apps">
          {lists ? (lists.apps.length === 0 ? 'None yet.' : `${plural(lists.destinations.length, 'destination')} to deploy them to.`) : ''}
        </Tile>
        <Tile id="overview-clusters" title="Clusters" count={clusters ? contexts.length : undefined} page="clusters" action="Open Clusters">
          {contexts.length === 0 ? 'No Kubernetes contexts in your kubeconfig.' : checked.length === 0 ? 'Not checked yet.' : `${reachable} of ${checked.length} checked reachable.`}
        </Tile>
      </div>

      <div className="overview-columns">
        <section className="overview-section card" aria-labelledby="overview-deploys-title">
          <h2 id="overview-deploys-title">Recent deploys</h2>
          {lists && lists.deploys.length === 0 && (
            <div className="overview-empty">
              <p>No deploys yet. Open an app, pick its destination and press Deploy…: each step and its log show here and in Activity.</p>
              <button type="button" className="button button-small" onClick={() => go('apps')}>
                Open Apps
              </button>
            </div>
          )}
          {lists && lists.deploys.length > 0 && (
            <ul className="overview-deploys">
              {lists.deploys.slice(0, RECENT).map((r) => (
                <li key={r.id}>
                  <button
                    type="button"
                    className="overview-deploy"
                    aria-label={`${deployLabel(r)}: ${r.outcome}, ${formatWhen(r.startedAt)}`}
                    onClick={() => go('apps', showDeploy(r))}
                  >
                    <span className="overview-deploy-name">
                      {r.app} → {r.destination}
                    </span>
                    <span className={`state state-${r.outcome}`}>{r.outcome}</span>
                    <span className="muted overview-deploy-when">{formatWhen(r.startedAt)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="overview-section card" aria-labelledby="overview-activity-title">
          <div className="overview-section-head">
            <h2 id="overview-activity-title">Recent activity</h2>
            {activity.length > 0 && (
              <button type="button" className="button button-small button-quiet" onClick={() => setPanelOpen(true)}>
                <Icon name="activity" /> All activity
              </button>
            )}
          </div>
          {activity.length === 0 ? (
            <p className="overview-empty muted">Nothing has run in this window yet. Connecting, tests, imports and deploys show here as they run, with their outcome.</p>
          ) : (
            <ActivityList entries={activity.slice(0, RECENT)} label="Recent activity" />
          )}
        </section>
      </div>
    </section>
  );
}
