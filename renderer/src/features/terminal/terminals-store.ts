import { create } from 'zustand';
import { api } from '../../api/api';
import { toShownError, type ShownError } from '../../lib/errors';
import type { EventPayload } from '../../../../shared/api/contract';
import { forgetOutput } from './terminal-output';

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
  panelHeight: number;
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
}

const patchTab = (tabs: TerminalTab[], id: string, patch: Partial<TerminalTab>) => tabs.map((t) => (t.terminalId === id ? { ...t, ...patch } : t));

export const useTerminals = create<TerminalsState>((set, get) => ({
  tabs: [],
  panelOpen: false,
  panelHeight: 300,
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
}));

api.on('terminal.status', (status) => useTerminals.getState().applyStatus(status));
