import { App, DockerDestination, KubernetesDestination, type AppInput } from '../../../shared/model/app.js';

export const app = (services: AppInput['services'], extra: Partial<AppInput> = {}): App =>
  App.parse({ apiVersion: 'berth.dev/v1', kind: 'App', name: 'shop', services, ...extra });

export const caddy = DockerDestination.parse({ type: 'docker', name: 'local-docker', server: 'local' });
export const traefik = DockerDestination.parse({ type: 'docker', name: 'coolify', server: 'vps', proxy: 'traefik' });
export const noProxy = DockerDestination.parse({ type: 'docker', name: 'bare', server: 'local', proxy: 'none' });
export const cluster = KubernetesDestination.parse({ type: 'kubernetes', name: 'cluster', context: 'default', namespace: 'shop', ingressClass: 'nginx', tlsIssuer: 'letsencrypt' });

export const errors = (diagnostics: Array<{ severity: string; code: string }>) => diagnostics.filter((d) => d.severity === 'error');
