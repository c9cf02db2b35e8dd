import { useEffect, useEffectEvent } from 'react';
import { create } from 'zustand';
import type { Destination } from '../../../shared/model/app';

export type Page = 'overview' | 'servers' | 'clusters' | 'apps';

/**
 * A request to the page being opened to do one thing once it shows (open a dialog, open an app): the page may not be
 * mounted yet when it is made, so it stays here until that page takes it.
 */
export type Intent =
  | { kind: 'addServer' }
  | { kind: 'importCompose' }
  | { kind: 'newApp'; name: string; destination: Destination }
  // "Show" on a deploy (the sidebar, a toast, the Overview, Activity): its app's Deploys view on its destination.
  | { kind: 'showDeploy'; app: string; destination: string; deployId?: string }
  // From the command palette: show one server, app or destination, or act on the app that is open.
  | { kind: 'showServer'; id: string }
  | { kind: 'openApp'; name: string }
  | { kind: 'pickDestination'; name: string }
  | { kind: 'render' }
  | { kind: 'deploy' };

type IntentOf<K extends Intent['kind']> = Extract<Intent, { kind: K }>;

interface NavigationState {
  page: Page;
  intent: Intent | null;
  go(page: Page, intent?: Intent): void;
  /** The pending intent when it is one of these kinds, removed so that it acts once. */
  takeIntent<K extends Intent['kind']>(...kinds: K[]): IntentOf<K> | null;
}

export const useNavigation = create<NavigationState>((set, get) => ({
  page: 'overview',
  intent: null,
  go: (page, intent) => set({ page, intent: intent ?? null }),
  takeIntent<K extends Intent['kind']>(...kinds: K[]): IntentOf<K> | null {
    const { intent } = get();
    if (!intent || !(kinds as string[]).includes(intent.kind)) return null;
    set({ intent: null });
    return intent as IntentOf<K>;
  },
}));

/**
 * Runs `handle` with each intent of these kinds meant for the calling page: one made before it mounted, and any made
 * while it shows (the palette can ask the page already open).
 */
export function useIntent<K extends Intent['kind']>(kinds: readonly K[], handle: (intent: IntentOf<K>) => void): void {
  const onIntent = useEffectEvent(handle);
  const key = kinds.join(' ');
  useEffect(() => {
    const wanted = key.split(' ') as K[];
    const take = () => {
      const intent = useNavigation.getState().takeIntent(...wanted);
      if (intent) onIntent(intent);
    };
    take();
    return useNavigation.subscribe(take);
  }, [key]);
}
