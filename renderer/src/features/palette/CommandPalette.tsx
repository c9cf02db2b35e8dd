import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { buildCommands, matchCommands, type Command } from './commands';
import { runCommand } from './run-command';
import { useCommandContext } from './use-command-context';
import '../../styles/palette.css';

/**
 * Ctrl/Cmd-K: one field to go anywhere or run a command. The ARIA combobox pattern: focus stays in the field, the
 * arrows move the highlighted option (aria-activedescendant), Enter runs it, Escape closes (the dialog's cancel).
 */
export function CommandPalette({ onClose }: { onClose(): void }) {
  const id = useId();
  const listId = `${id}-list`;
  const [query, setQuery] = useState('');
  // By command id, not index: the highlight stays on its command when the apps and destinations load in.
  const [activeId, setActiveId] = useState<string | null>(null);
  const { context, problem } = useCommandContext();
  const groups = useMemo(() => matchCommands(buildCommands(context), query), [context, query]);
  const flat = groups.flatMap((g) => g.commands);
  const activeIndex = Math.max(0, flat.findIndex((c) => c.id === activeId));
  const active = flat[activeIndex];
  const optionId = (index: number) => `${id}-option-${index}`;

  useEffect(() => {
    document.getElementById(optionId(activeIndex))?.scrollIntoView({ block: 'nearest' });
  });

  const run = (command: Command) => {
    if (command.disabled) return;
    onClose();
    runCommand(command.action);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (flat.length === 0) return;
      const next = (activeIndex + (e.key === 'ArrowDown' ? 1 : -1) + flat.length) % flat.length;
      setActiveId(flat[next]!.id);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (active) run(active);
    }
  };

  let index = 0;
  return (
    <Dialog title="Command palette" onCancel={onClose} className="palette" hideTitle>
      <div className="palette-search">
        <Icon name="search" />
        <input
          role="combobox"
          aria-label="Search commands"
          aria-expanded={flat.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={active ? optionId(activeIndex) : undefined}
          placeholder="Go to a server, app or destination, or run a command"
          autoFocus
          spellCheck={false}
          autoComplete="off"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActiveId(null);
          }}
          onKeyDown={onKeyDown}
        />
      </div>
      {problem && <p className="palette-problem" role="status">{problem}</p>}
      <div className="palette-list" role="listbox" id={listId} aria-label="Commands" hidden={flat.length === 0}>
        {groups.map((g, n) => (
          <div key={g.group} role="group" aria-labelledby={`${id}-group-${n}`}>
            <div className="palette-group" id={`${id}-group-${n}`}>{g.group}</div>
            {g.commands.map((c) => {
              const i = index++;
              return (
                <div
                  key={c.id}
                  id={optionId(i)}
                  role="option"
                  className={`palette-option${i === activeIndex ? ' palette-option-active' : ''}`}
                  aria-selected={i === activeIndex}
                  aria-disabled={c.disabled ? true : undefined}
                  // The field keeps focus; a click runs the option.
                  onMouseDown={(e) => e.preventDefault()}
                  onMouseMove={() => i !== activeIndex && setActiveId(c.id)}
                  onClick={() => run(c)}
                >
                  <span className="palette-label">{c.label}</span>{' '}
                  {(c.disabled ?? c.detail) && <span className="palette-detail">{c.disabled ?? c.detail}</span>}
                </div>
              );
            })}
          </div>
        ))}
      </div>
      {flat.length === 0 && <p className="palette-empty">Nothing matches “{query.trim()}”. Try a server, app or destination name, or a word like “deploy” or “theme”.</p>}
      <p className="palette-foot" aria-hidden="true">
        <span><kbd>↑</kbd> <kbd>↓</kbd> move</span>
        <span><kbd>Enter</kbd> run</span>
        <span><kbd>Esc</kbd> close</span>
        <span><kbd>?</kbd> all shortcuts, outside text fields</span>
      </p>
    </Dialog>
  );
}
