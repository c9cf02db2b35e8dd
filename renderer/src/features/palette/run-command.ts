import { useNavigation } from '../../stores/navigation-store';
import { useTheme } from '../../stores/theme-store';
import { useTerminals } from '../terminal/terminals-store';
import type { CommandAction } from './commands';
import { useLayer } from './palette-store';

/** Carries out a palette command: most go to a page with an intent that page takes once it shows. */
export function runCommand(action: CommandAction): void {
  const { go } = useNavigation.getState();
  switch (action.kind) {
    case 'page':
      return go(action.page);
    case 'server':
      return go('servers', { kind: 'showServer', id: action.id });
    case 'terminal':
      return void useTerminals.getState().open(action.serverId, action.name);
    case 'app':
      return go('apps', { kind: 'openApp', name: action.name });
    case 'destination':
      return go('apps', { kind: 'pickDestination', name: action.name });
    case 'addServer':
      return go('servers', { kind: 'addServer' });
    case 'importCompose':
      return go('apps', { kind: 'importCompose' });
    case 'render':
      return go('apps', { kind: 'render' });
    case 'deploy':
      return go('apps', { kind: 'deploy' });
    case 'theme':
      return useTheme.getState().choose(action.choice);
    case 'shortcuts':
      return useLayer.getState().show('shortcuts');
  }
}
