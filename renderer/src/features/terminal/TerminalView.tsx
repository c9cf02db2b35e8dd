import { useEffect, useRef } from 'react';
import { api } from '../../api/api';
import { benchDrawn } from '../../bench/bench-hook';
import { createAckBatcher } from './ack-batcher';
import { attachOutput } from './terminal-output';
import { mountedTerminals } from './terminal-registry';
import { useTerminals, type TerminalTab } from './terminals-store';
import { writeFrame } from './write-slices';
import { mountXterm } from './xterm-setup';

const ignore = () => undefined;

/** One xterm bound to one core terminal: output with acks, input, and size following the panel. */
export function TerminalView({ tab, active }: { tab: TerminalTab; active: boolean }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const { terminalId } = tab;
  // A followed log takes no input and has no cursor to show.
  const readOnly = tab.kind === 'logs';

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const xterm = mountXterm(container, { readOnly });
    const { term, search } = xterm;
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
    xterm.refit();

    return () => {
      input.dispose();
      resized.dispose();
      detachOutput();
      acks.dispose();
      mountedTerminals.delete(terminalId);
      xterm.dispose();
    };
  }, [terminalId, readOnly]);

  useEffect(() => {
    // A tab chosen with the arrow keys keeps focus, so the next arrow moves on (ARIA tabs); a click goes to the shell.
    if (document.activeElement?.matches('[role="tab"]:focus-visible')) return;
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
        {/* The core words an ended session as a shell's; for a followed log, say what Reconnect does there. */}
        <strong>{disconnected ? 'Disconnected.' : tab.kind === 'logs' ? 'Log ended.' : 'Shell ended.'}</strong>{' '}
        {!disconnected && tab.kind === 'logs' ? 'Reconnect to follow the logs again, or close the tab.' : tab.message}
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
