import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api/api';
import type { AppSummary } from '../../../../shared/api/contract';
import type { Destination } from '../../../../shared/model/app';
import type { DeployRecord } from '../../../../shared/model/deploy';
import { errorMessage } from '../../lib/errors';
import { useServers } from '../../stores/servers-store';
import { useClusters } from '../clusters/clusters-store';
import { useDeploys } from '../deploys/deploys-store';
import { useAppsList } from '../apps/model/apps-list-store';

export interface OverviewLists {
  apps: AppSummary[];
  destinations: Destination[];
  /** Newest first: this installation's records, with what the deploys store saw since (running ones change). */
  deploys: DeployRecord[];
}

/**
 * What the Overview counts, read when it opens: destinations and deploys from the core; apps, servers and clusters
 * through the stores their pages share. `lists` is undefined until all three lists have arrived.
 */
export function useOverviewData(): { lists?: OverviewLists; error?: string } {
  const [listed, setListed] = useState<{ destinations: Destination[]; deploys: DeployRecord[] }>();
  const [error, setError] = useState<string>();
  const live = useDeploys((s) => s.live);
  const apps = useAppsList((s) => s.apps);
  const appsLoaded = useAppsList((s) => s.loaded);
  const appsError = useAppsList((s) => s.error);

  useEffect(() => {
    let current = true;
    void useServers.getState().load();
    void useClusters.getState().load();
    void useAppsList.getState().load();
    Promise.all([api.call('destinations.list', {}), api.call('deploys.list', {})]).then(
      ([destinations, deploys]) => current && setListed({ destinations, deploys }),
      (err: unknown) => current && setError(`Berth could not read your destinations and deploys: ${errorMessage(err)}`),
    );
    return () => {
      current = false;
    };
  }, []);

  const lists = useMemo(() => {
    if (!listed || !appsLoaded) return undefined;
    const byId = new Map(listed.deploys.map((r) => [r.id, r]));
    for (const r of Object.values(live)) byId.set(r.id, r);
    const deploys = [...byId.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    return { apps, destinations: listed.destinations, deploys };
  }, [listed, live, apps, appsLoaded]);

  return { lists, error: error ?? appsError ?? undefined };
}
