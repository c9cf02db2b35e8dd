import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/api';
import { ErrorNote } from '../../components/ErrorNote';
import { toShownError, type ShownError } from '../../lib/errors';
import { mountXterm } from '../terminal/xterm-setup';
import { unseenChunks } from './history-model';

/**
 * A deploy's log in a read-only terminal: the text so far from deploys.log,
 * then each deploy.log chunk the core pushes for this deploy. Chunks that
 * arrive before the text are held, and those the text already ends with are
 * skipped, so nothing shows twice or goes missing.
 */
export function LogTerminal({ deployId }: { deployId: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<ShownError>();

  useEffect(() => {
    const container = ref.current;
    if (!container) return;
    const xterm = mountXterm(container, { readOnly: true });
    let disposed = false;
    let early: string[] | null = [];
    const off = api.on('deploy.log', ({ deployId: id, data }) => {
      if (id !== deployId) return;
      if (early) early.push(data);
      else xterm.term.write(data);
    });
    setError(undefined);
    api.call('deploys.log', { deployId }).then(
      ({ text }) => {
        if (disposed) return;
        xterm.term.write(text);
        for (const chunk of unseenChunks(text, early ?? [])) xterm.term.write(chunk);
        early = null;
      },
      (err: unknown) => {
        if (disposed) return;
        early = null;
        setError(toShownError(err));
      },
    );
    xterm.refit();
    return () => {
      disposed = true;
      off();
      xterm.dispose();
    };
  }, [deployId]);

  return (
    <div className="run-log" role="region" aria-label="Deploy log">
      {error && <ErrorNote error={error} title="The log could not be read." />}
      <div className="run-log-screen" ref={ref} data-testid="deploy-log" />
    </div>
  );
}
