import { z } from 'zod';
import type { TerminalTab } from './terminals-store';

const KEY = 'berth.terminalTabs';

/** What a tab needs to come back after a reload; its state and title come fresh from terminals.attach. */
const Remembered = z.object({
  activeId: z.string().optional(),
  tabs: z.array(z.object({
    terminalId: z.string(),
    serverId: z.string(),
    name: z.string(),
    baseName: z.string().optional(),
    kind: z.enum(['shell', 'logs']).optional(),
  })),
});

export type RememberedTab = Omit<TerminalTab, 'title' | 'state'>;

/** The tabs this window had open before it was reloaded, in their order; empty in a new window. */
export function rememberedTabs(): RememberedTab[] & { activeId?: string } {
  const parsed = Remembered.safeParse(safeJson(sessionStorage.getItem(KEY)));
  if (!parsed.success) return [];
  return Object.assign(parsed.data.tabs, { activeId: parsed.data.activeId });
}

export function rememberTabs(tabs: TerminalTab[], activeId?: string): void {
  const kept = tabs.map(({ terminalId, serverId, name, baseName, kind }) => ({ terminalId, serverId, name, baseName, kind }));
  sessionStorage.setItem(KEY, JSON.stringify({ activeId, tabs: kept }));
}

function safeJson(text: string | null): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
