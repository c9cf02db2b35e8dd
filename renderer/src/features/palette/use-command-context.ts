import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api/api';
import { errorMessage } from '../../lib/errors';
import { useNavigation } from '../../stores/navigation-store';
import { useServers } from '../../stores/servers-store';
import { useTheme } from '../../stores/theme-store';
import { destinationTarget, type Destination } from '../../../../shared/model/app';
import { sshAddress, type Server } from '../../../../shared/model/server';
import { isDirty, useEditorStore } from '../apps/model/editor-store';
import { useDeploys } from '../deploys/deploys-store';
import { useAppsList } from '../apps/model/apps-list-store';
import { deployBlocker, runningDeploy } from '../deploys/DeployButton';
import type { CommandContext } from './commands';

// "This computer" says where it is already.
const address = (s: Server) => (s.kind === 'local' ? undefined : sshAddress(s));

/**
 * What the palette builds its commands from, listed afresh each time it opens: servers, apps and destinations also
 * change in other windows and through the CLI. `problem` says what could not be listed, so a missing app is no
 * mystery (the servers store reports its own load errors on the Servers page).
 */
export function useCommandContext(): { context: CommandContext; problem: string | null } {
  const page = useNavigation((s) => s.page);
  const servers = useServers((s) => s.servers);
  const theme = useTheme((s) => s.choice);
  const draftName = useEditorStore((s) => (s.draft ? String(s.draft.name ?? '') : null));
  const storedName = useEditorStore((s) => s.storedName);
  const destination = useEditorStore((s) => s.destination);
  const dirty = useEditorStore(isDirty);
  const live = useDeploys((s) => s.live);
  const apps = useAppsList((s) => s.apps);
  const appsError = useAppsList((s) => s.error);
  const [destinations, setDestinations] = useState<Destination[]>([]);
  const [destinationsError, setDestinationsError] = useState<string | null>(null);

  useEffect(() => {
    void useServers.getState().load();
    void useAppsList.getState().load();
    let current = true;
    api.call('destinations.list', {}).then(
      (list) => {
        if (!current) return;
        setDestinations(list);
        setDestinationsError(null);
      },
      (err: unknown) => current && setDestinationsError(errorMessage(err)),
    );
    return () => {
      current = false;
    };
  }, []);
  const failed = [appsError && 'apps', destinationsError && `destinations (${destinationsError})`].filter(Boolean);
  const problem = failed.length ? `Berth could not list ${failed.join(' and ')}; those are missing below.` : null;

  const context = useMemo((): CommandContext => ({
    page,
    theme,
    servers: servers.map((s) => ({ id: s.id, name: s.name, detail: address(s) })),
    apps,
    destinations: destinations.map((d) => ({ name: d.name, detail: destinationTarget(d, { compact: true, serverName: (id) => servers.find((s) => s.id === id)?.name ?? id }) })),
    openApp: draftName === null ? null : {
      name: draftName || 'unnamed',
      destination: destination?.name ?? null,
      deployBlocked: deployBlocker(storedName, destination, dirty, runningDeploy(live, storedName, destination)),
    },
  }), [page, theme, servers, apps, destinations, draftName, storedName, destination, dirty, live]);

  return { context, problem };
}
