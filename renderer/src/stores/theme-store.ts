import { create } from 'zustand';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Scheme = 'light' | 'dark';

const KEY = 'berth.theme';
const systemDark = window.matchMedia('(prefers-color-scheme: dark)');

const stored = (): ThemeChoice => {
  const value = localStorage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
};
const resolve = (choice: ThemeChoice): Scheme => (choice === 'system' ? (systemDark.matches ? 'dark' : 'light') : choice);

interface ThemeState {
  /** What the person picked; remembered across reloads (localStorage). */
  choice: ThemeChoice;
  /** What is shown: the choice, or the system's scheme for 'system'. */
  scheme: Scheme;
  choose(choice: ThemeChoice): void;
}

/**
 * The colour scheme of the whole UI. The page's colours (base.css) follow `data-theme` on <html>; the terminal
 * (xterm-theme.ts) and the editor (monaco-setup.ts) subscribe to `scheme`.
 */
export const useTheme = create<ThemeState>((set) => ({
  choice: stored(),
  scheme: resolve(stored()),
  choose(choice) {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
    set({ choice, scheme: resolve(choice) });
  },
}));

const apply = (scheme: Scheme) => {
  document.documentElement.dataset.theme = scheme;
};
apply(useTheme.getState().scheme);
useTheme.subscribe((s) => apply(s.scheme));
systemDark.addEventListener('change', () => {
  const { choice } = useTheme.getState();
  if (choice === 'system') useTheme.setState({ scheme: resolve(choice) });
});

/** Calls `listener` with the scheme now and whenever it changes; returns the unsubscribe. */
export function onScheme(listener: (scheme: Scheme) => void): () => void {
  listener(useTheme.getState().scheme);
  return useTheme.subscribe((s, before) => {
    if (s.scheme !== before.scheme) listener(s.scheme);
  });
}
