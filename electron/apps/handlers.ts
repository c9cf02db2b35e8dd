import type { PartialHandlers } from '../api/router.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { ClusterService } from '../kube/cluster-service.js';
import { applyEdit } from '../../shared/translate/index.js';
import { importCompose } from '../../shared/translate/import/index.js';
import { AppStore } from './app-store.js';
import { AppLifecycle } from './app-lifecycle.js';
import { ApiError } from '../../shared/api/errors.js';
import { DestinationStore } from './destination-store.js';
import { readLastDeployed } from './last-deployed.js';
import { renderWithSecrets, storedSecretNames } from './render-service.js';
import { appSecretKey } from '../../shared/model/secret-keys.js';
import { editorSchemas } from './schemas.js';

type AppMethods =
  | 'apps.list' | 'apps.get' | 'apps.open' | 'apps.save' | 'apps.duplicate' | 'apps.remove' | 'apps.render' | 'apps.secretStatus' | 'apps.applyEdit' | 'apps.lastDeployed' | 'apps.importCompose' | 'apps.schema'
  | 'destinations.list' | 'destinations.save' | 'destinations.remove';

/** `clusters` knows the Kubernetes contexts a destination may name. */
export function appHandlers(deps: { dataDir: string; secrets: SecretStore; clusters: Pick<ClusterService, 'require'> }): PartialHandlers<AppMethods> {
  const apps = new AppStore(deps.dataDir);
  const destinations = new DestinationStore(deps.dataDir);
  const lifecycle = new AppLifecycle(apps, deps.secrets);
  return {
    'apps.list': () => apps.list(),
    'apps.get': ({ name }) => apps.get(name),
    'apps.open': async ({ name, destination }) => {
      const app = await apps.get(name);
      // A render that fails is not an open that fails: the editor shows the app and asks apps.render, which says why.
      const render = destination ? await renderWithSecrets(app, destination, deps.secrets, false).catch(() => null) : null;
      return { app, render };
    },
    'apps.save': ({ app, original }) => lifecycle.save(app, original),
    'apps.duplicate': ({ name, as }) => lifecycle.duplicate(name, as),
    'apps.remove': async ({ name }) => {
      await lifecycle.remove(name);
      return {};
    },
    'apps.render': ({ app, destination, revealSecrets }) => renderWithSecrets(app, destination, deps.secrets, revealSecrets),
    'apps.secretStatus': async ({ app }) => ({ stored: await storedSecretNames(deps.secrets, app) }),
    'apps.applyEdit': ({ app, destination, path, content }) => applyEdit(app, destination, path, content),
    'apps.lastDeployed': ({ name, destination }) => readLastDeployed(deps.dataDir, name, destination),
    'apps.importCompose': async ({ content, name, envFile, overrideFiles }) => {
      const result = importCompose(content, { name, envFile, ...(overrideFiles ? { overrideFiles } : {}) });
      // The values found go to the secret store under the app's name: an existing app's must not be overwritten.
      if (result.app && (await apps.list()).some((a) => a.name === result.app!.name)) {
        throw new ApiError('CONFLICT', `An app named "${result.app.name}" already exists. Type another name for the import, or open that app from the list.`, 'name');
      }
      // Values found in the compose sources go to the secret store, never back to the UI.
      if (result.app) for (const [secret, value] of Object.entries(result.secrets)) await deps.secrets.set(appSecretKey(result.app.name, secret), value);
      return { app: result.app, diagnostics: result.diagnostics };
    },
    'apps.schema': () => editorSchemas(),
    'destinations.list': () => destinations.list(),
    'destinations.save': ({ destination, original }) => destinations.save(destination, {
      original,
      check: async (d) => {
        if (d.type === 'kubernetes') await deps.clusters.require(d.context);
      },
    }),
    'destinations.remove': async ({ name }) => {
      await destinations.remove(name);
      return {};
    },
  };
}
