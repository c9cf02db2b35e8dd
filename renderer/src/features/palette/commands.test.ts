import { describe, expect, it } from 'vitest';
import { buildCommands, matchCommands, score, type Command, type CommandContext } from './commands';

const context = (over: Partial<CommandContext> = {}): CommandContext => ({
  page: 'servers',
  servers: [
    { id: 'local', name: 'This computer' },
    { id: 'vps-1', name: 'vps-1', detail: 'deploy@203.0.113.7' },
  ],
  apps: [{ name: 'shop', services: 2 }, { name: 'blog', services: 1 }],
  destinations: [{ name: 'prod', detail: 'Docker on vps-1' }, { name: 'staging-k8s', detail: 'Kubernetes kind/staging' }],
  openApp: null,
  theme: 'system',
  ...over,
});

const labels = (query: string, ctx = context()) => matchCommands(buildCommands(ctx), query).flatMap((g) => g.commands.map((c) => c.label));
const byId = (commands: Command[], id: string) => commands.find((c) => c.id === id);

describe('buildCommands', () => {
  it('offers every page, each server with its terminal, each app and destination, and the actions', () => {
    const commands = buildCommands(context());
    expect(commands.filter((c) => c.group === 'Go to').map((c) => c.label)).toEqual(['Overview', 'Servers', 'Clusters', 'Apps']);
    expect(commands.filter((c) => c.group === 'Servers').map((c) => c.label)).toEqual(['This computer', 'Open terminal on This computer', 'vps-1', 'Open terminal on vps-1']);
    expect(byId(commands, 'terminal:vps-1')?.action).toEqual({ kind: 'terminal', serverId: 'vps-1', name: 'vps-1' });
    expect(byId(commands, 'app:shop')).toMatchObject({ group: 'Apps', detail: '2 services', action: { kind: 'app', name: 'shop' } });
    expect(byId(commands, 'app:blog')?.detail).toBe('1 service');
    expect(byId(commands, 'destination:prod')).toMatchObject({ group: 'Destinations', detail: 'Docker on vps-1', action: { kind: 'destination', name: 'prod' } });
    expect(byId(commands, 'page:servers')?.detail).toBe('shown now');
    expect(byId(commands, 'theme:system')?.detail).toBe('current');
    expect(commands.filter((c) => c.group === 'Actions').map((c) => c.id)).toEqual(['addServer', 'importCompose', 'theme:system', 'theme:light', 'theme:dark', 'shortcuts']);
  });

  it('offers Render and Deploy only for an open app, Deploy disabled with the reason when it cannot run', () => {
    expect(byId(buildCommands(context()), 'deploy')).toBeUndefined();
    const ready = buildCommands(context({ openApp: { name: 'shop', destination: 'prod' } }));
    expect(byId(ready, 'render')).toMatchObject({ label: 'Render shop', action: { kind: 'render' } });
    expect(byId(ready, 'deploy')).toMatchObject({ label: 'Deploy shop…', detail: 'to prod, after a plan you confirm', disabled: undefined });
    const dirty = buildCommands(context({ openApp: { name: 'shop', destination: 'prod', deployBlocked: 'Save your changes first.' } }));
    expect(byId(dirty, 'deploy')?.disabled).toBe('Save your changes first.');
  });

  it('keeps ids unique', () => {
    const ids = buildCommands(context({ openApp: { name: 'shop', destination: null } })).map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('score', () => {
  const cmd = (label: string, extra: Partial<Command> = {}): Command => ({ id: label, group: 'Actions', label, action: { kind: 'addServer' }, ...extra });

  it('ranks a prefix of the label, then of one of its words, then a substring, then words found anywhere, then letters in order', () => {
    expect(score(cmd('Open terminal on vps-1'), 'open')).toBe(0);
    expect(score(cmd('Open terminal on vps-1'), 'term')).toBe(1);
    expect(score(cmd('Open terminal on vps-1'), 'vps')).toBe(1);
    expect(score(cmd('Open terminal on vps-1'), 'rminal')).toBe(2);
    expect(score(cmd('vps-1', { detail: 'deploy@203.0.113.7' }), '203.0')).toBe(3);
    expect(score(cmd('Add server…', { keywords: 'new ssh host' }), 'ssh new')).toBe(3);
    expect(score(cmd('Open terminal on vps-1'), 'oterm')).toBe(4);
    expect(score(cmd('Open terminal on vps-1'), 'zebra')).toBeNull();
  });

  it('ignores case and extra spaces, and an empty query matches everything', () => {
    expect(score(cmd('Theme: Dark'), '  THEME:   dark ')).toBe(0);
    expect(score(cmd('anything'), '   ')).toBe(0);
  });
});

describe('matchCommands', () => {
  it('keeps the usual group order with no query', () => {
    expect(matchCommands(buildCommands(context()), '').map((g) => g.group)).toEqual(['Go to', 'Servers', 'Apps', 'Destinations', 'Actions']);
  });

  it('puts the best match first, with its group, and drops what does not match', () => {
    const groups = matchCommands(buildCommands(context()), 'sho');
    expect(groups[0]).toMatchObject({ group: 'Apps', commands: [{ label: 'shop' }] });
    // "Keyboard shortcuts" has "sho" at a word start too, but the Apps group comes first in the usual order.
    expect(labels('sho')).toEqual(['shop', 'Keyboard shortcuts', 'Servers']);
  });

  it('ranks inside a group: "terminal" finds the terminal commands before a server whose detail holds the word', () => {
    expect(labels('terminal')).toEqual(['Open terminal on This computer', 'Open terminal on vps-1']);
    expect(labels('open term vps')).toEqual(['Open terminal on vps-1']);
  });

  it('lifts a group whose best match is better above the usual order', () => {
    // Servers: "vps-1" is a prefix match (0); Destinations: "prod" holds vps-1 only in its detail (3).
    const groups = matchCommands(buildCommands(context()), 'vps-1');
    expect(groups.map((g) => g.group)).toEqual(['Servers', 'Destinations']);
    expect(groups[0]!.commands.map((c) => c.label)).toEqual(['vps-1', 'Open terminal on vps-1']);
  });

  it('finds nothing for a query nothing holds', () => {
    expect(matchCommands(buildCommands(context()), 'qqqq')).toEqual([]);
  });
});
