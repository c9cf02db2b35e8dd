/**
 * A strict FAKE Kubernetes API server for tests (no real API server can run on these machines). It speaks HTTPS
 * with a throwaway CA and bearer-token auth, serves discovery and OpenAPI as kube-apiserver 1.32 does, and
 * implements the subset Berth uses with the real semantics, held to the real `kubectl` 1.32 in test/kube/.
 * See README.md beside this file for what is implemented and the test controls.
 */
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { stringify as toYaml } from 'yaml';
import { generateCerts } from './certs.js';
import { KubeApi } from './api.js';
import { handleRequest, type RequestRecord } from './http.js';
import { LogStore } from './logs.js';
import { Controllers, type Failure, type WorkloadKind } from './controllers.js';
import { Streams } from './streams.js';
import { findByKind } from './resources.js';

export interface FakeKubeOptions { host?: string /* default 127.0.0.1 */; port?: number /* default 0 */ }

export interface FakeKube {
  url: string;                 // https://host:port
  caPem: string;               // CA that signed the server cert (SAN: the host given + 127.0.0.1 + localhost)
  token: string;               // bearer token; any other token → 401 (Status Unauthorized); no token → 401
  writeKubeconfig(file: string, opts?: { context?: string; namespace?: string; server?: string; token?: string }): Promise<void>;
  stop(): Promise<void>;
  // test controls (README.md beside this file describes each failure)
  /** the next pods created for that workload fail, and every pod of that pod template after them */
  failNext(kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job', namespace: string, name: string, failure: 'image-pull' | 'crash-loop' | 'unschedulable' | 'progress-deadline'): void;
  /** a log line for the container's current run; followers get it at once */
  appendLog(namespace: string, pod: string, container: string, line: string): void;
  /** copies of what is stored (kind: Kind, plural or singular), for assertions */
  objects(kind: string, namespace?: string): Record<string, unknown>[];
  requests: Array<{ method: string; path: string; query: string; contentType?: string; fieldManager?: string; dryRun?: boolean }>;
  /** port-forward to `containerPort` of `pod` reaches 127.0.0.1:`localPort` */
  exposePodPort(namespace: string, pod: string, containerPort: number, localPort: number): void;
}

export async function startFakeKubeApiServer(opts: FakeKubeOptions = {}): Promise<FakeKube> {
  const host = opts.host ?? '127.0.0.1';
  const certs = generateCerts(host);
  const token = randomBytes(24).toString('hex');
  const requests: RequestRecord[] = [];
  const api = new KubeApi(certs.caPem);
  const logs = new LogStore();
  const controllers = new Controllers(api, logs);
  const streams = new Streams(api, token, requests);
  const sockets = new Set<Socket>();
  let serverAddress = '';

  const server: Server = createServer({ cert: certs.certPem, key: certs.keyPem, requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 30_000 }, (req, res) => {
    void handleRequest({
      api, token, serverAddress, requests, bookmarkIntervalMs: 60_000,
      logs: (rq, rs, t, q) => logs.serve(api, rq, rs, t, q),
    }, req, res);
  });
  server.timeout = 0;
  server.on('connection', (s: Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  server.on('secureConnection', (s) => { s.setTimeout(0); });
  server.on('upgrade', (req, socket, head) => streams.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  const url = `https://${hostInUrl}:${port}`;
  serverAddress = `${hostInUrl}:${port}`;

  return {
    url,
    caPem: certs.caPem,
    token,
    requests,
    async writeKubeconfig(file, o = {}) {
      const context = o.context ?? 'fake-kube';
      const cfg = {
        apiVersion: 'v1', kind: 'Config', preferences: {},
        clusters: [{ name: context, cluster: { server: o.server ?? url, 'certificate-authority-data': Buffer.from(certs.caPem).toString('base64') } }],
        users: [{ name: `${context}-user`, user: { token: o.token ?? token } }],
        contexts: [{ name: context, context: { cluster: context, user: `${context}-user`, ...(o.namespace ? { namespace: o.namespace } : {}) } }],
        'current-context': context,
      };
      await writeFile(file, toYaml(cfg), { mode: 0o600 });
    },
    async stop() {
      controllers.stop();
      logs.endAll();
      streams.stop();
      api.store.watchers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
    failNext(kind: WorkloadKind, namespace, name, failure: Failure) {
      controllers.failNext(kind, namespace, name, failure);
    },
    appendLog(namespace, pod, container, line) {
      logs.append(namespace, pod, container, line);
    },
    objects(kind, namespace) {
      const r = findByKind(kind);
      if (!r) throw new Error(`fake-kube: unknown kind ${kind}`);
      return api.store.list(r, namespace);
    },
    exposePodPort(namespace, pod, containerPort, localPort) {
      streams.exposePodPort(namespace, pod, containerPort, localPort);
    },
  };
}
