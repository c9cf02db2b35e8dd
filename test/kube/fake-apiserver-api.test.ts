/**
 * The fake Kubernetes API server's strictness and semantics at the HTTP level, where kubectl hides the details:
 * auth, content types, Status shapes, dry run on every verb, resourceVersion conflicts, watch resourceVersion
 * semantics (410 Expired, bookmarks, timeoutSeconds), patches, selectors, garbage collection, shared ownership.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:https';
import { startFakeKubeApiServer, type FakeKube } from '../support/fake-kube/index.js';

type Rec = Record<string, unknown>;
interface Resp { status: number; headers: Record<string, string | string[] | undefined>; text: string; json: Rec }

describe('fake Kubernetes API server: HTTP semantics', () => {
  let kube: FakeKube;

  function call(method: string, path: string, body?: unknown, opts: { contentType?: string; token?: string | null } = {}): Promise<Resp> {
    const url = new URL(path, kube.url);
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string> = {};
    if (opts.token !== null) headers.Authorization = `Bearer ${opts.token ?? kube.token}`;
    if (data !== undefined) headers['Content-Type'] = opts.contentType ?? 'application/json';
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, ca: kube.caPem }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => { text += d.toString(); });
        res.on('end', () => {
          let json: Rec = {};
          try { json = JSON.parse(text) as Rec; } catch { /* not JSON */ }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      });
      req.on('error', reject);
      req.end(data);
    });
  }

  /** Opens a watch and collects its JSON lines until `until` matches or it ends. */
  function watchLines(path: string, until: (lines: Rec[]) => boolean, timeoutMs = 10_000): Promise<{ lines: Rec[]; ended: boolean; ms: number }> {
    const url = new URL(path, kube.url);
    const start = Date.now();
    return new Promise((resolve, reject) => {
      const lines: Rec[] = [];
      let buf = '';
      const req = request(url, { headers: { Authorization: `Bearer ${kube.token}` }, ca: kube.caPem }, (res) => {
        const finish = (ended: boolean) => { clearTimeout(t); req.destroy(); resolve({ lines, ended, ms: Date.now() - start }); };
        res.on('data', (d: Buffer) => {
          buf += d.toString();
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            lines.push(JSON.parse(buf.slice(0, i)) as Rec);
            buf = buf.slice(i + 1);
          }
          if (until(lines)) finish(false);
        });
        res.on('end', () => finish(true));
      });
      const t = setTimeout(() => { req.destroy(); reject(new Error(`watch timed out with ${JSON.stringify(lines)}`)); }, timeoutMs);
      req.on('error', () => undefined);
      req.end();
    });
  }

  const cm = (name: string, data: Rec = { a: '1' }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
  const dep = (name: string, extra: Rec = {}) => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }, { name: 'side', image: 'busybox:1.37' }] } }, ...extra },
  });
  const listRV = async () => String(((await call('GET', '/api/v1/namespaces/default/configmaps')).json.metadata as Rec).resourceVersion);

  beforeAll(async () => { kube = await startFakeKubeApiServer(); });
  afterAll(async () => { await kube?.stop(); });

  it('health, version, and bearer-token auth (no token and a wrong token are 401 Status Unauthorized)', async () => {
    expect((await call('GET', '/readyz')).text).toBe('ok');
    expect((await call('GET', '/livez')).status).toBe(200);
    expect((await call('GET', '/version')).json).toMatchObject({ major: '1', minor: '32' });
    for (const token of [null, 'wrong']) {
      const r = await call('GET', '/api/v1/namespaces', undefined, { token });
      expect(r.status).toBe(401);
      expect(r.json).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    }
    expect(kube.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(kube.caPem).toContain('BEGIN CERTIFICATE');
  });

  it('wrong content types are 415; apply without fieldManager is 400 with the real message', async () => {
    const a = await call('POST', '/api/v1/namespaces/default/configmaps', 'x', { contentType: 'text/plain' });
    expect(a.status).toBe(415);
    expect(a.json).toMatchObject({ kind: 'Status', reason: 'UnsupportedMediaType', code: 415 });
    expect(String(a.json.message)).toContain('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
    expect((await call('POST', '/api/v1/namespaces/default/configmaps', cm('ok'))).status).toBe(201);
    const p = await call('PATCH', '/api/v1/namespaces/default/configmaps/ok', { data: { b: '2' } }, { contentType: 'application/json' });
    expect(p.status).toBe(415);
    expect(String(p.json.message)).toContain('application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
    const s = await call('PATCH', '/api/v1/namespaces/default/configmaps/ok', cm('ok'), { contentType: 'application/apply-patch+yaml' });
    expect(s.status).toBe(400);
    expect(s.json).toMatchObject({ reason: 'BadRequest', message: 'PATCH requests with apply content type require a fieldManager', code: 400 });
  });

  it('invalid names are 422 Invalid with causes; a missing object is 404 with the real message', async () => {
    const r = await call('POST', '/apis/apps/v1/namespaces/default/deployments', dep('Bad_Name'));
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422, details: { name: 'Bad_Name', group: 'apps', kind: 'Deployment', causes: [{ reason: 'FieldValueInvalid', field: 'metadata.name' }] } });
    expect(String(r.json.message)).toMatch(/^Deployment\.apps "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    const svc = await call('POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: '1svc' }, spec: { ports: [{ port: 80 }] } });
    expect(String(svc.json.message)).toContain('a DNS-1035 label must consist of lower case alphanumeric characters');
    const g = await call('GET', '/apis/apps/v1/namespaces/default/deployments/none');
    expect(g.json).toMatchObject({ reason: 'NotFound', message: 'deployments.apps "none" not found', code: 404, details: { name: 'none', group: 'apps', kind: 'deployments' } });
  });

  it('fieldValidation: Strict rejects unknown fields, the default (Warn) drops them with a Warning header', async () => {
    const bad = { ...cm('strict'), bogus: true };
    const s = await call('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', bad);
    expect(s.status).toBe(400);
    expect(s.json.message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"');
    const w = await call('POST', '/api/v1/namespaces/default/configmaps', bad);
    expect(w.status).toBe(201);
    expect(w.headers.warning).toBe('299 - "unknown field \\"bogus\\""');
    expect(w.json).not.toHaveProperty('bogus');
    const ap = await call('PATCH', '/api/v1/namespaces/default/configmaps/applied?fieldManager=t', { ...cm('applied'), spec: {} }, { contentType: 'application/apply-patch+yaml' });
    expect(ap.status).toBe(400);
    expect(ap.json.message).toBe('failed to create typed patch object (default/applied; /v1, Kind=ConfigMap): .spec: field not declared in schema');
  });

  it('dryRun=All on POST, PUT, PATCH (merge and apply) and DELETE returns the result and stores nothing', async () => {
    await call('POST', '/api/v1/namespaces/default/configmaps', cm('dry-base'));
    const before = await listRV();
    const c = await call('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', cm('dry-new'));
    expect(c.status).toBe(201);
    expect((c.json.metadata as Rec).uid).toBeTruthy();
    const live = (await call('GET', '/api/v1/namespaces/default/configmaps/dry-base')).json;
    const u = await call('PUT', '/api/v1/namespaces/default/configmaps/dry-base?dryRun=All', { ...live, data: { a: 'put' } });
    expect((u.json.data as Rec).a).toBe('put');
    const m = await call('PATCH', '/api/v1/namespaces/default/configmaps/dry-base?dryRun=All', { data: { a: 'merge' } }, { contentType: 'application/merge-patch+json' });
    expect((m.json.data as Rec).a).toBe('merge');
    const ap = await call('PATCH', '/api/v1/namespaces/default/configmaps/dry-base?dryRun=All&fieldManager=berth&force=true', cm('dry-base', { a: 'apply' }), { contentType: 'application/apply-patch+yaml' });
    expect((ap.json.data as Rec).a).toBe('apply');
    const ap2 = await call('PATCH', '/api/v1/namespaces/default/configmaps/dry-applied?dryRun=All&fieldManager=berth', cm('dry-applied'), { contentType: 'application/apply-patch+yaml' });
    expect(ap2.status).toBe(201);
    const d = await call('DELETE', '/api/v1/namespaces/default/configmaps/dry-base?dryRun=All');
    expect(d.status).toBe(200);
    expect(await listRV()).toBe(before);
    const names = kube.objects('ConfigMap', 'default').map((o) => (o.metadata as Rec).name);
    expect(names).toContain('dry-base');
    expect(names).not.toContain('dry-new');
    expect(names).not.toContain('dry-applied');
    expect(kube.objects('ConfigMap', 'default').find((o) => (o.metadata as Rec).name === 'dry-base')?.data).toEqual({ a: '1' });
  });

  it('PUT with a stale resourceVersion is 409 Conflict; a no-op write keeps the resourceVersion', async () => {
    const live = (await call('GET', '/api/v1/namespaces/default/configmaps/dry-base')).json;
    const ok = await call('PUT', '/api/v1/namespaces/default/configmaps/dry-base', { ...live, data: { a: '2' } });
    expect(ok.status).toBe(200);
    const stale = await call('PUT', '/api/v1/namespaces/default/configmaps/dry-base', { ...live, data: { a: '3' } });
    expect(stale.status).toBe(409);
    expect(stale.json.message).toBe('Operation cannot be fulfilled on configmaps "dry-base": the object has been modified; please apply your changes to the latest version and try again');
    const same = await call('PUT', '/api/v1/namespaces/default/configmaps/dry-base', ok.json);
    expect((same.json.metadata as Rec).resourceVersion).toBe((ok.json.metadata as Rec).resourceVersion);
  });

  it('generation moves on spec changes only; immutable selector is 422', async () => {
    const c = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/gen?fieldManager=t', dep('gen'), { contentType: 'application/apply-patch+yaml' });
    expect(c.status).toBe(201);
    expect((c.json.metadata as Rec).generation).toBe(1);
    const l = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/gen', { metadata: { labels: { x: 'y' } } }, { contentType: 'application/merge-patch+json' });
    expect((l.json.metadata as Rec).generation).toBe(1);
    const s = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/gen', { spec: { replicas: 2 } }, { contentType: 'application/merge-patch+json' });
    expect((s.json.metadata as Rec).generation).toBe(2);
    const sel = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/gen', [{ op: 'replace', path: '/spec/selector/matchLabels/app', value: 'other' }, { op: 'replace', path: '/spec/template/metadata/labels/app', value: 'other' }], { contentType: 'application/json-patch+json' });
    expect(sel.status).toBe(422);
    expect(String(sel.json.message)).toMatch(/^Deployment\.apps "gen" is invalid: spec\.selector: Invalid value: .*: field is immutable$/);
  });

  it('strategic merge patch merges containers by name; JSON patch edits in place', async () => {
    const p = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/gen', { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } } }, { contentType: 'application/strategic-merge-patch+json' });
    expect(p.status).toBe(200);
    const cs = (((p.json.spec as Rec).template as Rec).spec as Rec).containers as Rec[];
    expect(cs.map((c) => `${String(c.name)}=${String(c.image)}`)).toEqual(['web=nginx:1.28', 'side=busybox:1.37']);
    const j = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/gen', [{ op: 'replace', path: '/spec/replicas', value: 3 }], { contentType: 'application/json-patch+json' });
    expect((j.json.spec as Rec).replicas).toBe(3);
  });

  it('apply merges keyed lists, shares ownership of equal values, and conflicts are 409 with FieldManagerConflict causes', async () => {
    const a = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/own?fieldManager=alpha', dep('own'), { contentType: 'application/apply-patch+yaml' });
    expect(a.status).toBe(201);
    const b = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/own?fieldManager=beta', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'own' }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'web', env: [{ name: 'X', value: '1' }] }] } } } }, { contentType: 'application/apply-patch+yaml' });
    expect(b.status).toBe(200);
    const cs = (((b.json.spec as Rec).template as Rec).spec as Rec).containers as Rec[];
    expect(cs[0]).toMatchObject({ name: 'web', image: 'nginx:1.27', env: [{ name: 'X', value: '1' }] });
    // alpha stops applying replicas: beta still owns it, so it stays
    const a2 = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/own?fieldManager=alpha', { ...dep('own'), spec: { ...dep('own').spec, replicas: undefined } }, { contentType: 'application/apply-patch+yaml' });
    expect((a2.json.spec as Rec).replicas).toBe(1);
    const c = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/own?fieldManager=alpha', { ...dep('own'), spec: { ...dep('own').spec, replicas: 5 } }, { contentType: 'application/apply-patch+yaml' });
    expect(c.status).toBe(409);
    expect(c.json).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409, message: 'Apply failed with 1 conflict: conflict with "beta": .spec.replicas', details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "beta"', field: '.spec.replicas' }] } });
  });

  it('list filters by labelSelector and fieldSelector; unsupported field labels are 400', async () => {
    await call('POST', '/api/v1/namespaces/default/configmaps', { ...cm('labelled'), metadata: { name: 'labelled', labels: { tier: 'web' } } });
    const l = await call('GET', '/api/v1/namespaces/default/configmaps?labelSelector=tier%20in%20(web,api)');
    expect((l.json.items as Rec[]).map((i) => (i.metadata as Rec).name)).toEqual(['labelled']);
    const f = await call('GET', '/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dok');
    expect((f.json.items as Rec[]).map((i) => (i.metadata as Rec).name)).toEqual(['ok']);
    expect(f.json).toMatchObject({ kind: 'ConfigMapList', apiVersion: 'v1' });
    const bad = await call('GET', '/api/v1/namespaces/default/configmaps?fieldSelector=data.a%3D1');
    expect(bad.status).toBe(400);
    expect(bad.json.message).toBe('field label not supported: data.a');
  });

  it('watch: events after the given resourceVersion, 410 Expired when too old, bookmarks, timeoutSeconds', async () => {
    const rv = await listRV();
    const w = watchLines(`/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`, (ls) => ls.length >= 2);
    await new Promise((r) => setTimeout(r, 100));
    await call('POST', '/api/v1/namespaces/default/configmaps', cm('w1'));
    await call('DELETE', '/api/v1/namespaces/default/configmaps/w1');
    const got = await w;
    expect(got.lines.map((l) => `${String(l.type)} ${String(((l.object as Rec).metadata as Rec).name)}`)).toEqual(['ADDED w1', 'DELETED w1']);
    // replay from history: a watch from the same resourceVersion started afterwards sees the same events
    const replay = await watchLines(`/api/v1/watch/namespaces/default/configmaps?resourceVersion=${rv}`, (ls) => ls.length >= 2);
    expect(replay.lines.map((l) => l.type)).toEqual(['ADDED', 'DELETED']);
    const old = await watchLines('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=5', (ls) => ls.length >= 1);
    expect(old.lines[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 } });
    expect(String((old.lines[0]?.object as Rec).message)).toMatch(/^too old resource version: 5 \(\d+\)$/);
    const initial = await watchLines('/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan', (ls) => ls.some((l) => l.type === 'BOOKMARK'));
    const bm = initial.lines.find((l) => l.type === 'BOOKMARK');
    expect((((bm?.object as Rec).metadata as Rec).annotations as Rec)['k8s.io/initial-events-end']).toBe('true');
    expect(initial.lines.filter((l) => l.type === 'ADDED').length).toBeGreaterThan(2);
    const t = await watchLines(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${await listRV()}&timeoutSeconds=1`, () => false);
    expect(t.ended).toBe(true);
    expect(t.ms).toBeGreaterThanOrEqual(900);
  });

  it('a single-object watch (fieldSelector metadata.name) sees only that object', async () => {
    const w = watchLines(`/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=metadata.name%3Done&resourceVersion=${await listRV()}`, (ls) => ls.length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    await call('POST', '/api/v1/namespaces/default/configmaps', cm('other'));
    await call('POST', '/api/v1/namespaces/default/configmaps', cm('one'));
    const got = await w;
    expect(((got.lines[0]?.object as Rec).metadata as Rec).name).toBe('one');
  });

  it('a label-selector watch sees an object leaving the selection as DELETED and entering it as ADDED', async () => {
    const rv = await listRV();
    const w = watchLines(`/api/v1/namespaces/default/configmaps?watch=true&labelSelector=tier%3Dweb&resourceVersion=${rv}`, (ls) => ls.length >= 2);
    await new Promise((r) => setTimeout(r, 100));
    await call('PATCH', '/api/v1/namespaces/default/configmaps/labelled', { metadata: { labels: { tier: null } } }, { contentType: 'application/merge-patch+json' });
    await call('PATCH', '/api/v1/namespaces/default/configmaps/labelled', { metadata: { labels: { tier: 'web' } } }, { contentType: 'application/merge-patch+json' });
    expect((await w).lines.map((l) => l.type)).toEqual(['DELETED', 'ADDED']);
  });

  it('DELETE answers as the real registries do: a Status for most kinds, the object for pods (graceful: Terminating first)', async () => {
    const s = await call('DELETE', '/api/v1/namespaces/default/configmaps/other');
    expect(s.json).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'other', kind: 'configmaps' } });
    expect((await call('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'doomed' }, spec: { containers: [{ name: 'c', image: 'busybox:1.37' }] } })).status).toBe(201);
    const p = await call('DELETE', '/api/v1/namespaces/default/pods/doomed');
    expect(p.status).toBe(200);
    expect(p.json).toMatchObject({ kind: 'Pod', metadata: { name: 'doomed', deletionGracePeriodSeconds: 30 } });
    expect((p.json.metadata as Rec).deletionTimestamp).toBeTruthy();
    for (let i = 0; i < 40 && (await call('GET', '/api/v1/namespaces/default/pods/doomed')).status === 200; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await call('GET', '/api/v1/namespaces/default/pods/doomed')).status).toBe(404);
  });

  it('delete with propagationPolicy=Orphan keeps the ReplicaSet; Background deletes it; namespaces are required', async () => {
    for (let i = 0; i < 100 && kube.objects('ReplicaSet', 'default').filter((r) => ((r.metadata as Rec).name as string).startsWith('own-')).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    const o = await call('DELETE', '/apis/apps/v1/namespaces/default/deployments/own?propagationPolicy=Orphan');
    expect(o.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    const rs = kube.objects('ReplicaSet', 'default').find((r) => ((r.metadata as Rec).name as string).startsWith('own-'));
    expect(rs).toBeTruthy();
    expect((rs?.metadata as Rec).ownerReferences).toBeUndefined();
    const ns = await call('POST', '/api/v1/namespaces/missing/configmaps', cm('x'));
    expect(ns.json).toMatchObject({ reason: 'NotFound', message: 'namespaces "missing" not found' });
    const created = await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    expect(created.status).toBe(201);
    expect((await call('POST', '/api/v1/namespaces/shop/configmaps', cm('x'))).status).toBe(201);
    const bad = await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Shop.Prod' } });
    expect(bad.status).toBe(422);
    expect(String(bad.json.message)).toContain('a lowercase RFC 1123 label must consist of lower case alphanumeric characters');
  });

  it('records requests with content type, field manager and dry run for assertions', () => {
    const r = kube.requests.find((x) => x.dryRun && x.fieldManager === 'berth');
    expect(r).toMatchObject({ method: 'PATCH', path: '/api/v1/namespaces/default/configmaps/dry-base', contentType: 'application/apply-patch+yaml' });
    expect(r?.query).toContain('dryRun=All');
  });
});
