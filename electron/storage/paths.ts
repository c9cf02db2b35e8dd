import os from 'node:os';
import path from 'node:path';

/**
 * Where Berth keeps its data. Electron passes its userData; otherwise
 * $BERTH_HOME (tests and scripts) or the platform's config directory.
 */
export function resolveDataDir(electronUserData?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.BERTH_HOME) return path.resolve(env.BERTH_HOME);
  if (electronUserData) return electronUserData;
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Berth');
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Berth');
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'berth');
  }
}

/** `~` and `~/…` as a shell would expand them; other paths are returned as given. */
export function expandHome(file: string): string {
  return file === '~' || file.startsWith('~/') ? path.join(os.homedir(), file.slice(1)) : file;
}
