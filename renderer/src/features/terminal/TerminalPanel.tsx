import { useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { Icon } from '../../components/Icon';
import { Spinner } from '../../components/Spinner';
import { PanelResizer } from './PanelResizer';
import { mountedTerminals } from './terminal-registry';
import { TerminalView } from './TerminalView';
import { useTerminals } from './terminals-store';

/** Terminals docked under the page: tabs, search and a draggable top edge. */
export function TerminalPanel() {
  const { tabs, activeId, panelOpen, panelHeight, opening, openError, activate, close, setPanelOpen } = useTerminals();
  const [query, setQuery] = useState('');
  if (!panelOpen) return null;

  const find = (backwards: boolean) => {
    const search = activeId ? mountedTerminals.get(activeId)?.search : undefined;
    if (!search || !query) return;
    if (backwards) search.findPrevious(query);
    else search.findNext(query);
  };

  return (
    <section className="terminal-panel" style={{ height: panelHeight }} aria-label="Terminals">
      <PanelResizer />
      <header className="terminal-bar">
        <div className="terminal-tabs" role="tablist">
          {tabs.map((tab) => (
            <div key={tab.terminalId} className={`terminal-tab${tab.terminalId === activeId ? ' terminal-tab-active' : ''}`} title={tab.title}>
              <button type="button" role="tab" aria-selected={tab.terminalId === activeId} className="terminal-tab-name" onClick={() => activate(tab.terminalId)}>
                <span className={`dot dot-${tab.state}`} aria-label={tab.state} />
                {tab.name}
              </button>
              <button type="button" className="terminal-tab-close" aria-label={`Close ${tab.name}`} onClick={() => void close(tab.terminalId)}>
                <Icon name="close" size={12} />
              </button>
            </div>
          ))}
          {opening && (
            <span className="terminal-tab terminal-tab-pending">
              <Spinner label="Opening terminal" /> Opening…
            </span>
          )}
        </div>
        <form
          className="terminal-search"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            find(false);
          }}
        >
          <Icon name="search" size={13} />
          <input
            aria-label="Find in terminal"
            placeholder="Find"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && e.shiftKey) {
                e.preventDefault();
                find(true);
              }
            }}
          />
        </form>
        <button type="button" className="icon-button" aria-label="Hide terminals" title="Hide terminals" onClick={() => setPanelOpen(false)}>
          <Icon name="close" size={14} />
        </button>
      </header>
      <div className="terminal-body">
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
