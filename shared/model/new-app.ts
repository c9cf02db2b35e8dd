import { APP_API_VERSION, type App } from './app.js';

/**
 * What a typed name becomes as an app name (lowercase letters, digits and dashes, as on every target):
 * "My App!" → "my-app". The form shows the result whenever it differs from what was typed.
 */
export function appNameFrom(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

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
