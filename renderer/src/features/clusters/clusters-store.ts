import { create } from 'zustand';
import { api } from '../../api/api';
import type { ClusterList, ClusterStatus } from '../../../../shared/model/cluster';
import { toShownError, type ShownError } from '../../lib/errors';

interface ClustersState {
  list?: ClusterList;
  loadError?: ShownError;
  statuses: Record<string, ClusterStatus>;
  checking: Record<string, boolean>;
  checkErrors: Record<string, ShownError | undefined>;
  load(): Promise<void>;
  check(context: string): Promise<void>;
  checkAll(): Promise<void>;
}

export const useClusters = create<ClustersState>((set, get) => ({
  statuses: {},
  checking: {},
  checkErrors: {},

  async load() {
    try {
      set({ list: await api.call('clusters.list', {}), loadError: undefined });
    } catch (err) {
      set({ loadError: toShownError(err) });
    }
  },

  async check(context) {
    set({ checking: { ...get().checking, [context]: true }, checkErrors: { ...get().checkErrors, [context]: undefined } });
    try {
      const status = await api.call('clusters.check', { context });
      set({ statuses: { ...get().statuses, [context]: status } });
    } catch (err) {
      set({ checkErrors: { ...get().checkErrors, [context]: toShownError(err) } });
    } finally {
      set({ checking: { ...get().checking, [context]: false } });
    }
  },

  async checkAll() {
    await Promise.all((get().list?.contexts ?? []).filter((c) => !c.problem).map((c) => get().check(c.name)));
  },
}));

// An edited kubeconfig: list again and check what it now says.
api.on('clusters.changed', () => {
  void useClusters.getState().load().then(() => useClusters.getState().checkAll());
});
