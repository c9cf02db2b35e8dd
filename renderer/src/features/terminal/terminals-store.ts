import { create } from 'zustand';
import { api } from '../../api/api';
import { toShownError, type ShownError } from '../../lib/errors';
import type { EventPayload } from '../../../../shared/api/contract';
import { forgetOutput, primeOutput } from './terminal-output';
import { rememberedTabs, rememberTabs } from './remembered-tabs';

export type TerminalTabState = EventPayload<'terminal.status'>['state'];

export interface TerminalTab {
  terminalId: string;
  serverId: string;
  /** The server's name as the user knows it (or what runs in it), numbered when several tabs share it. */
  name: string;
  baseName?: string;
  /** user@host:port as the core reports it. */
  title: string;
  state: TerminalTabState;
  message?: string;
  exitCode?: number | null;
  /** A followed log takes no input; its end is not a shell's. */
  kind?: 'shell' | 'logs';
}

/** Opens a core terminal of the given size: terminals.open, or a container's shell or logs. */
export type TerminalOpener = (size: { cols: number; rows: number }) => Promise<{ terminalId: string; title: string }>;

interface TerminalsState {
  tabs: TerminalTab[];
  activeId?: string;
  panelOpen: boolean;
  /** Set once the user resizes the panel; until then it takes panelHeightFor() of the window it opens in. */
  panelHeight: number | null;
  opening: boolean;
  openError?: ShownError;
  /** Size of the last fitted terminal; new shells start at it so they rarely need an immediate resize. */
  lastSize: { cols: number; rows: number };
  open(serverId: string, name: string): Promise<void>;
  /** A tab for a terminal opened another way (container shells and logs), named `name`. */
  openWith(serverId: string, name: string, opener: TerminalOpener, kind?: TerminalTab['kind']): Promise<void>;
  close(terminalId: string): Promise<void>;
  reconnect(terminalId: string): Promise<void>;
  activate(terminalId: string): void;
  setPanelOpen(open: boolean): void;
  setPanelHeight(height: number): void;
  setLastSize(size: { cols: number; rows: number }): void;
  applyStatus(status: EventPayload<'terminal.status'>): void;
  /** After a reload: the tabs this window had whose terminals still run, attached again with their scrollback. */
  restore(): Promise<void>;
}

/** About a third of the window, so the page above keeps most of a small screen (224 px of 700) and a large one gets 320. */
const defaultPanelHeight = () => Math.round(Math.min(320, Math.max(160, window.innerHeight * 0.32)));

/** The panel's height: the one the user chose, or the default for the window as it is now. */
export const panelHeightFor = (chosen: number | null) => chosen ?? defaultPanelHeight();

const patchTab = (tabs: TerminalTab[], id: string, patch: Partial<TerminalTab>) => tabs.map((t) => (t.terminalId === id ? { ...t, ...patch } : t));

export const useTerminals = create<TerminalsState>((set, get) => ({
  tabs: [],
  panelOpen: false,
  panelHeight: null,
  opening: false,
  lastSize: { cols: 100, rows: 20 },

  open(serverId, name) {
    return get().openWith(serverId, name, (size) => api.call('terminals.open', { serverId, ...size }));
  },

  async openWith(serverId, name, opener, kind = 'shell') {
    set({ panelOpen: true, opening: true, openError: undefined });
    try {
      const { terminalId, title } = await opener(get().lastSize);
      const same = get().tabs.filter((t) => t.serverId === serverId && (t.baseName ?? t.name) === name).length;
      const tab: TerminalTab = { terminalId, serverId, name: same ? `${name} (${same + 1})` : name, baseName: name, title, state: 'open', kind };
      set({ tabs: [...get().tabs, tab], activeId: terminalId });
    } catch (err) {
      set({ openError: toShownError(err) });
    } finally {
      set({ opening: false });
    }
  },

  async close(terminalId) {
    const tabs = get().tabs.filter((t) => t.terminalId !== terminalId);
    const activeId = get().activeId === terminalId ? tabs.at(-1)?.terminalId : get().activeId;
    set({ tabs, activeId });
    forgetOutput(terminalId);
    // Closing a terminal whose connection is already gone has nothing left to clean up.
    await api.call('terminals.close', { terminalId }).catch(() => undefined);
  },

  async reconnect(terminalId) {
    set({ tabs: patchTab(get().tabs, terminalId, { state: 'connecting', message: undefined }) });
    try {
      await api.call('terminals.reconnect', { terminalId });
    } catch (err) {
      set({ tabs: patchTab(get().tabs, terminalId, { state: 'disconnected', message: toShownError(err).message }) });
    }
  },

  activate: (terminalId) => set({ activeId: terminalId }),
  setPanelOpen: (panelOpen) => set({ panelOpen }),
  setPanelHeight: (panelHeight) => set({ panelHeight }),
  setLastSize: (lastSize) => set({ lastSize }),

  applyStatus({ terminalId, state, message, exitCode }) {
    set({ tabs: patchTab(get().tabs, terminalId, { state, message, exitCode }) });
  },

  restore() {
    restoring ??= restoreTabs();
    return restoring;
  },
}));

/** Once per page load (React's StrictMode mounts twice in development). */
let restoring: Promise<void> | undefined;

async function restoreTabs(): Promise<void> {
  const { getState: get, setState: set } = useTerminals;
  const remembered = rememberedTabs();
  if (!remembered.length) return;
  const running = new Set((await api.call('terminals.list', {}).catch(() => [])).map((t) => t.terminalId));
  const restored: TerminalTab[] = [];
  for (const tab of remembered.filter((t) => running.has(t.terminalId))) {
    try {
      const { scrollback, title, state, message } = await api.call('terminals.attach', { terminalId: tab.terminalId });
      primeOutput(tab.terminalId, Uint8Array.from(atob(scrollback), (c) => c.charCodeAt(0)));
      restored.push({ ...tab, title, state, message });
    } catch {
      // Ended between list and attach (its detached timeout ran out): nothing to bring back.
    }
  }
  if (!restored.length) return rememberTabs([]);
  const activeId = restored.some((t) => t.terminalId === remembered.activeId) ? remembered.activeId : restored.at(-1)!.terminalId;
  set({ tabs: [...restored, ...get().tabs], activeId, panelOpen: true });
}

// Kept per window (sessionStorage survives a reload, not a new window): a reload gets its own tabs back.
useTerminals.subscribe((s, before) => {
  if (s.tabs !== before.tabs || s.activeId !== before.activeId) rememberTabs(s.tabs, s.activeId);
});

api.on('terminal.status', (status) => useTerminals.getState().applyStatus(status));
