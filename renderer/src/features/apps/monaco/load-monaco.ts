import type * as Setup from './monaco-setup';

let loading: Promise<typeof Setup> | undefined;

/** Loads Monaco once, on demand: the app editor calls this when it opens, never at startup. */
export function loadMonaco(): Promise<typeof Setup> {
  loading ??= import('./monaco-setup').catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}
