import { APP_API_VERSION, type App } from '../../../../../shared/model/app';

/** A small working app so a new definition renders something from the first keystroke. */
export function newApp(name: string): App {
  return {
    apiVersion: APP_API_VERSION,
    kind: 'App',
    name,
    services: {
      web: {
        image: 'nginx:1.27-alpine',
        ports: [{ port: 80, protocol: 'tcp' }],
        routes: [],
        env: {},
        mounts: [],
        files: [],
        replicas: 1,
        restart: 'unless-stopped',
        dependsOn: [],
        labels: {},
        annotations: {},
      },
    },
    volumes: {},
    overrides: [],
  };
}
