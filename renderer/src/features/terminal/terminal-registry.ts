import type { Terminal } from '@xterm/xterm';
import type { SearchAddon } from '@xterm/addon-search';

export interface MountedTerminal {
  term: Terminal;
  search: SearchAddon;
}

/** Live xterm instances by terminal id, for the panel's search box and the benchmark hook. */
export const mountedTerminals = new Map<string, MountedTerminal>();
