import { create } from 'zustand';
import { api } from '../../../api/api';
import type { AppSummary } from '../../../../../shared/api/contract';
import { errorMessage } from '../../../lib/errors';

interface AppsListState {
  /** The saved apps as last listed, by name; kept between visits so the list shows at once. */
  apps: AppSummary[];
  /** True once a list arrived (or failed), so "No apps yet." is not shown while the first one loads. */
  loaded: boolean;
  error: string | null;
  /** Fetches the list again; what is shown stays until the new one arrives. Never rejects: a failure lands in `error`. */
  load(): Promise<void>;
}

/** Numbers each request, so an answer that a later request overtook cannot replace the newer list. */
let latest = 0;

/** The saved apps, for the Apps page and anything else that offers them (the command palette). */
export const useAppsList = create<AppsListState>((set) => ({
  apps: [],
  loaded: false,
  error: null,
  async load() {
    const request = ++latest;
    try {
      const apps = await api.call('apps.list', {});
      if (request === latest) set({ apps, loaded: true, error: null });
    } catch (err) {
      if (request === latest) set({ loaded: true, error: `Cannot list apps: ${errorMessage(err)}` });
    }
  },
}));
