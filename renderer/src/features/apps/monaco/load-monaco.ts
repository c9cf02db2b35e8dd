import type * as Setup from './monaco-setup';
import { api } from '../../../api/api';

let loading: Promise<typeof Setup> | undefined;
let editor: Promise<typeof Setup> | undefined;
let ready: typeof Setup | undefined;

/** Loads Monaco once, on demand: the app editor calls this when it opens, never at startup. */
export function loadMonaco(): Promise<typeof Setup> {
  loading ??= import('./monaco-setup').catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

/**
 * Monaco with the app, compose and Kubernetes schemas attached. Done once per page: the preview remounts on every
 * app opened, and fetching the schemas (about 70 KB) and restarting the YAML worker each time cost more than the
 * render itself. Without schemas (the call failed) the editor still works, and the next open asks again.
 */
export function loadEditor(): Promise<typeof Setup> {
  editor ??= Promise.all([loadMonaco(), api.call('apps.schema', {}).catch(() => null)]).then(
    ([mod, schemas]) => {
      if (schemas) {
        mod.setSchemas(schemas);
        ready = mod;
      } else editor = undefined;
      return mod;
    },
    (err: unknown) => {
      editor = undefined;
      throw err;
    },
  );
  return editor;
}

/** The editor setup if `loadEditor` has finished, so a remounted preview shows at once. */
export const loadedEditor = (): typeof Setup | null => ready ?? null;
