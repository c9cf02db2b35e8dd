import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { frameThrottle } from './frame-throttle';
import { openLink } from './open-link';
import { themeFor } from './xterm-theme';
import { onScheme, useTheme } from '../../stores/theme-store';

export interface MountedXterm {
  term: Terminal;
  search: SearchAddon;
  /** Fits the terminal to its container now (nothing while the container is hidden). */
  refit(): void;
  dispose(): void;
}

/**
 * One xterm with Berth's look: font, theme following the chosen colour scheme,
 * clickable links, search, and fitting to its container as that resizes.
 * Shells (TerminalView) and read-only logs (LogTerminal) both start here.
 * The first fit is the caller's (`refit()`), after it has wired its listeners.
 */
export function mountXterm(container: HTMLElement, options: { readOnly?: boolean } = {}): MountedXterm {
  const term = new Terminal({
    fontFamily: 'ui-monospace, "SF Mono", "Cascadia Mono", "JetBrains Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace',
    fontSize: 13,
    lineHeight: 1.15,
    cursorBlink: !options.readOnly,
    disableStdin: options.readOnly ?? false,
    scrollback: options.readOnly ? 50_000 : 10_000,
    theme: themeFor(useTheme.getState().scheme === 'dark'),
    linkHandler: { activate: (_event, uri) => openLink(uri) },
    // The search addon highlights matches with decorations, still a proposed API; it reports the match count only then.
    allowProposedApi: true,
  });
  const fit = new FitAddon();
  const search = new SearchAddon();
  term.loadAddon(fit);
  term.loadAddon(search);
  term.loadAddon(new WebLinksAddon((_event, uri) => openLink(uri)));
  term.open(container);
  // A log has no cursor to show.
  if (options.readOnly) term.write('\x1b[?25l');

  const refit = () => {
    // A hidden tab has no size; fitting it would shrink the shell to nothing.
    if (container.clientWidth > 0 && container.clientHeight > 0) fit.fit();
  };
  const throttle = frameThrottle(refit);
  const observer = new ResizeObserver(() => throttle.schedule());
  observer.observe(container);
  const stopTheme = onScheme((scheme) => (term.options.theme = themeFor(scheme === 'dark')));

  return {
    term,
    search,
    refit,
    dispose() {
      stopTheme();
      observer.disconnect();
      throttle.cancel();
      term.dispose();
    },
  };
}
