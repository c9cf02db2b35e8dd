import { useEffect, useState } from 'react';
import type { ISearchOptions } from '@xterm/addon-search';
import { Icon } from '../../components/Icon';
import { mountedTerminals } from './terminal-registry';

/**
 * Matches are highlighted, which is also what makes the addon report their count (onDidChangeResults fires only
 * with decorations). Colours must be #RRGGBB; these read on the light and the dark terminal theme alike.
 */
const OPTIONS: ISearchOptions = {
  decorations: {
    matchBackground: '#6b5a1e',
    matchOverviewRuler: '#d2a106',
    activeMatchBackground: '#b8860b',
    activeMatchColorOverviewRuler: '#ffb000',
  },
};

type Results = { index: number; count: number } | null;

function describe(query: string, results: Results): string {
  if (!query || !results) return '';
  if (results.count === 0) return 'No matches';
  // The addon stops counting the active match past its highlight limit (index -1).
  return results.index < 0 ? `${results.count}+ matches` : `${results.index + 1} of ${results.count}`;
}

/** Find in the active terminal: as you type, then Enter / Shift+Enter or the arrows for the next and previous match. */
export function TerminalSearch({ terminalId }: { terminalId: string | undefined }) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Results>(null);
  const search = terminalId ? mountedTerminals.get(terminalId)?.search : undefined;

  useEffect(() => {
    if (!search) return;
    const sub = search.onDidChangeResults(({ resultIndex, resultCount }) => setResults({ index: resultIndex, count: resultCount }));
    return () => {
      sub.dispose();
      search.clearDecorations();
      // Another terminal's count would be wrong for the next one.
      setResults(null);
    };
  }, [search]);

  const find = (backwards: boolean, text = query, incremental = false) => {
    if (!search) return;
    if (!text) {
      search.clearDecorations();
      setResults(null);
      return;
    }
    if (backwards) search.findPrevious(text, OPTIONS);
    else search.findNext(text, { ...OPTIONS, incremental });
  };

  const status = describe(query, results);
  return (
    <form
      className="terminal-search"
      role="search"
      aria-label="Find in terminal"
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
        onChange={(e) => {
          setQuery(e.target.value);
          find(false, e.target.value, true);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && e.shiftKey) {
            e.preventDefault();
            find(true);
          } else if (e.key === 'Escape' && query) {
            e.preventDefault();
            setQuery('');
            find(false, '');
          }
        }}
      />
      <span className="terminal-search-count" role="status" aria-live="polite">{status}</span>
      <button type="button" className="terminal-search-step" aria-label="Previous match" title="Previous match (Shift+Enter)" disabled={!query || !search} onClick={() => find(true)}>
        <Icon name="up" size={13} />
      </button>
      <button type="button" className="terminal-search-step" aria-label="Next match" title="Next match (Enter)" disabled={!query || !search} onClick={() => find(false)}>
        <Icon name="down" size={13} />
      </button>
    </form>
  );
}
