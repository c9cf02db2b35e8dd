import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { PortForward } from '@kubernetes/client-node';
import type WebSocket from 'ws';
import { ApiError } from '../../../shared/api/errors.js';
import type { ForwardableService, PortForwardInfo } from '../../../shared/model/port-forward.js';
import type { KubeClient, KubeObject } from './kube-client.js';
import { KubeWebSocket } from './kube-websocket.js';

type Rec = Record<string, unknown>;

/** Forwards listen here only: a forwarded port is never reachable from another machine. */
export const FORWARD_HOST = '127.0.0.1';

export interface ForwardRequest {
  namespace: string;
  /** A Service (through a ready pod behind it) or a pod; exactly one. */
  service?: string;
  pod?: string;
  /** The Service's port, or the pod's container port. */
  port: number;
  /** When set, only objects with app.kubernetes.io/instance=<app> are forwarded. */
  app?: string;
}

export interface ResolvedForward {
  pod: string;
  podPort: number;
}

const instanceOf = (o: KubeObject) => ((o.metadata.labels ?? {}) as Record<string, string>)['app.kubernetes.io/instance'];

function isReady(pod: KubeObject): boolean {
  const st = (pod.status ?? {}) as Rec;
  if (pod.metadata.deletionTimestamp) return false;
  return st.phase === 'Running' && ((st.conditions ?? []) as Rec[]).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * Where a forward's connections go: the pod itself, or for a Service, a
 * ready pod among those its selector picks and the Service port's
 * targetPort (a number, or a container port's name looked up in that pod).
 * An object of another app (with `app`) is refused as not found.
 */
export async function resolveForward(client: KubeClient, request: ForwardRequest): Promise<ResolvedForward> {
  const { namespace, port, app } = request;
  if (request.pod) {
    const pod = await client.read({ apiVersion: 'v1', kind: 'Pod', name: request.pod, namespace });
    if (!pod || (app && instanceOf(pod) !== app)) throw new ApiError('NOT_FOUND', `${request.pod} is not a pod${app ? ` of ${app}` : ''} in ${namespace}. Refresh the status to see the app's pods.`);
    const phase = String(((pod.status ?? {}) as Rec).phase ?? 'Pending');
    if (phase !== 'Running') throw new ApiError('CONFLICT', `The pod ${request.pod} is ${phase}, not running, so nothing listens on its ports.`);
    return { pod: request.pod, podPort: port };
  }
  if (!request.service) throw new ApiError('INVALID_INPUT', 'Say what to forward: a service or a pod.');
  const service = await client.read({ apiVersion: 'v1', kind: 'Service', name: request.service, namespace });
  if (!service || (app && instanceOf(service) !== app)) throw new ApiError('NOT_FOUND', `${request.service} is not a Service${app ? ` of ${app}` : ''} in ${namespace}.`);
  const spec = (service.spec ?? {}) as { selector?: Record<string, string>; ports?: Array<{ port: number; name?: string; targetPort?: number | string }> };
  const entry = (spec.ports ?? []).find((p) => p.port === port);
  if (!entry) {
    const ports = (spec.ports ?? []).map((p) => p.port);
    throw new ApiError('NOT_FOUND', `The Service ${request.service} has no port ${port}${ports.length ? `; its ports are ${ports.join(', ')}` : '; it has no ports'}.`);
  }
  if (!spec.selector || Object.keys(spec.selector).length === 0) {
    throw new ApiError('UNSUPPORTED', `The Service ${request.service} selects no pods (it has no selector), so there is no pod to forward to. Forward a pod instead.`);
  }
  const selector = Object.entries(spec.selector).map(([k, v]) => `${k}=${v}`).join(',');
  const pods = await client.list('v1', 'Pod', namespace, selector);
  const pod = pods.find(isReady);
  if (!pod) throw new ApiError('UNAVAILABLE', `No pod behind the Service ${request.service} is ready (${pods.length} selected). Wait for the rollout, or look at the pods' logs.`);
  const target = entry.targetPort ?? entry.port;
  if (typeof target === 'number') return { pod: pod.metadata.name, podPort: target };
  if (/^\d+$/.test(target)) return { pod: pod.metadata.name, podPort: Number(target) };
  const containers = (((pod.spec ?? {}) as Rec).containers ?? []) as Array<{ ports?: Array<{ name?: string; containerPort: number }> }>;
  const named = containers.flatMap((c) => c.ports ?? []).find((p) => p.name === target);
  if (!named) throw new ApiError('NOT_FOUND', `The Service ${request.service} sends port ${port} to the port named "${target}", and the pod ${pod.metadata.name} has no port of that name.`);
  return { pod: pod.metadata.name, podPort: named.containerPort };
}

/** The app's Services with their ports (what the UI offers to forward). */
export async function forwardableServices(client: KubeClient, namespace: string, app: string): Promise<ForwardableService[]> {
  const services = await client.list('v1', 'Service', namespace, `app.kubernetes.io/instance=${app}`);
  return services
    .map((s) => {
      const spec = (s.spec ?? {}) as { ports?: Array<{ port: number; name?: string; targetPort?: number | string; protocol?: string }> };
      const labels = (s.metadata.labels ?? {}) as Record<string, string>;
      return {
        service: s.metadata.name,
        ...(labels['app.kubernetes.io/name'] ? { appService: labels['app.kubernetes.io/name'] } : {}),
        ports: (spec.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP').map((p) => ({
          port: p.port, ...(p.name ? { name: p.name } : {}), ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}), protocol: p.protocol ?? 'TCP',
        })),
      };
    })
    .filter((s) => s.ports.length > 0)
    .sort((a, b) => a.service.localeCompare(b.service));
}

export interface LocalForwardOptions {
  /** 0 or unset: a free port. */
  localPort?: number;
  /** A connection that failed, or an error the pod's side reported; the forward goes on. */
  onError?(message: string): void;
  /** Connections opened or closed. */
  onChange?(): void;
}

/**
 * A local TCP listener on 127.0.0.1 whose every connection is its own
 * port-forward stream to the pod (client-node's PortForward over WebSocket,
 * one WebSocket per connection, as kubectl opens one stream pair per
 * connection). Bytes from the pod wait while the local side is slow (the
 * WebSocket is paused until the socket drains). A Service's forward that
 * finds its pod gone (a rollout, a restart) picks a ready pod again.
 */
export class LocalForward {
  private server: net.Server | undefined;
  private readonly open = new Set<{ socket: net.Socket; ws?: WebSocket }>();
  private stopped = false;
  target: ResolvedForward;
  localPort = 0;
  total = 0;

  constructor(private readonly client: KubeClient, private readonly request: ForwardRequest, first: ResolvedForward, private readonly options: LocalForwardOptions = {}) {
    this.target = first;
  }

  get connections(): number {
    return this.open.size;
  }

  async listen(): Promise<number> {
    const server = net.createServer((socket) => void this.forward(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        reject(err.code === 'EADDRINUSE'
          ? new ApiError('CONFLICT', `Port ${this.options.localPort} on ${FORWARD_HOST} is in use by another program. Pick another local port, or leave it empty for a free one.`)
          : err.code === 'EACCES'
            ? new ApiError('CONFLICT', `Port ${this.options.localPort} needs privileges this user does not have. Pick a port above 1023.`)
            : err);
      });
      server.listen(this.options.localPort ?? 0, FORWARD_HOST, () => resolve());
    });
    server.on('error', (err) => this.options.onError?.(`The listener failed: ${err.message}`));
    this.server = server;
    this.localPort = (server.address() as net.AddressInfo).port;
    return this.localPort;
  }

  private async forward(socket: net.Socket): Promise<void> {
    const entry: { socket: net.Socket; ws?: WebSocket } = { socket };
    this.open.add(entry);
    this.total += 1;
    this.options.onChange?.();
    const done = () => {
      if (!this.open.delete(entry)) return;
      entry.ws?.close();
      this.options.onChange?.();
    };
    socket.on('error', () => undefined);
    socket.on('close', done);
    const fail = (message: string) => {
      this.options.onError?.(message);
      socket.destroy();
    };
    try {
      entry.ws = await this.connect(socket, entry);
    } catch (err) {
      // A Service's pod that went away: pick a ready one again, once.
      if (this.request.service && err instanceof ApiError && (err.code === 'NOT_FOUND' || err.code === 'CONFLICT') && !this.stopped) {
        try {
          this.target = await resolveForward(this.client, this.request);
          this.options.onChange?.();
          entry.ws = await this.connect(socket, entry);
        } catch (again) {
          return fail(ApiError.from(again).message);
        }
      } else return fail(ApiError.from(err).message);
    }
    if (this.stopped || socket.destroyed) {
      entry.ws.close();
      return;
    }
    entry.ws.on('close', () => socket.end());
    entry.ws.on('error', (err) => fail(`The stream to ${this.target.pod} failed: ${err.message}`));
  }

  private async connect(socket: net.Socket, entry: { ws?: WebSocket }): Promise<WebSocket> {
    const { pod, podPort } = this.target;
    const toLocal = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        if (!socket.destroyed && !socket.write(chunk)) {
          entry.ws?.pause();
          socket.once('drain', () => entry.ws?.resume());
        }
        callback();
      },
    });
    const podErrors = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        const text = chunk.toString('utf8').trim();
        if (text) {
          this.options.onError?.(text);
          socket.destroy();
        }
        callback();
      },
    });
    toLocal.on('error', () => undefined);
    podErrors.on('error', () => undefined);
    const kws = new KubeWebSocket(this.client.config, { stdin: socket, stdout: toLocal, stderr: podErrors }, `forward port ${podPort} of ${pod}`);
    try {
      return (await new PortForward(this.client.config, true, kws.handler).portForward(this.request.namespace, pod, [podPort], toLocal, podErrors, socket)) as unknown as WebSocket;
    } catch (err) {
      throw kws.failure(err, this.client.label);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const { socket, ws } of this.open) {
      ws?.close();
      socket.destroy();
    }
    this.open.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export interface PortForwardsOptions {
  client(destination: string): Promise<{ client: KubeClient; namespace: string }>;
  /** The list changed (started, stopped, a connection opened or closed, an error). */
  onChange?(list: PortForwardInfo[]): void;
  /** Connection errors, for a log. */
  log?(line: string): void;
}

export interface StartForward {
  app: string;
  destination: string;
  service?: string;
  pod?: string;
  port: number;
  localPort?: number;
}

/**
 * The port-forwards of this Berth process, listed and stoppable. Each is a
 * local listener on 127.0.0.1; they all end when Berth does.
 */
export class PortForwards {
  private readonly forwards = new Map<string, { info: Omit<PortForwardInfo, 'pod' | 'podPort' | 'connections' | 'totalConnections'>; forward: LocalForward }>();

  constructor(private readonly options: PortForwardsOptions) {}

  async start(input: StartForward): Promise<PortForwardInfo> {
    if (!!input.service === !!input.pod) throw new ApiError('INVALID_INPUT', 'Forward either a service or a pod.');
    const { client, namespace } = await this.options.client(input.destination);
    const request: ForwardRequest = { namespace, port: input.port, app: input.app, ...(input.service ? { service: input.service } : { pod: input.pod }) };
    const first = await resolveForward(client, request);
    const id = randomUUID();
    const name = (input.service ?? input.pod)!;
    const forward = new LocalForward(client, request, first, {
      localPort: input.localPort,
      onError: (message) => {
        const entry = this.forwards.get(id);
        if (entry) entry.info.lastError = message;
        this.options.log?.(`port-forward ${name}:${input.port}: ${message}`);
        this.changed();
      },
      onChange: () => this.changed(),
    });
    const localPort = await forward.listen();
    this.forwards.set(id, {
      forward,
      info: {
        id, app: input.app, destination: input.destination, namespace, target: { kind: input.service ? 'service' : 'pod', name }, port: input.port,
        localPort,
        // Plain HTTP to the loopback: the forward is a local TCP port; what speaks on it is the pod's business.
        // eslint-disable-next-line @microsoft/sdl/no-insecure-url
        url: `http://${FORWARD_HOST}:${localPort}`,
        startedAt: new Date().toISOString(),
      },
    });
    this.changed();
    return this.get(id)!;
  }

  list(): PortForwardInfo[] {
    return [...this.forwards.keys()].map((id) => this.get(id)!);
  }

  async stop(id: string): Promise<void> {
    const entry = this.forwards.get(id);
    if (!entry) throw new ApiError('NOT_FOUND', 'That port-forward is not running any more.');
    this.forwards.delete(id);
    await entry.forward.stop();
    this.changed();
  }

  async dispose(): Promise<void> {
    const all = [...this.forwards.values()];
    this.forwards.clear();
    await Promise.all(all.map((e) => e.forward.stop()));
  }

  private get(id: string): PortForwardInfo | undefined {
    const entry = this.forwards.get(id);
    if (!entry) return undefined;
    const { forward, info } = entry;
    return { ...info, pod: forward.target.pod, podPort: forward.target.podPort, connections: forward.connections, totalConnections: forward.total };
  }

  private changed() {
    this.options.onChange?.(this.list());
  }
}
