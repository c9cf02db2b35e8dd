import { useEffect, useRef } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { api } from '../../api/api';
import { benchDrawn } from '../../bench/bench-hook';
import { createAckBatcher } from './ack-batcher';
import { frameThrottle } from './frame-throttle';
import { openLink } from './open-link';
import { attachOutput } from './terminal-output';
import { mountedTerminals } from './terminal-registry';
import { useTerminals, type TerminalTab } from './terminals-store';
import { writeFrame } from './write-slices';
import { darkScheme, themeFor } from './xterm-theme';

const ignore = () => undefined;

/** One xterm bound to one core terminal: output with acks, input, and size following the panel. */
export function TerminalView({ tab, active }: { tab: TerminalTab; active: boolean }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const { terminalId } = tab;

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const scheme = darkScheme();
    const term = new Terminal({
      fontFamily: 'ui-monospace, "SF Mono", "Cascadia Mono", "JetBrains Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace',
      fontSize: 13,
      lineHeight: 1.15,
      cursorBlink: true,
      scrollback: 10_000,
      theme: themeFor(scheme.matches),
      linkHandler: { activate: (_event, uri) => openLink(uri) },
    });
    const fit = new FitAddon();
    const search = new SearchAddon();
    term.loadAddon(fit);
    term.loadAddon(search);
    term.loadAddon(new WebLinksAddon((_event, uri) => openLink(uri)));
    term.open(container);
    mountedTerminals.set(terminalId, { term, search });

    const acks = createAckBatcher((bytes) => void api.call('terminals.ack', { terminalId, bytes }).catch(ignore));
    // Acked per slice as xterm finishes it, so flow control sees progress before the whole frame is drawn.
    const detachOutput = attachOutput(terminalId, (data) =>
      writeFrame(term, data, (slice) => {
        acks.drawn(slice.length);
        benchDrawn(slice);
      }),
    );
    // Keystrokes for a disconnected shell have nowhere to go; the banner offers Reconnect.
    const input = term.onData((data) => void api.call('terminals.write', { terminalId, data }).catch(ignore));
    const resized = term.onResize(({ cols, rows }) => {
      useTerminals.getState().setLastSize({ cols, rows });
      void api.call('terminals.resize', { terminalId, cols, rows }).catch(ignore);
    });

    const refit = () => {
      // A hidden tab has no size; fitting it would shrink the shell to nothing.
      if (container.clientWidth > 0 && container.clientHeight > 0) fit.fit();
    };
    const throttle = frameThrottle(refit);
    const observer = new ResizeObserver(() => throttle.schedule());
    observer.observe(container);
    refit();

    const onScheme = (e: MediaQueryListEvent) => (term.options.theme = themeFor(e.matches));
    scheme.addEventListener('change', onScheme);

    return () => {
      scheme.removeEventListener('change', onScheme);
      observer.disconnect();
      throttle.cancel();
      input.dispose();
      resized.dispose();
      detachOutput();
      acks.dispose();
      mountedTerminals.delete(terminalId);
      term.dispose();
    };
  }, [terminalId]);

  useEffect(() => {
    if (active) mountedTerminals.get(terminalId)?.term.focus();
  }, [active, terminalId]);

  return (
    <div className="terminal-view" hidden={!active} data-testid={`terminal-${terminalId}`}>
      <TerminalBanner tab={tab} />
      <div className="terminal-screen" ref={containerRef} />
    </div>
  );
}

function TerminalBanner({ tab }: { tab: TerminalTab }) {
  const reconnect = useTerminals((s) => s.reconnect);
  const close = useTerminals((s) => s.close);
  if (tab.state === 'open') return null;
  if (tab.state === 'connecting') {
    return (
      <div className="terminal-banner" role="status">
        Connecting to {tab.name}…
      </div>
    );
  }
  const disconnected = tab.state === 'disconnected';
  return (
    <div className={`terminal-banner ${disconnected ? 'terminal-banner-error' : ''}`} role="alert" data-testid="terminal-banner">
      <span>
        <strong>{disconnected ? 'Disconnected.' : 'Shell ended.'}</strong> {tab.message}
      </span>
      <span className="terminal-banner-actions">
        <button type="button" className="button button-small button-primary" onClick={() => void reconnect(tab.terminalId)}>
          Reconnect
        </button>
        <button type="button" className="button button-small" onClick={() => void close(tab.terminalId)}>
          Close tab
        </button>
      </span>
    </div>
  );
}
