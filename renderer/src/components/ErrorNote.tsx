import type { ShownError } from '../lib/errors';

/** A failed action, worded by the core so it says what to do next. */
export function ErrorNote({ error, title }: { error: ShownError | undefined; title?: string }) {
  if (!error) return null;
  return (
    <div className="note note-error" role="alert">
      {title && <strong>{title}</strong>}
      <span className="note-text">{error.message}</span>
    </div>
  );
}
