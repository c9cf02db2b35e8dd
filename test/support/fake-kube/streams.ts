/**
 * `exec` and `portforward` over WebSocket, as kube-apiserver and the kubelet speak them to kubectl 1.32 and
 * client-node: the channel protocol (`v5.channel.k8s.io`, `v4.channel.k8s.io`, …; first byte of each binary message
 * is the channel). Exec runs the command as a real local child process (argv, cwd a temp dir): stdin 0, stdout 1,
 * stderr 2, status 3 (a Status, NonZeroExitCode with the exit code as cause), resize 4 (accepted), close 255 (v5).
 * Port-forward connects each requested port to the local TCP port a test registered for that pod.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { KubeApi } from './api.js';
import { KubeError, badRequest, unauthorized } from './errors.js';
import { authorized, parseResourcePath, type RequestRecord } from './http.js';
import { SpdyPortForwardSession } from './spdy.js';

type Rec = Record<string, unknown>;

const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];
const SPDY_TUNNEL = 'SPDY/3.1+portforward.k8s.io';
const PF_PROTOCOLS = [SPDY_TUNNEL, 'v4.channel.k8s.io', 'portforward.k8s.io', 'v5.channel.k8s.io'];

export class Streams {
  private readonly wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols, req) => this.pickProtocol(protocols, req) });
  private readonly children = new Set<ChildProcess>();
  private readonly sockets = new Set<Socket>();
  private readonly ports = new Map<string, number>();

  private readonly spdyRequests = new WeakSet<IncomingMessage>();

  constructor(private readonly api: KubeApi, private readonly token: string, private readonly requests: RequestRecord[]) {
    this.wss.on('headers', (headers, req) => {
      if (this.spdyRequests.has(req)) headers.push(`Sec-WebSocket-Protocol: ${SPDY_TUNNEL}`);
    });
  }

  exposePodPort(namespace: string, pod: string, containerPort: number, localPort: number): void {
    this.ports.set(`${namespace}/${pod}/${containerPort}`, localPort);
  }

  private pickProtocol(protocols: Set<string>, req: IncomingMessage): string | false {
    const isPF = (req.url ?? '').includes('/portforward');
    for (const p of isPF ? PF_PROTOCOLS : EXEC_PROTOCOLS) if (protocols.has(p)) return p;
    return false;
  }

  stop(): void {
    for (const c of this.children) c.kill('SIGKILL');
    for (const s of this.sockets) s.destroy();
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private refuse(socket: Duplex, e: KubeError): void {
    const body = JSON.stringify(e.status());
    const text = e.code === 401 ? 'Unauthorized' : e.code === 404 ? 'Not Found' : e.code === 403 ? 'Forbidden' : 'Bad Request';
    socket.end(`HTTP/1.1 ${e.code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'https://fake-kube.invalid');
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.search.replace(/^\?/, '') });
    try {
      if (!authorized(req, this.token)) throw unauthorized();
      if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
        throw badRequest(`unable to upgrade: this fake API server speaks only WebSocket (got Upgrade: ${String(req.headers.upgrade ?? '')})`);
      }
      const t = parseResourcePath(url.pathname);
      if (!t || t.r.kind !== 'Pod' || !t.name || (t.subresource !== 'exec' && t.subresource !== 'portforward' && t.subresource !== 'attach')) {
        throw new KubeError(404, 'NotFound', 'the server could not find the requested resource');
      }
      const pod = this.api.get(t.r, t.namespace, t.name);
      const phase = String(((pod.status ?? {}) as Rec).phase ?? '');
      if (phase === 'Succeeded' || phase === 'Failed') throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
      const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (!offered.some((p) => (t.subresource === 'portforward' ? PF_PROTOCOLS : EXEC_PROTOCOLS).includes(p))) {
        throw badRequest(`unable to upgrade connection: no supported subprotocol among [${offered.join(' ')}]`);
      }
      if (t.subresource === 'exec' || t.subresource === 'attach') {
        const containers = (((pod.spec as Rec).containers ?? []) as Rec[]).map((c) => String(c.name));
        let container = url.searchParams.get('container') ?? '';
        if (!container) {
          if (containers.length !== 1) throw badRequest(`a container name must be specified for pod ${t.name}, choose one of: [${containers.join(' ')}]`);
          container = containers[0] as string;
        }
        if (!containers.includes(container)) throw badRequest(`container ${container} is not valid for pod ${t.name}`);
        const cs = ((((pod.status ?? {}) as Rec).containerStatuses ?? []) as Rec[]).find((c) => c.name === container);
        if (!cs || !((cs.state ?? {}) as Rec).running) {
          throw badRequest(`unable to upgrade connection: container not found ("${container}")`);
        }
        const command = url.searchParams.getAll('command');
        if (command.length === 0) throw badRequest('you must specify at least 1 command');
        this.wss.handleUpgrade(req, socket, head, (ws) => this.runExec(ws, command, {
          stdin: url.searchParams.get('stdin') === 'true' || url.searchParams.get('stdin') === '1',
          stdout: url.searchParams.get('stdout') !== 'false' && url.searchParams.get('stdout') !== '0',
          stderr: url.searchParams.get('stderr') !== 'false' && url.searchParams.get('stderr') !== '0',
          tty: url.searchParams.get('tty') === 'true' || url.searchParams.get('tty') === '1',
        }));
        return;
      }
      if (offered.includes(SPDY_TUNNEL)) {
        const ns = t.namespace;
        const name = t.name;
        const uid = String(pod.metadata.uid);
        // `ws` rejects a subprotocol with '/' in it (not an RFC 7230 token), so it is answered by hand
        delete req.headers['sec-websocket-protocol'];
        this.spdyRequests.add(req);
        this.wss.handleUpgrade(req, socket, head, (ws) => {
          new SpdyPortForwardSession(ws, (port) => this.ports.get(`${ns}/${name}/${port}`),
            (port) => `error forwarding port ${port} to pod ${name}, uid ${uid}: failed to connect to localhost:${port} inside namespace "${ns}": connection refused (fake-kube: no exposePodPort for this pod and port)`,
            (s) => { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); });
        });
        return;
      }
      const ports = url.searchParams.getAll('ports').flatMap((p) => p.split(',')).map((p) => Number(p.trim()));
      if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
        throw badRequest('invalid port: ports must be given as ?ports=<port>');
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.runPortForward(ws, t.namespace, t.name as string, String(pod.metadata.uid), ports));
    } catch (e) {
      this.refuse(socket, e instanceof KubeError ? e : new KubeError(500, 'InternalError', String(e)));
    }
  }

  private runExec(ws: WebSocket, command: string[], o: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }): void {
    const cwd = mkdtempSync(join(tmpdir(), 'fake-kube-exec-'));
    const send = (ch: number, data: Buffer | string) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(Buffer.concat([Buffer.from([ch]), Buffer.isBuffer(data) ? data : Buffer.from(data)]));
    };
    let child: ChildProcess;
    try {
      child = spawn(command[0] as string, command.slice(1), { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, HOME: cwd, HOSTNAME: 'fake-pod' } });
    } catch (e) {
      send(3, JSON.stringify({ metadata: {}, status: 'Failure', message: `OCI runtime exec failed: ${(e as Error).message}: unknown`, reason: 'InternalError', details: { causes: [{ message: (e as Error).message }] }, code: 500 }));
      ws.close(1000);
      rmSync(cwd, { recursive: true, force: true });
      return;
    }
    this.children.add(child);
    let spawnError: Error | undefined;
    child.on('error', (e) => { spawnError = e; });
    child.stdout?.on('data', (d: Buffer) => { if (o.stdout) send(1, d); });
    child.stderr?.on('data', (d: Buffer) => { if (o.stderr) send(o.tty ? 1 : 2, d); });
    if (!o.stdin) child.stdin?.end();
    child.stdin?.on('error', () => undefined);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const buf = Buffer.isBuffer(data) ? data : Buffer.from(data as unknown as ArrayBuffer);
      if (buf.length === 0) return;
      const ch = isBinary ? buf[0] : Number(String.fromCharCode(buf[0] as number));
      const payload = buf.subarray(1);
      if (ch === 0 && o.stdin) { if (payload.length) child.stdin?.write(payload); }
      else if (ch === 255 && payload[0] === 0) child.stdin?.end();
      // channel 4 (resize): accepted; the child runs on plain pipes
    });
    ws.on('close', () => { if (child.exitCode === null) child.kill('SIGKILL'); });
    child.on('close', (code, signal) => {
      this.children.delete(child);
      rmSync(cwd, { recursive: true, force: true });
      if (spawnError) {
        const msg = `OCI runtime exec failed: exec failed: unable to start container process: exec: ${JSON.stringify(command[0])}: executable file not found in $PATH: unknown`;
        send(3, JSON.stringify({ metadata: {}, status: 'Failure', message: msg, reason: 'InternalError', details: { causes: [{ message: msg }] }, code: 500 }));
      } else if (code === 0) {
        send(3, JSON.stringify({ metadata: {}, status: 'Success' }));
      } else {
        const exit = code ?? (signal ? 128 + (({ SIGKILL: 9, SIGTERM: 15, SIGINT: 2 } as Record<string, number>)[signal] ?? 1) : 1);
        send(3, JSON.stringify({
          metadata: {}, status: 'Failure',
          message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exit}`,
          reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(exit) }] },
        }));
      }
      ws.close(1000);
    });
  }

  private runPortForward(ws: WebSocket, ns: string, pod: string, uid: string, ports: number[]): void {
    const send = (ch: number, data: Buffer) => { if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([ch]), data])); };
    const conns: Array<Socket | undefined> = [];
    ports.forEach((port, i) => {
      const p = Buffer.alloc(2);
      p.writeUInt16LE(port, 0);
      send(2 * i, p);
      send(2 * i + 1, p);
      const local = this.ports.get(`${ns}/${pod}/${port}`);
      if (local === undefined) {
        send(2 * i + 1, Buffer.from(`error forwarding port ${port} to pod ${pod}, uid ${uid}: failed to connect to localhost:${port} inside namespace "${ns}": connection refused (fake-kube: no exposePodPort for this pod and port)`));
        return;
      }
      const s = connect(local, '127.0.0.1');
      this.sockets.add(s);
      conns[i] = s;
      s.on('data', (d: Buffer) => send(2 * i, d));
      s.on('error', (e) => send(2 * i + 1, Buffer.from(`error forwarding port ${port} to pod ${pod}, uid ${uid}: ${e.message}`)));
      s.on('close', () => { this.sockets.delete(s); if (conns.every((c) => !c || c.destroyed)) ws.close(1000); });
    });
    ws.on('message', (data: Buffer) => {
      const buf = Buffer.isBuffer(data) ? data : Buffer.from(data as unknown as ArrayBuffer);
      if (buf.length === 0) return;
      const ch = buf[0] as number;
      if (ch === 255) return;
      if (ch % 2 === 0) conns[ch / 2]?.write(buf.subarray(1));
    });
    ws.on('close', () => { for (const c of conns) c?.destroy(); });
  }
}
