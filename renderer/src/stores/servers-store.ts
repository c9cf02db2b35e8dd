import { create } from 'zustand';
import { api } from '../api/api';
import type { Server, ServerInput, ServerStatus } from '../../../shared/model/server';
import { LOCAL_SERVER_ID } from '../../../shared/model/server';
import { toShownError, type ShownError } from '../lib/errors';

interface ServersState {
  servers: Server[];
  statuses: Record<string, ServerStatus>;
  /** The last failed test per server, with its code so a changed host key can be shown as an alarm. */
  testErrors: Record<string, ShownError | undefined>;
  testing: Record<string, boolean>;
  loaded: boolean;
  loadError?: ShownError;
  load(): Promise<void>;
  add(input: ServerInput): Promise<Server>;
  update(id: string, input: ServerInput): Promise<Server>;
  remove(id: string): Promise<void>;
  test(id: string): Promise<void>;
  setStatus(status: ServerStatus): void;
}

/** "This computer" first, then by name. */
const ordered = (servers: Server[]) =>
  [...servers].sort((a, b) => (a.id === LOCAL_SERVER_ID ? -1 : b.id === LOCAL_SERVER_ID ? 1 : a.name.localeCompare(b.name)));

export const useServers = create<ServersState>((set, get) => ({
  servers: [],
  statuses: {},
  testErrors: {},
  testing: {},
  loaded: false,

  async load() {
    try {
      const [servers, statuses] = await Promise.all([api.call('servers.list', {}), api.call('servers.statuses', {})]);
      set({ servers: ordered(servers), statuses: Object.fromEntries(statuses.map((s) => [s.serverId, s])), loaded: true, loadError: undefined });
    } catch (err) {
      set({ loaded: true, loadError: toShownError(err) });
    }
  },

  async add(input) {
    const server = await api.call('servers.add', input);
    set({ servers: ordered([...get().servers, server]) });
    return server;
  },

  async update(id, input) {
    const server = await api.call('servers.update', { id, server: input });
    set({ servers: ordered(get().servers.map((s) => (s.id === id ? server : s))) });
    return server;
  },

  async remove(id) {
    await api.call('servers.remove', { id });
    const { [id]: _removed, ...statuses } = get().statuses;
    set({ servers: get().servers.filter((s) => s.id !== id), statuses });
  },

  async test(id) {
    set({ testing: { ...get().testing, [id]: true }, testErrors: { ...get().testErrors, [id]: undefined } });
    try {
      const status = await api.call('servers.test', { id });
      get().setStatus(status);
    } catch (err) {
      set({ testErrors: { ...get().testErrors, [id]: toShownError(err) } });
    } finally {
      set({ testing: { ...get().testing, [id]: false } });
    }
  },

  setStatus(status) {
    set({ statuses: { ...get().statuses, [status.serverId]: status } });
  },
}));

api.on('server.status', (status) => useServers.getState().setStatus(status));
