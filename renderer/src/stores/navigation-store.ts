import { create } from 'zustand';

export type Page = 'servers' | 'clusters' | 'apps';

export const useNavigation = create<{ page: Page; go(page: Page): void }>((set) => ({
  page: 'servers',
  go: (page) => set({ page }),
}));
