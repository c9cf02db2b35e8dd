import { CommandPalette } from './CommandPalette';
import { ShortcutsSheet } from './ShortcutsSheet';
import { useLayer } from './palette-store';
import { useGlobalKeys } from './use-global-keys';

/** The global keys, and the palette or the shortcuts sheet when one is open. Mounted once, by the shell. */
export function CommandLayer() {
  useGlobalKeys();
  const shown = useLayer((s) => s.shown);
  const close = () => useLayer.getState().show(null);
  if (shown === 'palette') return <CommandPalette onClose={close} />;
  if (shown === 'shortcuts') return <ShortcutsSheet onClose={close} />;
  return null;
}
