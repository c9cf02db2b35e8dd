import { useCallback, useEffect, useState } from 'react';

/**
 * Reads from the core when the view mounts, whenever `trigger` changes (a
 * deploy here ended) and on Refresh; an answer that arrives after the view
 * moved on is dropped.
 */
export function useReload<T>(read: () => Promise<T>, show: (answer: T) => void, trigger: string): { loading: boolean; refresh: () => void } {
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    let current = true;
    void read().then((answer) => {
      if (!current) return;
      show(answer);
      setLoading(false);
    });
    return () => {
      current = false;
    };
  }, [read, show, trigger]);
  const refresh = useCallback(() => {
    setLoading(true);
    void read().then((answer) => {
      show(answer);
      setLoading(false);
    });
  }, [read, show]);
  return { loading, refresh };
}
