import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadAll } from 'js-yaml';
import { App, type AppInput } from '../../shared/model/app.js';
import { renderApp } from '../../shared/translate/index.js';
import { isDnsLabel, isDnsSubdomain } from '../../shared/translate/render/names.js';
import { routeHosts } from '../../shared/translate/render/hosts.js';
import { caddy, cluster, errors, noProxy, traefik } from './support/apps.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rendered YAML

const label = fc.stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5})?$/);
const longLabel = fc.stringMatching(/^[a-z][a-z0-9-]{40,61}[a-z0-9]$/);
const serviceName = fc.oneof({ weight: 5, arbitrary: label }, { weight: 1, arbitrary: longLabel });
const text = fc.string({ maxLength: 12 }).map((s) => s.replace(/\r/g, ''));

/** Valid app definitions: every reference (route port, volume, dependency) points at something declared. */
const appArbitrary = fc
  .record({
    name: label,
    services: fc.uniqueArray(serviceName, { minLength: 1, maxLength: 4 }),
    volumes: fc.uniqueArray(label, { maxLength: 2 }),
    shared: fc.boolean(),
  })
  .chain(({ name, services, volumes, shared }) =>
    fc.tuple(...services.map((svc, index) =>
      fc.record({
        ports: fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { maxLength: 3 }),
        routeCount: fc.nat(2),
        https: fc.boolean(),
        www: fc.constantFrom('none', 'to-www', 'to-apex'),
        path: fc.constantFrom('/', '/api', '/app/v1'),
        strip: fc.boolean(),
        env: fc.dictionary(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,6}$/), fc.oneof(text, fc.record({ secret: label }))),
        mount: volumes.length > 0 ? fc.option(fc.constantFrom(...volumes)) : fc.constant(null),
        replicas: fc.integer({ min: 0, max: 4 }),
        autoscale: fc.boolean(),
        restart: fc.constantFrom('always', 'unless-stopped', 'on-failure', 'no'),
        health: fc.constantFrom('none', 'http', 'tcp', 'command'),
        cpus: fc.option(fc.double({ min: 0.01, max: 8, noNaN: true })),
        memory: fc.option(fc.constantFrom('128Mi', '1Gi', '500M', '1.5Gi', '64k')),
        files: fc.boolean(),
        dependsOnPrevious: fc.boolean(),
      }).map((s) => {
        const routes = s.ports.length === 0 ? [] : Array.from({ length: s.routeCount }, (_, i) => ({
          domain: `${svc.slice(0, 20)}-${i}.${name}.test`, path: s.path, port: s.ports[i % s.ports.length]!, https: s.https, www: s.www, stripPrefix: s.strip,
        }));
        const healthPort = s.ports[0] ?? 8080;
        const healthcheck = s.health === 'http' ? { http: { port: healthPort } } : s.health === 'tcp' ? { tcp: { port: healthPort } } : s.health === 'command' ? { command: 'true' } : undefined;
        const service: AppInput['services'][string] = {
          image: 'example/app:1',
          ports: s.ports.map((port) => ({ port })),
          routes,
          env: s.env,
          mounts: s.mount ? [{ volume: s.mount, path: '/data' }] : [],
          files: s.files ? [{ path: '/etc/app/config.yml', content: 'a: $b' }] : [],
          replicas: s.replicas,
          restart: s.restart,
          dependsOn: s.dependsOnPrevious && index > 0 ? [services[index - 1]!] : [],
          ...(s.autoscale ? { autoscale: { min: 1, max: 3 }, resources: { reservations: { cpus: 0.1 } } } : {}),
          ...(healthcheck ? { healthcheck } : {}),
          ...(s.cpus !== null || s.memory !== null ? { resources: { limits: { ...(s.cpus !== null ? { cpus: s.cpus } : {}), ...(s.memory !== null ? { memory: s.memory } : {}) } } } : {}),
        };
        return [svc, service] as const;
      }),
    )).map((entries) => App.parse({
      apiVersion: 'berth.dev/v1', kind: 'App', name,
      services: Object.fromEntries(entries),
      volumes: Object.fromEntries(volumes.map((v) => [v, { shared }])),
    })),
  );

const secretsFor = (app: App) => Object.fromEntries(Object.values(app.services).flatMap((s) => Object.values(s.env).flatMap((e) => (typeof e === 'object' && 'secret' in e ? [[e.secret, 'v']] : []))));

describe('any valid app definition', () => {
  it('renders to valid compose on every proxy mode', () => {
    fc.assert(fc.property(appArbitrary, (app) => {
      for (const destination of [caddy, traefik, noProxy]) {
        expect(errors(renderApp(app, destination, { secrets: secretsFor(app) }).diagnostics)).toEqual([]);
      }
    }), { numRuns: 60 });
  });

  it('renders to valid Kubernetes objects with DNS-1123 names and reachable routes', () => {
    fc.assert(fc.property(appArbitrary, (app) => {
      const result = renderApp(app, cluster, { secrets: secretsFor(app) });
      expect(errors(result.diagnostics)).toEqual([]);
      const objects = loadAll(result.files[0]!.content) as Obj[];
      for (const o of objects) {
        const labelNamed = ['Service', 'Deployment', 'StatefulSet', 'Job'].includes(o.kind);
        expect(labelNamed ? isDnsLabel(o.metadata.name) : isDnsSubdomain(o.metadata.name), `${o.kind} ${o.metadata.name}`).toBe(true);
      }
      for (const [name, service] of Object.entries(app.services)) {
        if (service.restart === 'on-failure' || service.restart === 'no') continue;
        for (const route of service.routes) {
          const host = routeHosts(route).canonical;
          const rule = objects.filter((o) => o.kind === 'Ingress').flatMap((o) => o.spec.rules).find((r: Obj) => r.host === host);
          const backend = rule.http.paths.find((p: Obj) => p.path === route.path).backend.service;
          const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === backend.name)!;
          const svcPort = svc.spec.ports.find((p: Obj) => p.port === backend.port.number);
          const workload = objects.find((o) => ['Deployment', 'StatefulSet'].includes(o.kind) && Object.entries(svc.spec.selector).every(([k, v]) => o.spec.template.metadata.labels[k] === v))!;
          const containerPorts = workload.spec.template.spec.containers[0].ports.map((p: Obj) => p.containerPort);
          expect(workload.metadata.name).toBe(name);
          expect(containerPorts).toContain(svcPort.targetPort);
          expect(svcPort.targetPort).toBe(route.port);
        }
      }
    }), { numRuns: 60 });
  });

  it('renders deterministically', () => {
    fc.assert(fc.property(appArbitrary, (app) => {
      expect(renderApp(structuredClone(app), cluster).files).toEqual(renderApp(app, cluster).files);
      expect(renderApp(structuredClone(app), traefik).files).toEqual(renderApp(app, traefik).files);
    }), { numRuns: 30 });
  });
});
