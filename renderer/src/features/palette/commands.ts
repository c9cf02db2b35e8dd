import type { Page } from '../../stores/navigation-store';
import type { ThemeChoice } from '../../stores/theme-store';
import { THEME_CHOICES } from './theme-choices';
import { counted } from '../../lib/format';

/**
 * What the command palette offers, built from what Berth knows now (servers, apps, destinations, the open app), and
 * how a typed query picks and orders it. Pure: commands describe their action as data; run-command.ts carries it out.
 */

export const GROUPS = ['Go to', 'Servers', 'Apps', 'Destinations', 'Actions'] as const;
export type CommandGroup = (typeof GROUPS)[number];

export type CommandAction =
  | { kind: 'page'; page: Page }
  | { kind: 'server'; id: string }
  | { kind: 'terminal'; serverId: string; name: string }
  | { kind: 'app'; name: string }
  | { kind: 'destination'; name: string }
  | { kind: 'addServer' }
  | { kind: 'importCompose' }
  | { kind: 'render' }
  | { kind: 'deploy' }
  | { kind: 'theme'; choice: ThemeChoice }
  | { kind: 'shortcuts' };

export interface Command {
  /** Stable across rebuilds, so the highlighted option survives a list that loads in. */
  id: string;
  group: CommandGroup;
  label: string;
  /** Shown beside the label, and searched too (an address, a destination's target). */
  detail?: string;
  /** Other words that find it ("page", "ssh"); searched, not shown. */
  keywords?: string;
  /** Why it cannot run now; the option shows it and Enter does nothing. */
  disabled?: string;
  action: CommandAction;
}

export interface CommandContext {
  page: Page;
  servers: readonly { id: string; name: string; detail?: string }[];
  apps: readonly { name: string; services: number }[];
  destinations: readonly { name: string; detail: string }[];
  /** The app in the editor (open on the Apps page, or kept there while another page shows), if any. */
  openApp: { name: string; destination: string | null; deployBlocked?: string } | null;
  theme: ThemeChoice;
}

const PAGE_LABELS: Record<Page, string> = { overview: 'Overview', servers: 'Servers', clusters: 'Clusters', apps: 'Apps' };

export function buildCommands(ctx: CommandContext): Command[] {
  const commands: Command[] = [];
  for (const [page, label] of Object.entries(PAGE_LABELS) as [Page, string][]) {
    commands.push({ id: `page:${page}`, group: 'Go to', label, detail: ctx.page === page ? 'shown now' : undefined, keywords: 'go to page', action: { kind: 'page', page } });
  }
  for (const s of ctx.servers) {
    commands.push({ id: `server:${s.id}`, group: 'Servers', label: s.name, detail: s.detail, keywords: 'server go to', action: { kind: 'server', id: s.id } });
    commands.push({ id: `terminal:${s.id}`, group: 'Servers', label: `Open terminal on ${s.name}`, detail: s.detail, keywords: 'shell ssh console', action: { kind: 'terminal', serverId: s.id, name: s.name } });
  }
  for (const a of ctx.apps) {
    commands.push({ id: `app:${a.name}`, group: 'Apps', label: a.name, detail: counted(a.services, ['service', 'services']), keywords: 'app open edit', action: { kind: 'app', name: a.name } });
  }
  for (const d of ctx.destinations) {
    commands.push({ id: `destination:${d.name}`, group: 'Destinations', label: d.name, detail: d.detail, keywords: 'destination target', action: { kind: 'destination', name: d.name } });
  }
  commands.push({ id: 'addServer', group: 'Actions', label: 'Add server…', keywords: 'new ssh host', action: { kind: 'addServer' } });
  commands.push({ id: 'importCompose', group: 'Actions', label: 'Import a docker-compose file…', keywords: 'compose yaml new app', action: { kind: 'importCompose' } });
  if (ctx.openApp) {
    const { name, destination, deployBlocked } = ctx.openApp;
    const where = destination ? ` for ${destination}` : '';
    commands.push({ id: 'render', group: 'Actions', label: `Render ${name}`, detail: `show the files Berth makes${where}`, keywords: 'preview output', action: { kind: 'render' } });
    commands.push({ id: 'deploy', group: 'Actions', label: `Deploy ${name}…`, detail: destination ? `to ${destination}, after a plan you confirm` : undefined, keywords: 'release ship plan', disabled: deployBlocked, action: { kind: 'deploy' } });
  }
  for (const t of THEME_CHOICES) {
    commands.push({ id: `theme:${t.choice}`, group: 'Actions', label: `Theme: ${t.label}`, detail: ctx.theme === t.choice ? 'current' : undefined, keywords: 'colour color scheme appearance', action: { kind: 'theme', choice: t.choice } });
  }
  commands.push({ id: 'shortcuts', group: 'Actions', label: 'Keyboard shortcuts', detail: '?', keywords: 'keys help', action: { kind: 'shortcuts' } });
  return commands;
}

/** Lower is better; null is no match. */
export type Score = 0 | 1 | 2 | 3 | 4;

const WORD_START = /[\s\-_./@:(]/;

function startsAWord(text: string, query: string): boolean {
  for (let i = text.indexOf(query); i >= 0; i = text.indexOf(query, i + 1)) {
    if (i === 0 || WORD_START.test(text[i - 1]!)) return true;
  }
  return false;
}

function isSubsequence(text: string, query: string): boolean {
  let at = 0;
  for (const ch of text) if (ch === query[at]) at++;
  return at === query.length;
}

/**
 * How well `query` finds `command`: the label starts with it (0), a word of the label does (1), the label holds it
 * (2), every word of the query is somewhere in the label, detail, keywords or group (3), or its letters come in
 * order in the label ("oterm" for "Open terminal", 4).
 */
export function score(command: Command, query: string): Score | null {
  const q = query.trim().toLowerCase().replace(/\s+/g, ' ');
  if (!q) return 0;
  const label = command.label.toLowerCase();
  if (label.startsWith(q)) return 0;
  if (startsAWord(label, q)) return 1;
  if (label.includes(q)) return 2;
  const haystack = [label, command.detail, command.keywords, command.group].filter(Boolean).join(' ').toLowerCase();
  if (q.split(' ').every((word) => haystack.includes(word))) return 3;
  if (isSubsequence(label, q.replaceAll(' ', ''))) return 4;
  return null;
}

export interface MatchedGroup {
  group: CommandGroup;
  commands: Command[];
}

/**
 * The commands `query` finds, in their groups: within a group the best matches first (ties keep the built order),
 * and the groups ordered by their best match, so the first option is always one of the best. No query: all of them,
 * groups in their usual order.
 */
export function matchCommands(commands: readonly Command[], query: string): MatchedGroup[] {
  const scored = commands.flatMap((command, index) => {
    const s = score(command, query);
    return s === null ? [] : [{ command, index, s }];
  });
  const groups = GROUPS.map((group, order) => {
    const members = scored.filter((m) => m.command.group === group).sort((a, b) => a.s - b.s || a.index - b.index);
    return { group, order, best: members[0]?.s ?? Infinity, commands: members.map((m) => m.command) };
  });
  return groups
    .filter((g) => g.commands.length > 0)
    .sort((a, b) => a.best - b.best || a.order - b.order)
    .map(({ group, commands: found }) => ({ group, commands: found }));
}
