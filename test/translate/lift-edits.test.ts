import { describe, expect, it } from 'vitest';
import { load, loadAll } from 'js-yaml';
import { applyEdit, renderApp } from '../../shared/translate/index.js';
import type { App, Destination } from '../../shared/model/app.js';
import { overriddenFields } from '../../shared/translate/override-shadows.js';
import { app, caddy, cluster, noProxy } from './support/apps.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rendered YAML

const base = () => app({
  web: {
    image: 'nginx:1.27', ports: [{ port: 80 }, { port: 9000, publish: 9000 }], routes: [{ domain: 'a.test', port: 80 }],
    env: { MODE: 'prod', PASS: { secret: 'p' } }, mounts: [{ volume: 'data', path: '/data' }],
    healthcheck: { http: { path: '/health', port: 80 } }, resources: { limits: { cpus: 0.5, memory: '256Mi' } },
  },
  db: { image: 'postgres:16' },
}, { volumes: { data: {} } });

function composeDoc(a: App, d: Destination = caddy): Obj {
  return load(renderApp(a, d).files[0]!.content) as Obj;
}
function kubeDocs(a: App): Obj[] {
  return loadAll(renderApp(a, cluster).files[0]!.content) as Obj[];
}
const deployment = (docs: Obj[]) => docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'web')!;

/** Edits compose.yaml's web service, then checks that the render of the result is exactly the edit. */
function editCompose(a: App, change: (web: Obj) => void, d: Destination = caddy) {
  const doc = composeDoc(a, d);
  change(doc.services.web);
  const result = applyEdit(a, d, 'compose.yaml', JSON.stringify(doc));
  expect(composeDoc(result.app, d).services.web).toEqual(doc.services.web);
  return result.app;
}
function editKube(a: App, change: (container: Obj, workload: Obj) => void) {
  const docs = kubeDocs(a);
  const w = deployment(docs);
  change(w.spec.template.spec.containers[0], w);
  const result = applyEdit(a, cluster, 'kubernetes.yaml', docs.map((x) => JSON.stringify(x)).join('\n---\n'));
  expect(deployment(kubeDocs(result.app))).toEqual(w);
  return result.app;
}
const webOverrides = (a: App) => a.overrides.filter((o) => o.name === 'web');

describe('edits of compose.yaml that the definition models change the definition', () => {
  const cases: Array<[string, (web: Obj) => void, (a: App) => unknown, unknown]> = [
    ['image', (w) => { w.image = 'nginx:1.28'; }, (a) => a.services.web!.image, 'nginx:1.28'],
    ['env value', (w) => { w.environment.MODE = 'dev'; }, (a) => a.services.web!.env.MODE, 'dev'],
    ['new env with a dollar', (w) => { w.environment.PRICE = '$$5'; }, (a) => a.services.web!.env.PRICE, '$5'],
    ['env keeps its secrets', (w) => { delete w.environment; }, (a) => a.services.web!.env, { PASS: { secret: 'p', scope: 'runtime' } }],
    ['replicas', (w) => { w.deploy.replicas = 3; }, (a) => a.services.web!.replicas, 3],
    ['resources', (w) => { w.deploy.resources.limits.memory = '1g'; }, (a) => a.services.web!.resources?.limits?.memory, '1Gi'],
    ['published port', (w) => { w.ports[0].published = '9001'; }, (a) => a.services.web!.ports[1], { port: 9000, protocol: 'tcp', publish: 9001 }],
    ['health check timing', (w) => { w.healthcheck.interval = '60s'; w.healthcheck.retries = 5; }, (a) => [a.services.web!.healthcheck?.intervalSeconds, a.services.web!.healthcheck?.retries, a.services.web!.healthcheck?.http], [60, 5, { path: '/health', port: 80 }]],
    ['health check command', (w) => { w.healthcheck.test = ['CMD', 'true']; }, (a) => a.services.web!.healthcheck?.command, ['true']],
    ['command', (w) => { w.command = ['nginx', '-g', 'daemon off;']; }, (a) => a.services.web!.command, ['nginx', '-g', 'daemon off;']],
    ['mounts', (w) => { w.volumes = ['data:/data:ro', './conf:/etc/nginx/conf.d']; }, (a) => a.services.web!.mounts, [{ volume: 'data', path: '/data', readOnly: true }, { hostPath: './conf', path: '/etc/nginx/conf.d', readOnly: false }]],
    ['restart', (w) => { w.restart = 'always'; }, (a) => a.services.web!.restart, 'always'],
    ['depends_on', (w) => { w.depends_on = { db: { condition: 'service_started' } }; }, (a) => a.services.web!.dependsOn, ['db']],
    ['cap_add', (w) => { w.cap_add = ['NET_ADMIN']; }, (a) => a.services.web!.capAdd, ['NET_ADMIN']],
    ['stop_signal', (w) => { w.stop_signal = 'SIGQUIT'; }, (a) => a.services.web!.stopSignal, 'SIGQUIT'],
    ['stop_grace_period', (w) => { w.stop_grace_period = '45s'; }, (a) => a.services.web!.stopGracePeriodSeconds, 45],
    ['user labels', (w) => { w.labels['com.example.team'] = 'web'; }, (a) => a.services.web!.labels, { 'com.example.team': 'web' }],
  ];
  for (const [what, change, read, expected] of cases) {
    it(what, () => {
      const lifted = editCompose(base(), change);
      expect(read(lifted)).toEqual(expected);
      expect(webOverrides(lifted)).toEqual([]);
    });
  }

  it('reaches the Kubernetes render too', () => {
    const lifted = editCompose(base(), (w) => { w.image = 'nginx:1.28'; });
    expect(deployment(kubeDocs(lifted)).spec.template.spec.containers[0].image).toBe('nginx:1.28');
  });

  it('keeps what the definition cannot express as an override, and lifts the rest of the same edit', () => {
    const lifted = editCompose(base(), (w) => { w.image = 'nginx:1.28'; w.pids_limit = 100; w.labels['berth.app'] = 'other'; });
    expect(lifted.services.web!.image).toBe('nginx:1.28');
    expect(webOverrides(lifted)).toEqual([{ target: 'compose', kind: 'service', name: 'web', patch: { pids_limit: 100, labels: { 'berth.app': 'other' } } }]);
  });

  it('leaves an existing override alone until its slot is edited', () => {
    const withOverride: App = { ...base(), overrides: [{ target: 'compose', kind: 'service', name: 'web', patch: { image: 'nginx:custom' } }] };
    const other = editCompose(withOverride, (w) => { w.restart = 'always'; });
    expect(other.services.web!.image).toBe('nginx:1.27');
    expect(webOverrides(other)).toEqual([{ target: 'compose', kind: 'service', name: 'web', patch: { image: 'nginx:custom' } }]);
    const taken = editCompose(withOverride, (w) => { w.image = 'nginx:1.30'; });
    expect(taken.services.web!.image).toBe('nginx:1.30');
    expect(webOverrides(taken)).toEqual([]);
  });

  it('keeps a lone $ (compose interpolation) as an override', () => {
    const lifted = editCompose(base(), (w) => { w.environment.MODE = '${MODE}'; });
    expect(lifted.services.web!.env.MODE).toBe('prod');
    expect(webOverrides(lifted)[0]!.patch).toEqual({ environment: { MODE: '${MODE}' } });
  });

  it('publishes on a destination without a proxy', () => {
    const lifted = editCompose(base(), (w) => { w.ports[0].published = '8080'; }, noProxy);
    expect(lifted.services.web!.ports[0]).toEqual({ port: 80, protocol: 'tcp', publish: 8080 });
  });
});

describe('edits of kubernetes.yaml that the definition models change the definition', () => {
  const cases: Array<[string, (c: Obj, w: Obj) => void, (a: App) => unknown, unknown]> = [
    ['image', (c) => { c.image = 'nginx:1.28'; }, (a) => a.services.web!.image, 'nginx:1.28'],
    ['env', (c) => { c.env.find((e: Obj) => e.name === 'MODE').value = 'dev'; }, (a) => a.services.web!.env, { MODE: 'dev', PASS: { secret: 'p', scope: 'runtime' } }],
    ['replicas', (_c, w) => { w.spec.replicas = 0; }, (a) => a.services.web!.replicas, 0],
    ['resources', (c) => { c.resources.limits.cpu = '2'; c.resources.requests = { memory: '128Mi' }; }, (a) => a.services.web!.resources, { limits: { cpus: 2, memory: '256Mi' }, reservations: { memory: '128Mi' } }],
    ['ports', (c) => { c.ports.push({ name: 'tcp-81', containerPort: 81, protocol: 'TCP' }); }, (a) => a.services.web!.ports.map((p) => p.port), [80, 9000, 81]],
    ['probe timing', (c) => { for (const p of ['readinessProbe', 'livenessProbe']) c[p].periodSeconds = 10; }, (a) => a.services.web!.healthcheck?.intervalSeconds, 10],
    ['args', (c) => { c.args = ['--debug']; }, (a) => a.services.web!.command, ['--debug']],
    ['capabilities', (c) => { c.securityContext = { capabilities: { add: ['NET_ADMIN'] } }; }, (a) => a.services.web!.capAdd, ['NET_ADMIN']],
    ['grace period', (_c, w) => { w.spec.template.spec.terminationGracePeriodSeconds = 20; }, (a) => a.services.web!.stopGracePeriodSeconds, 20],
  ];
  for (const [what, change, read, expected] of cases) {
    it(what, () => {
      const lifted = editKube(base(), change);
      expect(read(lifted)).toEqual(expected);
      expect(webOverrides(lifted)).toEqual([]);
    });
  }

  it('reaches compose too', () => {
    const lifted = editKube(base(), (c) => { c.image = 'nginx:1.30'; });
    expect(composeDoc(lifted).services.web.image).toBe('nginx:1.30');
  });

  it('keeps an unmodelled container field as an override of the Deployment', () => {
    const lifted = editKube(base(), (c) => { c.imagePullPolicy = 'Always'; });
    expect(lifted.services.web!.image).toBe('nginx:1.27');
    expect(webOverrides(lifted)).toHaveLength(1);
    expect(webOverrides(lifted)[0]!.kind).toBe('Deployment');
  });
});

describe('fields an override hides', () => {
  it('are listed for the form, per target and file', () => {
    const a: App = { ...base(), overrides: [
      { target: 'compose', kind: 'service', name: 'web', patch: { image: 'nginx:custom', environment: { MODE: 'x' }, pids_limit: 5 } },
      { target: 'kubernetes', kind: 'Deployment', name: 'web', patch: { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27', imagePullPolicy: 'Always' }] } } } } },
    ] };
    const shadows = overriddenFields(a);
    expect(shadows.filter((s) => s.target === 'compose').map((s) => s.field)).toEqual(['services.web.image', 'services.web.env.MODE']);
    expect(shadows.find((s) => s.target === 'kubernetes' && s.field === 'services.web.image')).toMatchObject({ file: 'kubernetes.yaml', kind: 'Deployment', name: 'web' });
  });

  it('are reported in Problems when the override makes the target differ from the form', () => {
    const edited = editKube(base(), (c) => { c.imagePullPolicy = 'Always'; });
    expect(renderApp(edited, cluster).diagnostics.filter((d) => d.code === 'OVERRIDE_HIDES_FIELD')).toEqual([]);
    const changed: App = { ...edited, services: { ...edited.services, web: { ...edited.services.web!, image: 'nginx:1.30' } } };
    const hidden = renderApp(changed, cluster).diagnostics.filter((d) => d.code === 'OVERRIDE_HIDES_FIELD');
    expect(hidden.map((d) => d.field)).toEqual(['services.web.image']);
    expect(hidden[0]!.message).toContain('kubernetes.yaml');
    // The other target has no override: the change reaches it, and nothing is reported there.
    expect(composeDoc(changed).services.web.image).toBe('nginx:1.30');
    expect(renderApp(changed, caddy).diagnostics.filter((d) => d.code === 'OVERRIDE_HIDES_FIELD')).toEqual([]);
  });
});
