import type { PartialHandlers } from '../api/router.js';
import { AppStore } from '../apps/app-store.js';
import { DestinationStore } from '../apps/destination-store.js';
import type { DeployService } from './deploy-service.js';

type DeployMethods = 'deploys.plan' | 'deploys.start' | 'deploys.cancel' | 'deploys.list' | 'deploys.log' | 'releases.list' | 'releases.unlock' | 'apps.status';

export function deployHandlers(deploys: DeployService, dataDir: string): PartialHandlers<DeployMethods> {
  const apps = new AppStore(dataDir);
  const destinations = new DestinationStore(dataDir);
  return {
    'deploys.plan': async ({ kind, app, destination, to, force }) => deploys.plan({
      kind,
      app: kind === 'deploy' ? await apps.get(app) : undefined,
      appName: app,
      destination: await destinations.get(destination),
      to,
      force,
    }),
    'deploys.start': ({ planId }) => deploys.start(planId),
    'deploys.cancel': ({ deployId }) => {
      deploys.cancel(deployId);
      return {};
    },
    'deploys.list': ({ app }) => deploys.list(app),
    'deploys.log': async ({ deployId }) => ({ text: await deploys.log(deployId) }),
    'releases.list': async ({ app, destination }) => deploys.releases(app, await destinations.get(destination)),
    'releases.unlock': async ({ app, destination, force }) => deploys.unlock(app, await destinations.get(destination), force),
    'apps.status': async ({ app, destination }) => deploys.status(app, await destinations.get(destination)),
  };
}
