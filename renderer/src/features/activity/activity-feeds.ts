import { api } from '../../api/api';
import { useServers } from '../../stores/servers-store';
import { useClusters } from '../clusters/clusters-store';
import { useDeploys } from '../deploys/deploys-store';
import { useActivity } from './activity-store';

/**
 * Feeds the activity list from what the other stores already track, so none of them has to know about it:
 * connection changes from the core's server.status events, tests and cluster checks from the stores' "busy" flags
 * turning on and off, deploys from their records. Imports report themselves (trackImport). Installed once, by
 * the first import of this module (the sidebar's Activity control).
 */

const record = useActivity.getState().record;
const serverName = (id: string) => useServers.getState().servers.find((s) => s.id === id)?.name ?? id;

api.on('server.status', (status) => {
  record({ type: 'connection', at: Date.now(), serverId: status.serverId, serverName: serverName(status.serverId), state: status.state, ...(status.error ? { error: status.error } : {}) });
});

/** Calls back for each key whose flag turned on, then for each that turned off. */
function onFlags(now: Record<string, boolean>, before: Record<string, boolean>, started: (key: string) => void, ended: (key: string) => void): void {
  if (now === before) return;
  for (const key of Object.keys(now)) {
    if (now[key] && !before[key]) started(key);
    else if (!now[key] && before[key]) ended(key);
  }
}

useServers.subscribe((s, prev) =>
  onFlags(
    s.testing,
    prev.testing,
    (id) => record({ type: 'test-started', at: Date.now(), serverId: id, serverName: serverName(id) }),
    (id) => {
      const error = s.testErrors[id]?.message;
      record({ type: 'test-ended', at: Date.now(), serverId: id, ...(error ? { error } : { probe: s.statuses[id]?.probe }) });
    },
  ),
);

useClusters.subscribe((s, prev) =>
  onFlags(
    s.checking,
    prev.checking,
    (context) => record({ type: 'check-started', at: Date.now(), context }),
    (context) => {
      const error = s.checkErrors[context]?.message;
      record({ type: 'check-ended', at: Date.now(), context, ...(error ? { error } : { status: s.statuses[context] }) });
    },
  ),
);

// Deploys running when this window loaded come in through the deploys store's first list, later ones as events.
for (const r of Object.values(useDeploys.getState().live)) record({ type: 'deploy', at: Date.now(), record: r });
useDeploys.subscribe((s, prev) => {
  if (s.live === prev.live) return;
  for (const r of Object.values(s.live)) if (prev.live[r.id] !== r) record({ type: 'deploy', at: Date.now(), record: r });
});
