import { useEffect, useMemo } from 'react';
import { Spinner } from '../../components/Spinner';
import { useNavigation } from '../../stores/navigation-store';
import { showDeploy, useDeploys } from './deploys-store';

/** The sidebar's list of deploys running now; each opens its app's Deploys view. */
export function RunningDeploys() {
  const live = useDeploys((s) => s.live);
  const loaded = useDeploys((s) => s.loaded);
  const go = useNavigation((s) => s.go);
  const running = useMemo(() => Object.values(live).filter((r) => r.outcome === 'running').sort((a, b) => a.startedAt.localeCompare(b.startedAt)), [live]);

  useEffect(() => {
    if (!loaded) void useDeploys.getState().load();
  }, [loaded]);

  if (running.length === 0) return null;
  return (
    <section className="sidebar-deploys" aria-label="Running deploys">
      <h2 className="sidebar-heading">Deploying</h2>
      <ul className="nav">
        {running.map((r) => {
          const done = r.steps.filter((s) => s.status === 'done').length;
          return (
            <li key={r.id}>
              <button
                type="button"
                className="nav-item sidebar-deploy"
                title={`${r.kind === 'rollback' ? 'Rolling back' : 'Deploying'} ${r.app} on ${r.destination} (${r.id})`}
                onClick={() => go('apps', showDeploy(r))}
              >
                <Spinner label="Running" />
                <span className="sidebar-deploy-name">
                  {r.app} → {r.destination}
                </span>
                <span className="count">
                  {done}/{r.steps.length}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
