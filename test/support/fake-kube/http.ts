/**
 * HTTP layer of the fake Kubernetes API server: bearer-token auth, health and version, discovery, OpenAPI, and the
 * REST paths of every served kind (collections, items, status/scale subresources, watch in both spellings).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { KubeError, badRequest, notFoundPath, successStatus, unauthorized, methodNotAllowed } from './errors.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, findResource, apiVersionOf, type ResourceType } from './resources.js';
import { openapiV2, openapiV3Doc, openapiV3Index } from './openapi.js';
import type { KubeApi, WriteOptions } from './api.js';
import { clone, type KObj, type WatchEvent } from './store.js';
import { partial, toTable, wantsMetadata, wantsTable } from './table.js';
import { decodeProtobufObject } from './protobuf.js';
import { matchesSelectors, parseFieldSelector, parseLabelSelector, type Selectors } from './selectors.js';

type Rec = Record<string, unknown>;

export interface RequestRecord { method: string; path: string; query: string; contentType?: string; fieldManager?: string; dryRun?: boolean }

export interface RouteTarget {
  r: ResourceType;
  namespace: string;       // '' for cluster-scoped or all namespaces
  allNamespaces: boolean;
  name?: string;
  subresource?: string;
  watchPath: boolean;
}

export interface HttpContext {
  api: KubeApi;
  token: string;
  serverAddress: string;
  requests: RequestRecord[];
  bookmarkIntervalMs: number;
  logs(req: IncomingMessage, res: ServerResponse, t: RouteTarget, q: URLSearchParams): void;
}

export function authorized(req: IncomingMessage, token: string): boolean {
  const h = req.headers.authorization ?? '';
  return h === `Bearer ${token}`;
}

export function sendJSON(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, e: unknown): void {
  if (e instanceof KubeError) { sendJSON(res, e.code, e.status()); return; }
  const err = new KubeError(500, 'InternalError', `Internal error occurred: ${(e as Error)?.message ?? String(e)}`);
  sendJSON(res, 500, err.status());
}

/** Parses `/api/v1/...` and `/apis/<g>/<v>/...` into the resource they name. */
export function parseResourcePath(path: string): RouteTarget | undefined {
  const segs = path.split('/').filter((s) => s !== '').map(decodeURIComponent);
  let group = '';
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 3) { version = segs[1] as string; rest = segs.slice(2); }
  else if (segs[0] === 'apis' && segs.length >= 4) { group = segs[1] as string; version = segs[2] as string; rest = segs.slice(3); }
  else return undefined;
  let watchPath = false;
  if (rest[0] === 'watch') { watchPath = true; rest = rest.slice(1); }
  let namespace = '';
  let allNamespaces = true;
  if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status' && rest[2] !== 'finalize') {
    namespace = rest[1] as string;
    allNamespaces = false;
    rest = rest.slice(2);
  }
  const r = findResource(group, version, rest[0] ?? '');
  if (!r) return undefined;
  if (!r.namespaced) { allNamespaces = false; namespace = ''; }
  if (r.namespaced && allNamespaces && rest.length > 1) return undefined;
  if (rest.length > 3) return undefined;
  return { r, namespace, allNamespaces, name: rest[1], subresource: rest[2], watchPath };
}

export async function readBody(req: IncomingMessage, limit = 8 * 1024 * 1024): Promise<string> {
  return (await readBodyBytes(req, limit)).toString('utf8');
}

export function readBodyBytes(req: IncomingMessage, limit = 8 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > limit) { reject(new KubeError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728')); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function decodeObjectBody(bytes: Buffer, contentType: string, r: ResourceType): Rec {
  const ct = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (ct === 'application/vnd.kubernetes.protobuf') return decodeProtobufObject(bytes, r);
  const raw = bytes.toString('utf8');
  if (ct !== '' && ct !== 'application/json' && ct !== 'application/yaml' && ct !== '*/*') {
    throw new KubeError(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
  }
  try {
    const v = ct === 'application/yaml' ? parseYaml(raw) as unknown : JSON.parse(raw) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Rec;
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

function writeOptions(q: URLSearchParams, req: IncomingMessage, subresource?: string): WriteOptions {
  const dry = q.getAll('dryRun');
  for (const d of dry) if (d !== 'All') throw badRequest(`Invalid dry run value: ${d}`);
  const fv = q.get('fieldValidation') ?? undefined;
  if (fv !== undefined && !['Strict', 'Warn', 'Ignore'].includes(fv)) {
    throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got "${fv}"`);
  }
  const force = q.get('force');
  return {
    dryRun: dry.length > 0,
    fieldManager: q.get('fieldManager') ?? undefined,
    fieldValidation: fv,
    force: force === 'true' || force === '1',
    subresource,
    userAgent: req.headers['user-agent'],
  };
}

function warningHeaders(ws: string[]): Record<string, string> {
  if (ws.length === 0) return {};
  return { Warning: ws.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') };
}

function listKind(r: ResourceType): string {
  return `${r.kind}List`;
}

function selectorsFrom(q: URLSearchParams, t: RouteTarget): Selectors {
  const sel: Selectors = { labels: parseLabelSelector(q.get('labelSelector') ?? ''), fields: parseFieldSelector(t.r, q.get('fieldSelector') ?? '') };
  if (t.name) sel.fields.push({ key: 'metadata.name', op: '=', value: t.name });
  return sel;
}

export async function handleRequest(ctx: HttpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://fake-kube.invalid');
  const path = url.pathname;
  const q = url.searchParams;
  const method = (req.method ?? 'GET').toUpperCase();
  const dryRun = q.getAll('dryRun').length > 0;
  ctx.requests.push({
    method, path, query: url.search.replace(/^\?/, ''),
    ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
    ...(q.get('fieldManager') ? { fieldManager: q.get('fieldManager') as string } : {}),
    ...(dryRun ? { dryRun } : {}),
  });
  try {
    if (!authorized(req, ctx.token)) throw unauthorized();
    if (method === 'GET' && (path === '/readyz' || path === '/livez' || path === '/healthz')) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    if (method === 'GET' && path === '/version') {
      sendJSON(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0-fake-kube', gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2024-12-11T00:00:00Z', goVersion: 'go1.23.4', compiler: 'gc', platform: 'linux/amd64' });
      return;
    }
    if (method === 'GET' && path === '/api') { sendJSON(res, 200, apiVersions(ctx.serverAddress)); return; }
    if (method === 'GET' && path === '/apis') { sendJSON(res, 200, apiGroupList()); return; }
    if (method === 'GET' && path === '/openapi/v2') {
      const accept = req.headers.accept ?? '';
      if (accept.includes('protobuf') && !accept.includes('json')) throw new KubeError(406, 'NotAcceptable', 'only application/json is served by the fake API server');
      sendJSON(res, 200, openapiV2());
      return;
    }
    if (method === 'GET' && path === '/openapi/v3') { sendJSON(res, 200, openapiV3Index()); return; }
    if (method === 'GET' && path.startsWith('/openapi/v3/')) {
      const d = openapiV3Doc(path.slice('/openapi/v3/'.length));
      if (!d) throw notFoundPath();
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'public, immutable', 'Content-Length': Buffer.byteLength(d) });
      res.end(d);
      return;
    }
    {
      const segs = path.split('/').filter(Boolean);
      if (method === 'GET' && segs[0] === 'api' && segs.length === 2) {
        const l = apiResourceList('', segs[1] as string);
        if (!l) throw notFoundPath();
        sendJSON(res, 200, l); return;
      }
      if (method === 'GET' && segs[0] === 'apis' && segs.length === 2) {
        const g = apiGroup(segs[1] as string);
        if (!g) throw notFoundPath();
        sendJSON(res, 200, g); return;
      }
      if (method === 'GET' && segs[0] === 'apis' && segs.length === 3) {
        const l = apiResourceList(segs[1] as string, segs[2] as string);
        if (!l) throw notFoundPath();
        sendJSON(res, 200, l); return;
      }
    }
    const t = parseResourcePath(path);
    if (!t) throw notFoundPath();
    await handleResource(ctx, req, res, t, q, method);
  } catch (e) {
    if (!res.headersSent) sendError(res, e);
    else res.end();
  }
}

async function handleResource(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, t: RouteTarget, q: URLSearchParams, method: string): Promise<void> {
  const { api } = ctx;
  const { r } = t;
  const ns = t.namespace;
  const isWatch = t.watchPath || q.get('watch') === 'true' || q.get('watch') === '1';
  const sub = t.subresource;
  if (sub && !r.subresources.includes(sub)) throw notFoundPath();
  if (sub === 'log') { if (method !== 'GET') throw methodNotAllowed(); ctx.logs(req, res, t, q); return; }
  if (sub === 'exec' || sub === 'portforward' || sub === 'attach') {
    throw badRequest('Upgrade request required');
  }

  if (!t.name) {
    if (method === 'GET' && isWatch) { serveWatch(ctx, req, res, t, q); return; }
    if (method === 'GET') {
      const sel = selectorsFrom(q, t);
      let items = api.store.list(r, t.allNamespaces ? undefined : ns).filter((o) => matchesSelectors(o, sel));
      const rv = String(api.store.currentRV());
      const limit = Number(q.get('limit') ?? 0);
      const cont = q.get('continue');
      let next = '';
      let start = 0;
      if (cont) {
        try { start = Number((JSON.parse(Buffer.from(cont, 'base64').toString()) as { start: number }).start); } catch { throw badRequest('continue key is not valid'); }
      }
      items = items.slice(start);
      let remaining: number | undefined;
      if (limit > 0 && items.length > limit) {
        remaining = items.length - limit;
        items = items.slice(0, limit);
        next = Buffer.from(JSON.stringify({ start: start + limit, rv })).toString('base64');
      }
      if (wantsTable(req.headers.accept)) {
        const table = toTable(r, items, rv, q.get('includeObject') ?? undefined);
        if (next) (table.metadata as Rec).continue = next;
        sendJSON(res, 200, table);
        return;
      }
      const metadata: Rec = { resourceVersion: rv };
      if (next) { metadata.continue = next; metadata.remainingItemCount = remaining; }
      if (wantsMetadata(req.headers.accept)) {
        sendJSON(res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata, items: items.map(partial) });
        return;
      }
      sendJSON(res, 200, { kind: listKind(r), apiVersion: apiVersionOf(r), metadata, items });
      return;
    }
    if (method === 'POST') {
      if (t.allNamespaces && r.namespaced) throw methodNotAllowed();
      const body = decodeObjectBody(await readBodyBytes(req), String(req.headers['content-type'] ?? ''), r);
      const out = api.create(r, ns, body, writeOptions(q, req));
      sendJSON(res, 201, out.object, warningHeaders(out.warnings));
      return;
    }
    if (method === 'DELETE') {
      const sel = selectorsFrom(q, t);
      const items = api.store.list(r, t.allNamespaces ? undefined : ns).filter((o) => matchesSelectors(o, sel));
      const o = writeOptions(q, req);
      const deleted = items.map((x) => api.delete(r, String(x.metadata.namespace ?? ''), String(x.metadata.name), { dryRun: o.dryRun, propagationPolicy: q.get('propagationPolicy') ?? undefined }));
      sendJSON(res, 200, { kind: listKind(r), apiVersion: apiVersionOf(r), metadata: { resourceVersion: String(api.store.currentRV()) }, items: deleted });
      return;
    }
    throw methodNotAllowed();
  }

  const name = t.name;
  if (method === 'GET' && isWatch) { serveWatch(ctx, req, res, t, q); return; }
  if (sub === 'scale') { await handleScale(ctx, req, res, t, q, method); return; }
  if (method === 'GET') {
    const o = api.get(r, ns, name);
    if (wantsTable(req.headers.accept)) { sendJSON(res, 200, toTable(r, [o], String(o.metadata.resourceVersion), q.get('includeObject') ?? undefined)); return; }
    if (wantsMetadata(req.headers.accept)) { sendJSON(res, 200, partial(o)); return; }
    sendJSON(res, 200, o);
    return;
  }
  if (method === 'PUT') {
    const body = decodeObjectBody(await readBodyBytes(req), String(req.headers['content-type'] ?? ''), r);
    const out = api.update(r, ns, name, body, writeOptions(q, req, sub));
    sendJSON(res, 200, out.object, warningHeaders(out.warnings));
    return;
  }
  if (method === 'PATCH') {
    const ct = String(req.headers['content-type'] ?? '');
    const raw = await readBody(req);
    const out = api.patch(r, ns, name, ct, raw, writeOptions(q, req, sub));
    sendJSON(res, out.created ? 201 : 200, out.object, warningHeaders(out.warnings));
    return;
  }
  if (method === 'DELETE') {
    const raw = await readBody(req);
    let opts: Rec = {};
    if (raw.trim()) { try { opts = JSON.parse(raw) as Rec; } catch { throw badRequest('invalid DeleteOptions'); } }
    const o = writeOptions(q, req);
    const dryAll = o.dryRun || (Array.isArray(opts.dryRun) && (opts.dryRun as string[]).includes('All'));
    const policy = q.get('propagationPolicy') ?? (opts.propagationPolicy as string | undefined)
      ?? (opts.orphanDependents === true ? 'Orphan' : undefined);
    const graceRaw = q.get('gracePeriodSeconds') ?? (opts.gracePeriodSeconds !== undefined ? String(opts.gracePeriodSeconds) : undefined);
    const gone = api.delete(r, ns, name, { dryRun: dryAll, propagationPolicy: policy, preconditions: opts.preconditions as Rec | undefined, gracePeriodSeconds: graceRaw === undefined ? undefined : Number(graceRaw) });
    if (r.kind === 'Pod') { sendJSON(res, 200, gone); return; }
    // still there (finalizers, foreground, namespace): 202 with the object; gone: the object for the kinds whose
    // registry returns it (ReturnDeletedObject), else a Success Status — as the OpenAPI of each kind declares
    if (gone.metadata.deletionTimestamp && !dryAll) { sendJSON(res, 202, gone); return; }
    if (['Pod', 'Service', 'ServiceAccount', 'PersistentVolumeClaim'].includes(r.kind)) { sendJSON(res, 200, gone); return; }
    sendJSON(res, 200, successStatus({ name, group: r.group || undefined, kind: r.plural, uid: gone.metadata.uid }));
    return;
  }
  throw methodNotAllowed();
}

async function handleScale(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, t: RouteTarget, q: URLSearchParams, method: string): Promise<void> {
  const { api, r } = { api: ctx.api, r: t.r };
  const name = t.name as string;
  const toScale = (o: KObj) => ({
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name, namespace: t.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
    spec: { replicas: (o.spec as Rec | undefined)?.replicas ?? 0 },
    status: { replicas: (o.status as Rec | undefined)?.replicas ?? 0, selector: '' },
  });
  const cur = api.get(r, t.namespace, name);
  if (method === 'GET') { sendJSON(res, 200, toScale(cur)); return; }
  const raw = await readBody(req);
  let replicas: number | undefined;
  if (method === 'PUT') replicas = Number(((JSON.parse(raw) as Rec).spec as Rec | undefined)?.replicas);
  else if (method === 'PATCH') {
    const p = JSON.parse(raw) as unknown;
    if (Array.isArray(p)) replicas = Number((p.find((x) => (x as Rec).path === '/spec/replicas') as Rec | undefined)?.value);
    else replicas = Number(((p as Rec).spec as Rec | undefined)?.replicas);
  } else throw methodNotAllowed();
  if (!Number.isInteger(replicas)) throw badRequest('spec.replicas must be an integer');
  const next = clone(cur);
  (next.spec as Rec).replicas = replicas;
  const out = api.update(r, t.namespace, name, next, { ...writeOptions(q, req), subresource: undefined });
  sendJSON(res, 200, toScale(out.object));
}

// ---- watch ---------------------------------------------------------------------------------------------------------

function serveWatch(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, t: RouteTarget, q: URLSearchParams): void {
  const { api } = ctx;
  const { r } = t;
  const sel = selectorsFrom(q, t);
  const resource = `${r.plural}.${r.group}`;
  const nsFilter = t.allNamespaces || !r.namespaced ? undefined : t.namespace;
  const table = wantsTable(req.headers.accept);
  const metaOnly = wantsMetadata(req.headers.accept);
  const includeObject = q.get('includeObject') ?? undefined;
  const rvParam = q.get('resourceVersion') ?? '';
  const sendInitial = q.get('sendInitialEvents') === 'true';
  const bookmarks = q.get('allowWatchBookmarks') === 'true' || q.get('allowWatchBookmarks') === '1';
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  req.socket.setTimeout(0);
  req.socket.setKeepAlive(true, 15_000);
  let first = true;
  const write = (type: string, object: unknown) => {
    let obj = object;
    if (table && type !== 'ERROR' && type !== 'BOOKMARK') {
      obj = toTable(r, [object as KObj], String((object as KObj).metadata.resourceVersion), includeObject, first);
      first = false;
    } else if (metaOnly && type !== 'ERROR' && type !== 'BOOKMARK') obj = partial(object as KObj);
    res.write(`${JSON.stringify({ type, object: obj })}\n`);
  };
  const bookmark = (extra?: Rec) => {
    write('BOOKMARK', { kind: r.kind, apiVersion: apiVersionOf(r), metadata: { resourceVersion: String(api.store.currentRV()), ...(extra ? { annotations: extra } : {}) } });
  };
  // events between "now" and the subscription cannot be lost: subscribe first, buffer, then replay
  const pending: WatchEvent[] = [];
  let live = false;
  let lastRV = 0;
  const deliver = (ev: WatchEvent) => {
    if (ev.rv <= lastRV) return;
    lastRV = ev.rv;
    const now = matchesSelectors(ev.object, sel);
    if (ev.type === 'MODIFIED' && ev.prev) {
      // as the watch cache does: an object entering the selection is ADDED, one leaving it DELETED
      const before = matchesSelectors(ev.prev, sel);
      if (now && !before) write('ADDED', ev.object);
      else if (!now && before) write('DELETED', ev.object);
      else if (now) write('MODIFIED', ev.object);
      return;
    }
    if (!now) return;
    write(ev.type, ev.object);
  };
  const watcher = { resource, namespace: nsFilter, send: (ev: WatchEvent) => { if (live) deliver(ev); else pending.push(ev); } };
  api.store.watchers.add(watcher);
  const timers: NodeJS.Timeout[] = [];
  const close = () => {
    api.store.watchers.delete(watcher);
    for (const tm of timers) { clearTimeout(tm); clearInterval(tm); }
  };
  req.on('close', close);
  res.on('close', close);

  if (rvParam === '' || rvParam === '0' || sendInitial) {
    const items = api.store.list(r, nsFilter).filter((o) => matchesSelectors(o, sel));
    const rvNow = api.store.currentRV();
    for (const o of items) write('ADDED', o);
    lastRV = rvNow;
    if (sendInitial && bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const n = Number(rvParam);
    if (!Number.isInteger(n) || n < 0) {
      write('ERROR', badRequest(`invalid resource version: ${rvParam}`).status());
      res.end(); close(); return;
    }
    const evs = api.store.since(resource, n, nsFilter);
    if (!evs) {
      write('ERROR', new KubeError(410, 'Expired', `too old resource version: ${n} (${api.store.compactedRV + 1})`).status());
      res.end(); close(); return;
    }
    lastRV = n;
    for (const ev of evs) deliver(ev);
  }
  live = true;
  for (const ev of pending.splice(0)) deliver(ev);
  if (bookmarks) timers.push(setInterval(() => bookmark(), ctx.bookmarkIntervalMs));
  const timeout = Number(q.get('timeoutSeconds') ?? 0);
  if (timeout > 0) timers.push(setTimeout(() => { close(); res.end(); }, timeout * 1000));
}
