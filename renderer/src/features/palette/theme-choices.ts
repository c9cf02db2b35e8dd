import type { ThemeChoice } from '../../stores/theme-store';

/** The colour schemes one can choose, in the order the sidebar's switch and the palette offer them. */
export const THEME_CHOICES: readonly { choice: ThemeChoice; label: string }[] = [
  { choice: 'system', label: 'System' },
  { choice: 'light', label: 'Light' },
  { choice: 'dark', label: 'Dark' },
];
