import { useId, type Ref } from 'react';
import { Icon } from './Icon';
import { filterCount, filterTerms } from './filter-match';
import { counted, type Noun } from '../lib/format';
import './filter-field.css';


/**
 * Type-to-filter for a long list: a search field, how many items it shows
 * ("12 of 1,000", announced politely), and Escape to clear it. Matching is the
 * caller's (filter-match.ts), so each list chooses the fields it searches.
 */
export function FilterField({ label, placeholder, value, onChange, shown, total, noun, controls, inputRef, className }: {
  label: string;
  placeholder: string;
  value: string;
  onChange(value: string): void;
  shown: number;
  total: number;
  noun: Noun;
  /** Id of the list the field filters. */
  controls?: string;
  inputRef?: Ref<HTMLInputElement>;
  className?: string;
}) {
  const countId = useId();
  const filtering = filterTerms(value).length > 0;
  return (
    <div className={`filter-field${className ? ` ${className}` : ''}`} role="search">
      <span className="filter-input">
        <Icon name="search" size={14} />
        <input
          ref={inputRef}
          type="search"
          aria-label={label}
          aria-describedby={countId}
          aria-controls={controls}
          placeholder={placeholder}
          value={value}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={(e) => {
            // Only a field with text takes Escape; an empty one leaves it to whatever else listens (dialogs, panels).
            if (e.key !== 'Escape' || value === '') return;
            e.preventDefault();
            e.stopPropagation();
            onChange('');
          }}
        />
      </span>
      <span id={countId} className="filter-count" role="status">
        {filtering ? filterCount(shown, total) : counted(total, noun)}
      </span>
    </div>
  );
}

/** What a list shows when its filter matches nothing: the query, and the two ways back to the whole list. */
export function NoMatches({ query, total, noun, onClear }: { query: string; total: number; noun: Noun; onClear(): void }) {
  return (
    <div className="filter-empty">
      <p>
        No {noun[1]} match “{query.trim()}”.
      </p>
      <p>
        Press Escape in the filter, or{' '}
        <button type="button" className="filter-clear" onClick={onClear}>
          clear the filter
        </button>
        , to see all {counted(total, noun)}.
      </p>
    </div>
  );
}
