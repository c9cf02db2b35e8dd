import { describe, expect, it } from 'vitest';
import { SECTIONS, SHORTCUTS, globalShortcut, type KeyLike } from './shortcuts';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...mods });

describe('globalShortcut', () => {
  it('takes Ctrl-K and Cmd-K everywhere, also while typing (the editor and terminals swallow keys otherwise)', () => {
    expect(globalShortcut(key('k', { ctrlKey: true }), false)).toBe('palette');
    expect(globalShortcut(key('k', { metaKey: true }), true)).toBe('palette');
    // Caps Lock or Shift give "K".
    expect(globalShortcut(key('K', { ctrlKey: true }), true)).toBe('palette');
    expect(globalShortcut(key('k'), false)).toBeNull();
    expect(globalShortcut(key('k', { ctrlKey: true, altKey: true }), false)).toBeNull();
  });

  it('takes ? only outside text fields, and not with Ctrl, Cmd or Alt', () => {
    expect(globalShortcut(key('?'), false)).toBe('shortcuts');
    expect(globalShortcut(key('?'), true)).toBeNull();
    expect(globalShortcut(key('?', { ctrlKey: true }), false)).toBeNull();
    expect(globalShortcut(key('?', { altKey: true }), false)).toBeNull();
    expect(globalShortcut(key('/'), false)).toBeNull();
  });
});

describe('SHORTCUTS', () => {
  it('lists each shortcut once, in a known section, with keys and what they do', () => {
    expect(new Set(SHORTCUTS.map((s) => s.id)).size).toBe(SHORTCUTS.length);
    for (const s of SHORTCUTS) {
      expect(SECTIONS).toContain(s.section);
      expect(s.keys.length).toBeGreaterThan(0);
      expect(s.does).not.toBe('');
    }
  });

  it('is what the global hook matches: every global command comes from an entry of the table', () => {
    const globals = SHORTCUTS.filter((s) => s.global).map((s) => s.global!.command);
    expect(globals.sort()).toEqual(['palette', 'shortcuts']);
  });
});
