import { describe, expect, it } from 'vitest';
import { importCompose } from '../../shared/translate/import/index.js';
import { renderKubernetes } from '../../shared/translate/index.js';
import type { KubernetesDestination } from '../../shared/model/app.js';
import { importOk, service } from './helpers.js';

// Each case is a defect of kompose (translate.md §1.5) that Berth's import must not repeat.
const cluster: KubernetesDestination = { type: 'kubernetes', name: 'k', context: 'c', namespace: 'default' };

type K8sObject = { kind: string; metadata: { name: string }; spec: Record<string, unknown> };
function objects(yaml: string): K8sObject[] {
  const { app } = importOk(yaml);
  return renderKubernetes(app, cluster).objects as K8sObject[];
}
const containerOf = (o: K8sObject) => (o.spec.template as { spec: { containers: Array<Record<string, unknown>> } }).spec.containers[0]!;

describe('kompose mistakes, not repeated', () => {
  it('a CMD-SHELL or string health check runs through /bin/sh -c; the exec form drops "CMD"', () => {
    const r = importOk(`services:
  a: {image: x, healthcheck: {test: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]}}
  b: {image: x, healthcheck: {test: "pg_isready -U app"}}
  c: {image: x, healthcheck: {test: ["CMD", "redis-cli", "ping"]}}
`);
    expect(service(r, 'a').healthcheck?.command).toBe('curl -f http://localhost/ || exit 1');
    expect(service(r, 'b').healthcheck?.command).toBe('pg_isready -U app');
    expect(service(r, 'c').healthcheck?.command).toEqual(['redis-cli', 'ping']);
    const deployment = renderKubernetes(r.app, cluster).objects.find((o) => o.kind === 'Deployment' && (o as K8sObject).metadata.name === 'a') as K8sObject;
    expect(containerOf(deployment).livenessProbe).toMatchObject({ exec: { command: ['/bin/sh', '-c', 'curl -f http://localhost/ || exit 1'] } });
  });

  it('keeps Docker\'s probe defaults (interval 30s, timeout 30s, retries 3) when unset', () => {
    const r = importOk('services:\n  a:\n    image: x\n    healthcheck:\n      test: ["CMD", "true"]\n      interval: 1m30s\n');
    expect(service(r, 'a').healthcheck).toMatchObject({ intervalSeconds: 90, timeoutSeconds: 30, retries: 3, startPeriodSeconds: 0 });
  });

  it('the Service port is the container port, and the host port is not published when routed', () => {
    const r = importOk('services:\n  web:\n    image: x\n    ports: ["8080:80"]\n');
    expect(service(r, 'web').ports).toEqual([{ port: 80, protocol: 'tcp', publish: 8080 }]);
    const svc = objects('services:\n  web:\n    image: x\n    ports: ["8080:80"]\n').find((o) => o.kind === 'Service')!;
    expect(svc.spec.ports).toEqual([expect.objectContaining({ port: 80, targetPort: 80 })]);
    const routed = importOk('services:\n  web:\n    image: x\n    ports: ["8080:80"]\n    labels: ["traefik.http.routers.w.rule=Host(`a.com`)"]\n');
    expect(service(routed, 'web').ports).toEqual([{ port: 80, protocol: 'tcp' }]);
  });

  it('a service without ports still gets a Service when a port is known (route, health check, expose)', () => {
    const r = importOk(`services:
  api:
    image: x
    healthcheck: {test: ["CMD", "wget", "-q", "http://127.0.0.1:3000/health"]}
  worker:
    image: x
    expose: ["9000"]
`);
    expect(service(r, 'api').ports).toEqual([{ port: 3000, protocol: 'tcp' }]);
    expect(service(r, 'worker').ports).toEqual([{ port: 9000, protocol: 'tcp' }]);
    const services = renderKubernetes(r.app, cluster).objects.filter((o) => o.kind === 'Service').map((o) => (o as K8sObject).metadata.name);
    expect(services.sort()).toEqual(['api', 'worker']);
  });

  it('restart no / on-failure stays as written and renders a Job, never a bare Pod', () => {
    const r = importOk('services:\n  migrate:\n    image: x\n    restart: "no"\n  retry:\n    image: x\n    restart: on-failure:3\n');
    expect(service(r, 'migrate').restart).toBe('no');
    expect(service(r, 'retry').restart).toBe('on-failure');
    const kinds = renderKubernetes(r.app, cluster).objects.map((o) => o.kind);
    expect(kinds).not.toContain('Pod');
    expect(kinds.filter((k) => k === 'Job')).toHaveLength(2);
  });

  it('normalises invalid names to DNS-1123, keeps the original in a warning, and reports collisions as errors', () => {
    const r = importOk('services:\n  foo_bar:\n    image: x\n  Foo.Baz:\n    image: x\n    depends_on: [foo_bar]\n');
    expect(Object.keys(r.app.services)).toEqual(['foo-bar', 'foo-baz']);
    expect(service(r, 'foo-baz').dependsOn).toEqual(['foo-bar']);
    expect(r.diagnostics.filter((d) => d.code === 'IMPORT_NAME_NORMALISED').map((d) => d.message)).toEqual([
      expect.stringContaining('"foo_bar"'),
      expect.stringContaining('"Foo.Baz"'),
    ]);
    const clash = importCompose('services:\n  foo_bar:\n    image: x\n  foo-bar:\n    image: x\n');
    expect(clash.app).toBeNull();
    expect(clash.diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', code: 'IMPORT_NAME_COLLISION' }));
  });

  it('env values are strings, never numbers (kubectl rejects numbers)', () => {
    const r = importOk('services:\n  a:\n    image: x\n    environment:\n      PORT: 8080\n      DEBUG: true\n');
    expect(service(r, 'a').env).toEqual({ PORT: '8080', DEBUG: 'true' });
    const deployment = objects('services:\n  a:\n    image: x\n    restart: always\n    environment:\n      PORT: 8080\n').find((o) => o.kind === 'Deployment')!;
    expect(containerOf(deployment).env).toEqual([{ name: 'PORT', value: '8080' }]);
  });
});
