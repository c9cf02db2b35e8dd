import { ErrorNote } from '../../components/ErrorNote';
import { Icon } from '../../components/Icon';
import { Spinner } from '../../components/Spinner';
import { useTabs } from '../../components/tabs';
import { PanelResizer } from './PanelResizer';
import { TerminalSearch } from './TerminalSearch';
import { TerminalView } from './TerminalView';
import { panelHeightFor, useTerminals } from './terminals-store';

/** Terminals docked under the page: tabs, search and a draggable top edge. */
export function TerminalPanel() {
  const { tabs, activeId, panelOpen, panelHeight, opening, openError, activate, close, setPanelOpen } = useTerminals();
  const tabList = useTabs({ keys: tabs.map((t) => t.terminalId), selected: activeId ?? null, onSelect: activate, onDelete: (id) => void close(id) });
  if (!panelOpen) return null;
  const active = tabs.find((t) => t.terminalId === activeId);

  return (
    <section className="terminal-panel" style={{ height: panelHeightFor(panelHeight) }} aria-label="Terminals">
      <PanelResizer />
      <header className="terminal-bar">
        <div className="terminal-tabs">
          {/* Only tabs in the tablist (ARIA): a tab closes with Delete, its ×, or the close button of the bar. */}
          <div className="terminal-tablist" role="tablist" aria-label="Terminals">
            {tabs.map((tab) => (
              <button key={tab.terminalId} type="button" className={`terminal-tab${tab.terminalId === activeId ? ' terminal-tab-active' : ''}`} title={`${tab.title} (Delete closes it)`} {...tabList.tab(tab.terminalId)}>
                <span className={`dot dot-${tab.state}`} aria-label={tab.state} role="img" />
                <span className="terminal-tab-name">{tab.name}</span>
                {/* For the mouse; keyboards use Delete and assistive tech the bar's button, so it is hidden from both. */}
                <span
                  className="terminal-tab-close"
                  aria-hidden="true"
                  onClick={(e) => {
                    e.stopPropagation();
                    void close(tab.terminalId);
                  }}
                >
                  <Icon name="close" size={12} />
                </span>
              </button>
            ))}
          </div>
          {opening && (
            <span className="terminal-tab terminal-tab-pending">
              <Spinner label="Opening terminal" /> Opening…
            </span>
          )}
        </div>
        <TerminalSearch terminalId={activeId} />
        {active && (
          <button type="button" className="icon-button" aria-label={`Close ${active.name}`} title={`Close ${active.name}`} onClick={() => void close(active.terminalId)}>
            <Icon name="close" size={14} />
          </button>
        )}
        <button type="button" className="icon-button terminal-hide" aria-label="Hide terminals" title="Hide terminals" onClick={() => setPanelOpen(false)}>
          <Icon name="down" size={14} />
        </button>
      </header>
      <div className="terminal-body" {...tabList.panel()}>
        {openError && (
          <div className="terminal-open-error">
            <ErrorNote error={openError} title="The terminal did not open." />
          </div>
        )}
        {tabs.length === 0 && !opening && !openError && <p className="terminal-empty muted">Open a terminal with the Terminal button of any server.</p>}
        {tabs.map((tab) => (
          <TerminalView key={tab.terminalId} tab={tab} active={tab.terminalId === activeId} />
        ))}
      </div>
    </section>
  );
}
