import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';

interface DialogProps {
  title: string;
  /** Escape and the close button call this; the dialog is removed by the parent. */
  onCancel(): void;
  children: ReactNode;
  wide?: boolean;
  tone?: 'default' | 'warning';
  /** Extra class on the <dialog>, e.g. for a larger size. */
  className?: string;
  /** The heading is for assistive tech only, where the dialog's own content says what it is (a search field). */
  hideTitle?: boolean;
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/** What Tab can reach inside the dialog, in order; hidden ones (closed <details>, display: none) are skipped. */
function tabbable(dialog: HTMLElement): HTMLElement[] {
  return [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0 && !el.closest('[inert]'));
}

/**
 * Every modal of the app, on the native <dialog>: showModal moves focus in and makes the page behind inert, and
 * Escape cancels. Tab and Shift+Tab wrap inside the dialog (the native one lets focus leave to the browser's own
 * controls), and on close focus goes back to what had it before, e.g. the button that opened the dialog.
 */
export function Dialog({ title, onCancel, children, wide, tone = 'default', className, hideTitle }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      dialog?.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  const trapTab = (e: KeyboardEvent<HTMLDialogElement>) => {
    if (e.key !== 'Tab' || !ref.current) return;
    const items = tabbable(ref.current);
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    const at = document.activeElement;
    if (e.shiftKey && (at === first || !ref.current.contains(at))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (at === last || !ref.current.contains(at))) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' dialog-wide' : ''} dialog-${tone}${className ? ` ${className}` : ''}`}
      aria-label={title}
      onKeyDown={trapTab}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <header className={hideTitle ? 'visually-hidden' : 'dialog-header'}>
        <h2>{title}</h2>
      </header>
      {children}
    </dialog>
  );
}
