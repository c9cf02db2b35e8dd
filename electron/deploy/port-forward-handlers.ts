import { ApiError } from '../../shared/api/errors.js';
import type { KubernetesDestination } from '../../shared/model/app.js';
import type { EventBus } from '../api/event-bus.js';
import type { PartialHandlers } from '../api/router.js';
import { DestinationStore } from '../apps/destination-store.js';
import type { DeployService } from './deploy-service.js';
import { forwardableServices, PortForwards } from './kubernetes/port-forward.js';

type PortForwardMethods = 'portForwards.start' | 'portForwards.list' | 'portForwards.stop' | 'portForwards.services';

/**
 * The port-forwards of this core: API handlers, and dispose (every forward
 * ends, its local port freed) for shutdown. Each change is a
 * portForwards.changed event with the whole list.
 */
export function portForwardHandlers(options: { deploys: Pick<DeployService, 'kubeClient'>; dataDir: string; events: EventBus }): { handlers: PartialHandlers<PortForwardMethods>; forwards: PortForwards; dispose(): Promise<void> } {
  const destinations = new DestinationStore(options.dataDir);
  const kubernetes = async (name: string): Promise<KubernetesDestination> => {
    const destination = await destinations.get(name);
    if (destination.type !== 'kubernetes') throw new ApiError('UNSUPPORTED', `${name} is a Docker destination; port-forwards are for Kubernetes destinations. Publish the port, or use an SSH tunnel (ssh -L) to the server.`);
    return destination;
  };
  const forwards = new PortForwards({
    client: async (name) => {
      const destination = await kubernetes(name);
      return { client: await options.deploys.kubeClient(destination), namespace: destination.namespace };
    },
    onChange: (list) => options.events.emit('portForwards.changed', { forwards: list }),
  });
  return {
    forwards,
    dispose: () => forwards.dispose(),
    handlers: {
      'portForwards.start': (input) => forwards.start(input),
      'portForwards.list': () => forwards.list(),
      'portForwards.stop': async ({ id }) => {
        await forwards.stop(id);
        return {};
      },
      'portForwards.services': async ({ app, destination }) => {
        const d = await kubernetes(destination);
        return forwardableServices(await options.deploys.kubeClient(d), d.namespace, app);
      },
    },
  };
}
