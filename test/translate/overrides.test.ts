import { describe, expect, it } from 'vitest';
import { load, loadAll } from 'js-yaml';
import { applyEdit, renderApp } from '../../shared/translate/index.js';
import type { App, Destination } from '../../shared/model/app.js';
import { app, caddy, cluster, errors } from './support/apps.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rendered YAML
const base = () => app({ web: { image: 'nginx:1', ports: [{ port: 80 }], routes: [{ domain: 'a.test', port: 80 }], env: { PASS: { secret: 'p' } } }, db: { image: 'postgres:16' } });
const main = (a: App, d: Destination = caddy) => renderApp(a, d).files[0]!.content;

describe('overrides from edited compose.yaml', () => {
  const edit = (a: App) => {
    const doc = load(main(a)) as Obj;
    // Keys the definition does not model (a lifted edit is in lift-edits.test.ts), and one Berth renders itself.
    doc.services.web.pids_limit = 100;
    doc.services.web.labels['berth.app'] = 'other';
    return applyEdit(a, caddy, 'compose.yaml', JSON.stringify(doc));
  };

  it('stores only the difference, as a merge patch per object, and applies it on render', () => {
    const { app: edited, diagnostics } = edit(base());
    expect(diagnostics).toEqual([]);
    expect(edited.overrides).toEqual([{ target: 'compose', kind: 'service', name: 'web', patch: { pids_limit: 100, labels: { 'berth.app': 'other' } } }]);
    const result = renderApp(edited, caddy);
    expect(result.overrides).toEqual([{ kind: 'service', name: 'web', target: 'compose', applied: true }]);
    expect((load(result.files[0]!.content) as Obj).services.web.pids_limit).toBe(100);
  });

  it('survives a later change made in the form', () => {
    const { app: edited } = edit(base());
    const changed: App = { ...edited, services: { ...edited.services, web: { ...edited.services.web!, image: 'nginx:2' } } };
    const web = (load(main(changed)) as Obj).services.web;
    expect(web.image).toBe('nginx:2');
    expect(web.pids_limit).toBe(100);
  });

  it('is flagged, not dropped, when its object no longer exists', () => {
    const { app: edited } = edit(base());
    const { web: _gone, ...rest } = edited.services;
    const result = renderApp({ ...edited, services: rest }, caddy);
    expect(result.overrides).toEqual([{ kind: 'service', name: 'web', target: 'compose', applied: false }]);
    const again = applyEdit({ ...edited, services: rest }, caddy, 'compose.yaml', result.files[0]!.content);
    expect(again.app.overrides).toHaveLength(1);
  });

  it('is removed by editing the change back', () => {
    const { app: edited } = edit(base());
    const reverted = applyEdit(edited, caddy, 'compose.yaml', main(base()));
    expect(reverted.app.overrides).toEqual([]);
  });

  it('reports bad YAML with its line and column and leaves the app unchanged', () => {
    const a = base();
    const result = applyEdit(a, caddy, 'compose.yaml', 'services:\n  web:\n    image: [unclosed\n');
    expect(result.app).toBe(a);
    expect(result.diagnostics).toEqual([expect.objectContaining({ severity: 'error', code: 'EDIT_PARSE_ERROR', file: 'compose.yaml', line: expect.any(Number), column: expect.any(Number) })]);
    expect(result.diagnostics[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('keeps caddy.json edits per route', () => {
    const a = base();
    const caddyFile = renderApp(a, caddy).files.find((f) => f.path === 'caddy.json')!;
    const doc = JSON.parse(caddyFile.content);
    doc.apps.http.servers['berth-https'].routes[0].handle.unshift({ handler: 'headers', response: { set: { 'X-Frame-Options': ['DENY'] } } });
    const { app: edited } = applyEdit(a, caddy, 'caddy.json', JSON.stringify(doc));
    expect(edited.overrides).toEqual([expect.objectContaining({ kind: 'caddy', name: 'berth-shop-web-0' })]);
    const rendered = JSON.parse(renderApp(edited, caddy).files.find((f) => f.path === 'caddy.json')!.content);
    expect(rendered.apps.http.servers['berth-https'].routes[0].handle[0].handler).toBe('headers');
  });
});

describe('overrides from edited kubernetes.yaml', () => {
  it('patches one object and validates the result', () => {
    const a = base();
    const docs = loadAll(main(a, cluster)) as Obj[];
    docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'web')!.spec.revisionHistoryLimit = 4;
    const { app: edited } = applyEdit(a, cluster, 'kubernetes.yaml', docs.map((d) => JSON.stringify(d)).join('\n---\n'));
    expect(edited.overrides).toEqual([{ target: 'kubernetes', kind: 'Deployment', name: 'web', patch: { spec: { revisionHistoryLimit: 4 } } }]);
    const result = renderApp(edited, cluster);
    expect(errors(result.diagnostics)).toEqual([]);
    expect((loadAll(result.files[0]!.content) as Obj[]).find((d) => d.kind === 'Deployment' && d.metadata.name === 'web')!.spec.revisionHistoryLimit).toBe(4);
  });

  it('never stores Secret values', () => {
    const a = base();
    const docs = loadAll(main(a, cluster)) as Obj[];
    docs.find((d) => d.kind === 'Secret')!.stringData.p = 'plaintext';
    const result = applyEdit(a, cluster, 'kubernetes.yaml', docs.map((d) => JSON.stringify(d)).join('\n---\n'));
    expect(result.app.overrides).toEqual([]);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['SECRET_EDIT_IGNORED']);
  });

  it('lets validation catch an override that breaks the render', () => {
    const a: App = { ...base(), overrides: [
      { target: 'kubernetes', kind: 'Deployment', name: 'web', patch: { spec: { replica: 2 } } },
      { target: 'kubernetes', kind: 'Ingress', name: 'web', patch: { spec: { rules: [{ host: 'a.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 9999 } } } }] } }] } } },
      { target: 'kubernetes', kind: 'Service', name: 'web', patch: { spec: { selector: { 'app.kubernetes.io/name': 'nothing' } } } },
    ] };
    const codes = errors(renderApp(a, cluster).diagnostics).map((d) => d.code);
    expect(codes).toEqual(expect.arrayContaining(['K8S_UNKNOWN_FIELD', 'K8S_BACKEND_PORT_MISSING', 'K8S_SERVICE_SELECTS_NOTHING']));
  });

  it('lets the compose schema catch an override with an unknown key', () => {
    const a: App = { ...base(), overrides: [{ target: 'compose', kind: 'service', name: 'web', patch: { restrat: 'always' } }] };
    expect(errors(renderApp(a, caddy).diagnostics)).toEqual([expect.objectContaining({ code: 'COMPOSE_SCHEMA', field: 'services.web' })]);
  });
});
