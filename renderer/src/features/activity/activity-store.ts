import { create } from 'zustand';
import { reduceActivity, type ActivityEntry, type ActivityEvent } from './activity-model';

interface ActivityStore {
  /** Newest first, at most ACTIVITY_LIMIT. */
  entries: ActivityEntry[];
  /** Whether the sidebar's Activity panel is open (the Overview's "All activity" opens it too). */
  panelOpen: boolean;
  record(event: ActivityEvent): void;
  clearFinished(): void;
  setPanelOpen(open: boolean): void;
}

/** This window's long work since it loaded, fed by activity-feeds.ts and the import dialog. */
export const useActivity = create<ActivityStore>((set) => ({
  entries: [],
  panelOpen: false,
  record: (event) => set((s) => ({ entries: reduceActivity(s.entries, event) })),
  clearFinished: () => set((s) => ({ entries: s.entries.filter((e) => e.state === 'running') })),
  setPanelOpen: (panelOpen) => set({ panelOpen }),
}));

let nextImport = 1;

/** An import of a compose file as one entry: call `ended` or `failed` with how it went. */
export function trackImport(name: string | undefined): {
  ended(result: { app: { name: string; services: Record<string, unknown> } | null; diagnostics: { severity: string }[] }): void;
  failed(message: string): void;
} {
  const importId = String(nextImport++);
  const { record } = useActivity.getState();
  record({ type: 'import-started', at: Date.now(), importId, ...(name ? { name } : {}) });
  return {
    ended: ({ app, diagnostics }) =>
      record({
        type: 'import-ended',
        at: Date.now(),
        importId,
        ...(app ? { app: { name: app.name, services: Object.keys(app.services).length } } : {}),
        errors: diagnostics.filter((d) => d.severity === 'error').length,
        warnings: diagnostics.filter((d) => d.severity === 'warning').length,
      }),
    failed: (message) => record({ type: 'import-ended', at: Date.now(), importId, error: message }),
  };
}
