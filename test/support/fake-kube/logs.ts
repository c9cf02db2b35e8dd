/**
 * Container logs of the fake Kubernetes API server: lines kept per pod and container, served by
 * `GET /api/v1/namespaces/{ns}/pods/{pod}/log` with `container`, `follow`, `tailLines`, `timestamps`, `sinceSeconds`,
 * `limitBytes` and `previous`, with the kubelet's error messages for containers that are not running.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, KubeError } from './errors.js';
import type { KubeApi } from './api.js';
import type { KObj } from './store.js';
import type { RouteTarget } from './http.js';

type Rec = Record<string, unknown>;
interface Line { at: Date; text: string }
interface Follower { res: ServerResponse; timestamps: boolean; done(): void }

function rfc3339Nano(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export class LogStore {
  /** per container: one list of lines per run (a restart starts a new run, as a new container instance) */
  private readonly runs = new Map<string, Line[][]>();
  private readonly followers = new Map<string, Set<Follower>>();

  private key(ns: string, pod: string, container: string): string {
    return `${ns}/${pod}/${container}`;
  }

  /** A container (re)started: its log begins again (the previous run stays readable with `previous=true`). */
  startRun(ns: string, pod: string, container: string, firstLine: string): void {
    const k = this.key(ns, pod, container);
    const runs = this.runs.get(k) ?? [];
    runs.push([]);
    this.runs.set(k, runs);
    this.append(ns, pod, container, firstLine);
  }

  append(ns: string, pod: string, container: string, text: string): void {
    const k = this.key(ns, pod, container);
    const line: Line = { at: new Date(), text: text.replace(/\n$/, '') };
    const runs = this.runs.get(k) ?? [[]];
    this.runs.set(k, runs);
    (runs[runs.length - 1] as Line[]).push(line);
    for (const f of this.followers.get(k) ?? []) {
      f.res.write(`${f.timestamps ? `${rfc3339Nano(line.at)} ` : ''}${line.text}\n`);
    }
  }

  /** Ends the followers of a container (it terminated) or of all containers of a pod (deleted). */
  end(ns: string, pod: string, container?: string): void {
    for (const [k, set] of this.followers) {
      if (container ? k === this.key(ns, pod, container) : k.startsWith(`${ns}/${pod}/`)) {
        for (const f of set) f.done();
        set.clear();
      }
    }
    if (!container) for (const k of [...this.runs.keys()]) if (k.startsWith(`${ns}/${pod}/`)) this.runs.delete(k);
  }

  endAll(): void {
    for (const set of this.followers.values()) for (const f of set) f.done();
    this.followers.clear();
  }

  get(ns: string, pod: string, container: string, previous = false): Line[] | undefined {
    const runs = this.runs.get(this.key(ns, pod, container)) ?? [];
    return previous ? runs[runs.length - 2] : (runs[runs.length - 1] ?? []);
  }

  serve(api: KubeApi, req: IncomingMessage, res: ServerResponse, t: RouteTarget, q: URLSearchParams): void {
    const r = api.res('Pod');
    const pod = api.get(r, t.namespace, t.name as string);
    const containers = (((pod.spec as Rec).containers ?? []) as Rec[]).map((c) => String(c.name));
    const init = (((pod.spec as Rec).initContainers ?? []) as Rec[]).map((c) => String(c.name));
    let container = q.get('container') ?? '';
    if (!container) {
      const def = ((pod.metadata.annotations ?? {}) as Rec)['kubectl.kubernetes.io/default-container'];
      if (typeof def === 'string') container = def;
      else if (containers.length === 1) container = containers[0] as string;
      else throw badRequest(`a container name must be specified for pod ${String(pod.metadata.name)}, choose one of: [${containers.join(' ')}]${init.length ? ` or one of the init containers: [${init.join(' ')}]` : ''}`);
    }
    if (!containers.includes(container) && !init.includes(container)) {
      throw badRequest(`container ${container} is not valid for pod ${String(pod.metadata.name)}`);
    }
    const previous = q.get('previous') === 'true';
    if (!previous) waitingProblem(pod, container);
    const got = this.get(t.namespace, t.name as string, container, previous);
    if (!got) throw badRequest(`previous terminated container "${container}" in pod "${String(pod.metadata.name)}" not found`);
    let lines = got;
    const since = Number(q.get('sinceSeconds') ?? 0);
    if (since > 0) lines = lines.filter((l) => Date.now() - l.at.getTime() <= since * 1000);
    const tail = q.get('tailLines');
    if (tail !== null) {
      const n = Number(tail);
      if (!Number.isInteger(n) || n < 0) throw badRequest('tailLines: Invalid value: must be greater than or equal to 0');
      lines = n === 0 ? [] : lines.slice(-n);
    }
    const timestamps = q.get('timestamps') === 'true';
    let text = lines.map((l) => `${timestamps ? `${rfc3339Nano(l.at)} ` : ''}${l.text}\n`).join('');
    const limit = Number(q.get('limitBytes') ?? 0);
    if (limit > 0) text = Buffer.from(text).subarray(0, limit).toString();
    const follow = q.get('follow') === 'true' && !previous;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', ...(follow ? { 'Transfer-Encoding': 'chunked' } : {}) });
    if (!follow) { res.end(text); return; }
    res.write(text);
    req.socket.setTimeout(0);
    const k = this.key(t.namespace, t.name as string, container);
    const set = this.followers.get(k) ?? new Set<Follower>();
    this.followers.set(k, set);
    const f: Follower = { res, timestamps, done: () => { set.delete(f); res.end(); } };
    set.add(f);
    const off = () => set.delete(f);
    req.on('close', off);
    res.on('close', off);
    // a container that has already terminated ends the stream after its lines (kubelet does the same)
    if (containerTerminated(pod, container)) f.done();
  }
}

function statusOf(pod: KObj, container: string): Rec | undefined {
  const st = (pod.status ?? {}) as Rec;
  const all = [...((st.containerStatuses ?? []) as Rec[]), ...((st.initContainerStatuses ?? []) as Rec[])];
  return all.find((c) => c.name === container);
}

/** not running now (exited, or waiting to restart after a crash): a follow ends after the lines there are */
function containerTerminated(pod: KObj, container: string): boolean {
  const cs = statusOf(pod, container);
  return !!cs && !(cs.state as Rec | undefined)?.running;
}

function waitingProblem(pod: KObj, container: string): void {
  const cs = statusOf(pod, container);
  const name = String(pod.metadata.name);
  if (!cs) {
    throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ContainerCreating`);
  }
  const waiting = (cs.state as Rec | undefined)?.waiting as Rec | undefined;
  if (!waiting) return;
  const reason = String(waiting.reason ?? 'ContainerCreating');
  if (reason === 'CrashLoopBackOff') return; // logs of the last run are served
  if (reason === 'ErrImagePull' || reason === 'ImagePullBackOff') {
    throw badRequest(`container "${container}" in pod "${name}" is waiting to start: trying and failing to pull image`);
  }
  throw new KubeError(400, 'BadRequest', `container "${container}" in pod "${name}" is waiting to start: ${reason}`);
}
