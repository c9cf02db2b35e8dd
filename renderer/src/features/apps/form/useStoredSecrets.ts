import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../../../api/api';
import { App } from '../../../../../shared/model/app';

const NONE: ReadonlySet<string> = new Set();

/**
 * The names of the app's secrets that have a value in the secret store (never
 * the values), so a field can say "stored" after a reload. `markStored`
 * records a value just typed without asking again. The answer is kept with
 * the name it is for, so a renamed app never shows another's.
 */
export function useStoredSecrets(appName: string): { stored: ReadonlySet<string>; markStored(name: string): void } {
  const [answer, setAnswer] = useState<{ app: string; names: ReadonlySet<string> } | null>(null);
  useEffect(() => {
    // A name being typed may not be valid yet; the store is asked only for a name an app can have.
    if (!App.shape.name.safeParse(appName).success) return;
    let current = true;
    api.call('apps.secretStatus', { app: appName }).then(
      (status) => current && setAnswer({ app: appName, names: new Set(status.stored) }),
      () => current && setAnswer({ app: appName, names: NONE }),
    );
    return () => {
      current = false;
    };
  }, [appName]);
  const markStored = useCallback((name: string) => setAnswer((a) => ({ app: appName, names: new Set(a?.app === appName ? a.names : NONE).add(name) })), [appName]);
  const stored = useMemo(() => (answer?.app === appName ? answer.names : NONE), [answer, appName]);
  return { stored, markStored };
}
