import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Icon } from './Icon';
import './menu-button.css';

export interface MenuItem {
  label: string;
  onSelect(): void;
}

/**
 * A button that opens a short menu of actions (WAI-ARIA APG menu button): Enter, Space or the arrows open it with
 * an item focused, the arrows, Home and End move, Escape closes it back onto the button, and Tab or a click
 * elsewhere closes it. Choosing an item puts focus back on the button first, so a dialog the item opens returns
 * focus there when it closes.
 */
export function MenuButton({ label, children, items, className }: {
  /** The accessible name of the button and the menu; starts with the visible text (`children`). */
  label: string;
  children: ReactNode;
  items: readonly MenuItem[];
  className?: string;
}) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLSpanElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const itemRefs = useRef<(HTMLButtonElement | null)[]>([]);
  // Which item to focus once the menu is drawn: opening by ArrowUp starts at the last one.
  const [focusIndex, setFocusIndex] = useState(0);

  useEffect(() => {
    if (!open) return;
    itemRefs.current[focusIndex]?.focus();
  }, [open, focusIndex]);

  useEffect(() => {
    if (!open) return;
    const closeOutside = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', closeOutside);
    return () => document.removeEventListener('pointerdown', closeOutside);
  }, [open]);

  const show = (index: number) => {
    setFocusIndex(index);
    setOpen(true);
  };
  const hide = () => {
    setOpen(false);
    button.current?.focus();
  };

  const onButtonKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      show(e.key === 'ArrowUp' ? items.length - 1 : 0);
    }
  };

  const onMenuKey = (e: KeyboardEvent) => {
    const at = itemRefs.current.findIndex((el) => el === document.activeElement);
    const next = e.key === 'ArrowDown' ? (at + 1) % items.length
      : e.key === 'ArrowUp' ? (at - 1 + items.length) % items.length
        : e.key === 'Home' ? 0
          : e.key === 'End' ? items.length - 1
            : undefined;
    if (next !== undefined) {
      e.preventDefault();
      setFocusIndex(next);
      itemRefs.current[next]?.focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      // Inside a dialog, Escape closes the menu only.
      e.stopPropagation();
      hide();
    } else if (e.key === 'Tab') {
      setOpen(false);
    }
  };

  return (
    <span className={`menu-button${className ? ` ${className}` : ''}`} ref={root}>
      <button
        ref={button}
        type="button"
        id={`${id}-button`}
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? `${id}-menu` : undefined}
        onClick={() => (open ? setOpen(false) : show(0))}
        onKeyDown={onButtonKey}
      >
        {children}
        <Icon name="down" size={12} />
      </button>
      {open && (
        <div className="menu" role="menu" id={`${id}-menu`} aria-labelledby={`${id}-button`} onKeyDown={onMenuKey}>
          {items.map((item, i) => (
            <button
              key={item.label}
              ref={(el) => {
                itemRefs.current[i] = el;
              }}
              type="button"
              role="menuitem"
              tabIndex={-1}
              className="menu-item"
              onClick={() => {
                hide();
                item.onSelect();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </span>
  );
}
