import { create } from 'zustand';
import { api } from '../../api/api';
import type { DeployRecord } from '../../../../shared/model/deploy';
import type { Intent } from '../../stores/navigation-store';

/** The intent that opens one deploy in its app (Show in the sidebar, a toast, the Overview, Activity). */
export type ShowDeploy = Extract<Intent, { kind: 'showDeploy' }>;
export const showDeploy = (r: Pick<DeployRecord, 'app' | 'destination' | 'id'>): ShowDeploy => ({ kind: 'showDeploy', app: r.app, destination: r.destination, deployId: r.id });

export type AppView = 'definition' | 'deploys' | 'status';

export interface Toast {
  id: number;
  tone: 'ok' | 'error' | 'warning';
  title: string;
  body?: string;
  /** What Show opens. */
  show?: ShowDeploy;
}

interface DeploysState {
  /** Records as the core last pushed or listed them: every running deploy, and those that ended while this page watched. */
  live: Record<string, DeployRecord>;
  loaded: boolean;
  toasts: Toast[];
  view: AppView;
  /** The deploy shown in the Deploys view; null shows the running one, else the newest. */
  selected: string | null;
  load(): Promise<void>;
  apply(record: DeployRecord): void;
  dismiss(id: number): void;
  setView(view: AppView): void;
  select(id: string | null): void;
}

let nextToast = 1;
const TOAST_MS = 12_000;

export const useDeploys = create<DeploysState>((set, get) => ({
  live: {},
  loaded: false,
  toasts: [],
  view: 'definition',
  selected: null,

  async load() {
    try {
      const running = (await api.call('deploys.list', {})).filter((r) => r.outcome === 'running');
      // Events that arrived meanwhile are newer than the list.
      set((s) => ({ live: { ...Object.fromEntries(running.map((r) => [r.id, r])), ...s.live }, loaded: true }));
    } catch {
      // The sidebar then shows no running deploys; the app page reports its own errors.
      set({ loaded: true });
    }
  },

  apply(record) {
    const before = get().live[record.id];
    set((s) => ({ live: { ...s.live, [record.id]: record } }));
    if (before?.outcome === 'running' && record.outcome !== 'running') announce(record);
  },

  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  setView: (view) => set({ view }),
  select: (selected) => set({ selected }),
}));

function toast(t: Omit<Toast, 'id'>): void {
  const id = nextToast++;
  useDeploys.setState((s) => ({ toasts: [...s.toasts.slice(-3), { ...t, id }] }));
  if (t.tone === 'ok') setTimeout(() => useDeploys.getState().dismiss(id), TOAST_MS);
}

/** What the user is told when a deploy ends. */
export function outcomeMessage(record: DeployRecord): Omit<Toast, 'id' | 'show'> {
  const what = record.kind === 'rollback' ? `Rollback of ${record.app} on ${record.destination}` : `Deploy of ${record.app} to ${record.destination}`;
  const step = record.steps.find((s) => s.id === record.failedStep)?.title ?? record.failedStep;
  switch (record.outcome) {
    case 'succeeded':
      return { tone: 'ok', title: record.kind === 'rollback' ? `${record.app} rolled back on ${record.destination}` : `${record.app} deployed to ${record.destination}`, body: `${record.id} is serving.` };
    case 'cancelled':
      return { tone: 'warning', title: `${what} cancelled`, body: 'The previous release keeps serving.' };
    case 'interrupted':
      return { tone: 'error', title: `${what} interrupted`, body: record.error };
    default:
      return { tone: 'error', title: `${what} failed`, body: [step && `In "${step}":`, record.error].filter(Boolean).join(' ') || undefined };
  }
}

/** A desktop notification in Electron (when the OS lets Berth show one), and a toast in the page either way. */
function announce(record: DeployRecord): void {
  const message = outcomeMessage(record);
  toast({ ...message, show: showDeploy(record) });
  if (window.berth && 'Notification' in window && Notification.permission === 'granted') {
    try {
      new Notification(message.title, { body: message.body });
    } catch {
      // The toast already said it.
    }
  }
}

api.on('deploy.record', (record) => useDeploys.getState().apply(record));
