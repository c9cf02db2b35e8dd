import os from 'node:os';
import { ApiError } from '../../shared/api/errors.js';
import type { Destination, KubernetesDestination } from '../../shared/model/app.js';
import type { ContainerStatus } from '../../shared/model/deploy.js';
import { LOCAL_SERVER_ID } from '../../shared/model/server.js';
import type { PartialHandlers } from '../api/router.js';
import { DestinationStore } from '../apps/destination-store.js';
import type { ExecChannel, Host, ShellChannel, TerminalSize } from '../hosts/host.js';
import { LocalHost } from '../local/local-host.js';
import type { TerminalManager } from '../terminal/terminal-manager.js';
import type { DeployService } from './deploy-service.js';
import { DEFAULT_DOCKER_SOCKET } from './docker/docker-api.js';
import { homeAndSocket } from './docker/server-facts.js';
import type { KubeClient } from './kubernetes/kube-client.js';
import { openPodShell } from './kubernetes/pod-exec.js';

/** Lines of each container's log shown before following. */
export const LOG_TAIL_LINES = 200;
/** Log output kept while the terminal is paused (flow control); beyond it the oldest is dropped, and the terminal says so. */
const PAUSED_LOG_LIMIT = 4 * 1024 * 1024;

type ContainerMethods = 'containers.logs' | 'containers.shell' | 'containers.restart';

export interface ContainerActionsOptions {
  deploys: Pick<DeployService, 'status' | 'logs'>;
  terminals: Pick<TerminalManager, 'open'>;
  destination(name: string): Promise<Destination>;
  host(serverId: string): Promise<Host>;
  /** A client for a Kubernetes destination's context; without it, Kubernetes destinations are refused. */
  kube?(destination: KubernetesDestination): Promise<KubeClient>;
}

/** `docker [-H unix://SOCKET] ARGS…`; the default socket needs no flag. */
export function dockerArgv(socket: string, ...args: string[]): string[] {
  return ['docker', ...(socket === DEFAULT_DOCKER_SOCKET ? [] : ['-H', `unix://${socket}`]), ...args];
}

/** An interactive sh in the container, with a TTY. The name was checked against the app's containers. */
export function shellArgv(socket: string, container: string): string[] {
  return dockerArgv(socket, 'exec', '-it', '-e', 'TERM=xterm-256color', container, 'sh');
}

export function restartArgv(socket: string, container: string): string[] {
  return dockerArgv(socket, 'restart', container);
}

/**
 * What the app page does to an app's containers: follow their logs and open
 * a shell in one (both as terminals, through the terminal manager), and
 * restart one. Every action first lists the app's containers (label
 * berth.app) and refuses a name that is not among them, so the UI can never
 * reach a container of another app, or run anything but these commands.
 *
 * On Kubernetes a container is `<pod>/<container>`: the shell is an exec
 * into it over the API's WebSocket (kubernetes/pod-exec.ts), restart deletes
 * the pod so that its controller starts a new one, and logs follow every pod
 * as the deploy target does. Those terminals belong to this computer (the
 * connection to the cluster starts here).
 */
export class ContainerActions {
  constructor(private readonly options: ContainerActionsOptions) {}

  async logs(input: { app: string; destination: string; service?: string } & TerminalSize): Promise<{ terminalId: string; title: string }> {
    const { app, service } = input;
    const destination = await this.options.destination(input.destination);
    const serverId = serverOf(destination);
    const what = `${app}${service ? ` ${service}` : ''} logs`;
    return this.options.terminals.open(serverId, { cols: input.cols, rows: input.rows }, async () => {
      const running = (await this.options.deploys.status(app, destination)).filter((c) => c.state === 'running' && (!service || c.service === service));
      if (running.length === 0) {
        throw new ApiError('NOT_FOUND', `${app} has no running ${service ? `${service} ` : ''}container on ${destination.name}. Deploy it, or open Status to see its stopped containers.`);
      }
      const real = await this.options.host(serverId);
      return withShell(real, `${what} · ${destination.name}`, async () =>
        logChannel((write, signal) => this.options.deploys.logs(app, destination, { service, tail: LOG_TAIL_LINES, follow: true, signal }, write)));
    });
  }

  async shell(input: { app: string; destination: string; container: string } & TerminalSize): Promise<{ terminalId: string; title: string }> {
    const destination = await this.options.destination(input.destination);
    const serverId = serverOf(destination);
    return this.options.terminals.open(serverId, { cols: input.cols, rows: input.rows }, async () => {
      const container = await this.require(input.app, destination, input.container);
      if (container.state !== 'running') throw new ApiError('CONFLICT', `${container.name} is ${container.state}, so there is nothing to open a shell in. ${destination.type === 'kubernetes' ? 'Open its logs to see why, or wait until it runs.' : 'Restart it first.'}`);
      const real = await this.options.host(serverId);
      if (destination.type === 'kubernetes') {
        const client = await this.kube(destination);
        const [pod, name] = splitPodContainer(container.name);
        return withShell(real, `${container.name} · ${destination.name}`, (size) => openPodShell(client, { namespace: destination.namespace, pod, container: name }, size));
      }
      const { socket } = await homeAndSocket(real, dockerSocketOf(destination));
      return withShell(real, `${container.name} · ${destination.name}`, (size) => openPty(real, shellArgv(socket, container.name), size));
    });
  }

  async restart(input: { app: string; destination: string; container: string }): Promise<Record<string, never>> {
    const destination = await this.options.destination(input.destination);
    const serverId = serverOf(destination);
    const container = await this.require(input.app, destination, input.container);
    if (destination.type === 'kubernetes') {
      // A pod's containers are restarted by replacing the pod: its controller (Deployment, StatefulSet…) starts a new one.
      const client = await this.kube(destination);
      const [pod] = splitPodContainer(container.name);
      await client.delete({ apiVersion: 'v1', kind: 'Pod', name: pod, namespace: destination.namespace });
      return {};
    }
    const host = await this.options.host(serverId);
    const { socket } = await homeAndSocket(host, dockerSocketOf(destination));
    const result = await host.exec(restartArgv(socket, container.name));
    if (result.exitCode !== 0) {
      throw new ApiError('INTERNAL', `Docker could not restart ${container.name} on ${host.label}: ${result.stderr.trim() || `exit code ${result.exitCode}`}. Open its logs to see why.`);
    }
    return {};
  }

  private kube(destination: KubernetesDestination): Promise<KubeClient> {
    if (!this.options.kube) throw new ApiError('UNSUPPORTED', `${destination.name} is a Kubernetes destination, and Kubernetes clusters are not available in this mode.`);
    return this.options.kube(destination);
  }

  /** The container, if it is one of the app's on that destination. */
  private async require(app: string, destination: Destination, name: string): Promise<ContainerStatus> {
    const found = (await this.options.deploys.status(app, destination)).find((c) => c.name === name);
    if (!found) throw new ApiError('NOT_FOUND', `${name} is not a container of ${app} on ${destination.name}. Refresh the status to see the app's containers.`);
    return found;
  }
}

export function containerHandlers(options: { deploys: DeployService; terminals: TerminalManager; dataDir: string; host(serverId: string): Promise<Host> }): PartialHandlers<ContainerMethods> {
  const destinations = new DestinationStore(options.dataDir);
  const actions = new ContainerActions({ ...options, destination: (name) => destinations.get(name), kube: (d) => options.deploys.kubeClient(d) });
  return {
    'containers.logs': (input) => actions.logs(input),
    'containers.shell': (input) => actions.shell(input),
    'containers.restart': (input) => actions.restart(input),
  };
}

/** Where a container terminal belongs: the Docker server, or for a Kubernetes cluster this computer (the API connection starts here). */
export function serverOf(destination: Destination): string {
  return destination.type === 'docker' ? destination.server : LOCAL_SERVER_ID;
}

/** `<pod>/<container>`, as Kubernetes status rows name a container. */
function splitPodContainer(name: string): [string, string] {
  const slash = name.indexOf('/');
  if (slash <= 0) throw new ApiError('INVALID_INPUT', `${name} is not a Kubernetes container (pod/container).`);
  return [name.slice(0, slash), name.slice(slash + 1)];
}

function dockerSocketOf(destination: Destination): string | undefined {
  return destination.type === 'docker' ? destination.dockerSocket : undefined;
}

/** The real host, except that its "shell" is the given one and it is labelled for the tab. */
function withShell(real: Host, label: string, openShell: (size: TerminalSize) => Promise<ShellChannel>): Host {
  return {
    id: real.id,
    label,
    exec: (argv, options) => real.exec(argv, options),
    spawn: (argv, options) => real.spawn(argv, options),
    openShell,
    writeFile: (path, data, mode) => real.writeFile(path, data, mode),
    connectUnix: (path) => real.connectUnix(path),
    connectTcp: (host, port) => real.connectTcp(host, port),
  };
}

/**
 * A program in a PTY of the given size. On this computer through node-pty
 * (LocalHost's own shell path, with the program instead of the login shell);
 * on a server as an SSH exec with a PTY.
 */
export async function openPty(host: Host, argv: string[], size: TerminalSize): Promise<ShellChannel> {
  const [file, ...args] = argv;
  if (!file) throw new ApiError('INVALID_INPUT', 'No command given to run.');
  if (host.id === LOCAL_SERVER_ID) {
    const local = new LocalHost(() => ({ file, args, env: { ...process.env, TERM: 'xterm-256color' } as Record<string, string>, cwd: os.homedir() }));
    return local.openShell(size);
  }
  return ptyExecShell(await host.spawn(argv, { pty: true }), size);
}

/**
 * An exec channel with a PTY, seen as a shell. SSH sets a PTY's size with
 * window-change requests on the channel (ssh2's setWindow, on the channel
 * that SshHost hands out as stdout); the first one goes out at once, and the
 * program in it (docker exec) passes each on to the container's TTY.
 */
export function ptyExecShell(channel: ExecChannel, size: TerminalSize): ShellChannel {
  const window = channel.stdout as unknown as { setWindow?: (rows: number, cols: number, height: number, width: number) => void };
  const resize = (next: TerminalSize) => window.setWindow?.(next.rows, next.cols, 0, 0);
  resize(size);
  return {
    onData(listener) {
      channel.stdout.on('data', listener);
      channel.stderr.on('data', listener);
    },
    onClose(listener) {
      channel.done.then(({ exitCode }) => listener({ exitCode }), (err: unknown) => listener({ exitCode: null, error: ApiError.from(err) }));
    },
    write: (data) => channel.writeStdin(data),
    resize,
    pause: () => channel.stdout.pause(),
    resume: () => channel.stdout.resume(),
    close: () => channel.kill(),
  };
}

/**
 * Text written by `run` as a terminal's output (LF becomes CRLF). It ends when
 * `run` does, or when the terminal closes (the signal aborts). While flow
 * control pauses the terminal, output waits here, up to a limit.
 */
export function logChannel(run: (write: (text: string) => void, signal: AbortSignal) => Promise<void>): ShellChannel {
  const abort = new AbortController();
  const dataListeners: ((chunk: Buffer) => void)[] = [];
  const closeListeners: ((info: { exitCode: number | null; error?: Error }) => void)[] = [];
  let paused = false;
  let held: Buffer[] = [];
  let heldBytes = 0;
  let dropped = 0;
  let closed = false;

  const deliver = (chunk: Buffer) => {
    for (const l of dataListeners) l(chunk);
  };
  const write = (text: string) => {
    if (closed) return;
    const chunk = Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');
    if (!paused) return deliver(chunk);
    held.push(chunk);
    heldBytes += chunk.length;
    while (heldBytes > PAUSED_LOG_LIMIT && held.length > 1) {
      const oldest = held.shift()!;
      heldBytes -= oldest.length;
      dropped += oldest.length;
    }
  };
  const finish = (info: { exitCode: number | null; error?: Error }) => {
    if (closed) return;
    closed = true;
    for (const l of closeListeners) l(info);
  };

  // Started on the next turn, so the session has attached its listeners before the first line.
  setImmediate(() => {
    run(write, abort.signal).then(
      () => {
        if (!abort.signal.aborted) write('\n\u001b[2m[The log ended: no followed container is running any more. Reconnect to follow again.]\u001b[0m\n');
        finish({ exitCode: 0 });
      },
      (err: unknown) => {
        if (!abort.signal.aborted) write(`\n\u001b[31m${ApiError.from(err).message}\u001b[0m\n`);
        finish({ exitCode: 1 });
      },
    );
  });

  return {
    onData: (listener) => void dataListeners.push(listener),
    onClose: (listener) => void closeListeners.push(listener),
    // Logs take no input.
    write: () => undefined,
    resize: () => undefined,
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
      if (dropped > 0) deliver(Buffer.from(`\r\n\u001b[2m[${dropped} bytes of log output skipped while the terminal caught up]\u001b[0m\r\n`));
      const chunks = held;
      held = [];
      heldBytes = 0;
      dropped = 0;
      for (const chunk of chunks) deliver(chunk);
    },
    close: () => {
      closed = true;
      abort.abort(new ApiError('CANCELLED', 'The terminal was closed.'));
    },
  };
}
