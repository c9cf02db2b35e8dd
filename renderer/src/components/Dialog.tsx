import { useEffect, useRef, type ReactNode } from 'react';

interface DialogProps {
  title: string;
  /** Escape and the close button call this; the dialog is removed by the parent. */
  onCancel(): void;
  children: ReactNode;
  wide?: boolean;
  tone?: 'default' | 'warning';
  /** Extra class on the <dialog>, e.g. for a larger size. */
  className?: string;
}

/** A modal on the native <dialog>: focus is trapped and Escape cancels without extra code. */
export function Dialog({ title, onCancel, children, wide, tone = 'default', className }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' dialog-wide' : ''} dialog-${tone}${className ? ` ${className}` : ''}`}
      aria-label={title}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <header className="dialog-header">
        <h2>{title}</h2>
      </header>
      {children}
    </dialog>
  );
}
