// STUB: replaced by the translator work.
import type { PartialHandlers } from '../api/router.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { ApiError } from '../../shared/api/errors.js';

type AppMethods =
  | 'apps.list' | 'apps.get' | 'apps.save' | 'apps.remove' | 'apps.render' | 'apps.applyEdit' | 'apps.lastDeployed' | 'apps.importCompose' | 'apps.schema'
  | 'destinations.list' | 'destinations.save' | 'destinations.remove' | 'kube.contexts';

export function appHandlers(_deps: { dataDir: string; secrets: SecretStore }): PartialHandlers<AppMethods> {
  const todo = () => {
    throw new ApiError('UNSUPPORTED', 'not yet');
  };
  return {
    'apps.list': todo, 'apps.get': todo, 'apps.save': todo, 'apps.remove': todo, 'apps.render': todo, 'apps.applyEdit': todo,
    'apps.lastDeployed': todo, 'apps.importCompose': todo, 'apps.schema': todo,
    'destinations.list': todo, 'destinations.save': todo, 'destinations.remove': todo, 'kube.contexts': todo,
  };
}
