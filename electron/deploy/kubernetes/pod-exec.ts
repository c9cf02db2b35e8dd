import { PassThrough, Writable } from 'node:stream';
import { Exec, type V1Status } from '@kubernetes/client-node';
import type WebSocket from 'ws';
import { ApiError } from '../../../shared/api/errors.js';
import type { ShellChannel, TerminalSize } from '../../hosts/host.js';
import type { KubeClient } from './kube-client.js';
import { KubeWebSocket } from './kube-websocket.js';

/** An interactive sh with the same TERM as Docker container shells get. */
export const POD_SHELL_COMMAND = ['sh', '-c', 'TERM=xterm-256color; export TERM; exec sh'];

export interface PodContainer {
  namespace: string;
  pod: string;
  container: string;
}

type Rec = Record<string, unknown>;

/**
 * A command in a container of a pod, with a TTY, as a terminal's shell:
 * client-node's Exec over WebSocket (the v5/v4 channel protocol: stdin 0,
 * stdout 1, status 3, resize 4), the terminal's size through its
 * TerminalSizeQueue (the size first, then every resize), and the command's
 * exit status, from the status channel, when it ends. Pausing pauses the
 * WebSocket's socket, so a flood of output waits in the cluster rather than
 * in memory here (the terminal's flow control works unchanged).
 *
 * A container that is not running is refused before connecting, with its
 * state; a pod that is gone, likewise.
 */
export async function openPodShell(client: KubeClient, target: PodContainer, size: TerminalSize, command: string[] = POD_SHELL_COMMAND): Promise<ShellChannel> {
  await requireRunning(client, target);
  const what = `open a shell in ${target.pod}/${target.container}`;

  const dataListeners: ((chunk: Buffer) => void)[] = [];
  const closeListeners: ((info: { exitCode: number | null; error?: Error }) => void)[] = [];
  let ws: WebSocket | undefined;
  let paused = false;
  let status: V1Status | undefined;
  let closed = false;

  // The terminal: Exec finds it resizable by its rows, columns and 'resize' event.
  const screen = Object.assign(new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const l of dataListeners) l(chunk);
      callback();
    },
  }), { rows: size.rows, columns: size.cols });
  // Output after the status (or a close-stream frame) ended it has nowhere to go; it is dropped, not a crash.
  screen.on('error', () => undefined);
  const keyboard = new PassThrough();
  const socket = new KubeWebSocket(client.config, { stdin: keyboard, stdout: screen, stderr: screen }, what);

  const finish = (info: { exitCode: number | null; error?: Error }) => {
    if (closed) return;
    closed = true;
    for (const l of closeListeners) l(info);
  };

  try {
    // With a TTY the container's stderr is its terminal too; the API refuses stderr beside tty.
    ws = (await new Exec(client.config, socket.handler).exec(target.namespace, target.pod, target.container, command, screen, null, keyboard, true, (s) => {
      status = s;
    })) as unknown as WebSocket;
  } catch (err) {
    throw socket.failure(err, client.label);
  }
  if (paused) ws.pause();
  ws.on('close', () => {
    if (status) {
      const exitCode = exitCodeOf(status);
      // The command did not run (no sh in the image, a runtime error): say so in the terminal.
      if (exitCode === null && status.message) for (const l of dataListeners) l(Buffer.from(`\r\n\u001b[31m${status.message}\u001b[0m\r\n`));
      finish({ exitCode });
    } else finish({ exitCode: null, error: new ApiError('CONNECTION_LOST', `The connection to ${client.label} ended before the shell in ${target.pod}/${target.container} did.`) });
  });
  ws.on('error', () => undefined);

  return {
    onData: (listener) => void dataListeners.push(listener),
    onClose(listener) {
      closeListeners.push(listener);
    },
    write: (data) => {
      if (!closed) keyboard.write(typeof data === 'string' ? data : Buffer.from(data));
    },
    resize: (next) => {
      screen.rows = next.rows;
      screen.columns = next.cols;
      screen.emit('resize');
    },
    pause: () => {
      paused = true;
      ws?.pause();
    },
    resume: () => {
      paused = false;
      ws?.resume();
    },
    close: () => {
      keyboard.end();
      ws?.close();
    },
  };
}

/** 0 for Success; the exit code a NonZeroExitCode status carries; null when the command did not run (its message is shown). */
export function exitCodeOf(status: V1Status): number | null {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = Number(cause?.message);
  return cause && Number.isInteger(code) ? code : null;
}

/** The pod exists, has the container, and the container runs; otherwise a message that says what it is doing instead. */
export async function requireRunning(client: KubeClient, target: PodContainer): Promise<void> {
  const pod = await client.read({ apiVersion: 'v1', kind: 'Pod', name: target.pod, namespace: target.namespace });
  if (!pod) throw new ApiError('NOT_FOUND', `The pod ${target.pod} no longer exists in ${target.namespace}: a rollout or a restart replaced it. Refresh the status.`);
  const containers = (((pod.spec ?? {}) as Rec).containers ?? []) as Rec[];
  if (!containers.some((c) => c.name === target.container)) throw new ApiError('NOT_FOUND', `The pod ${target.pod} has no container ${target.container}.`);
  const st = (pod.status ?? {}) as Rec;
  const cs = ((st.containerStatuses ?? []) as Rec[]).find((c) => c.name === target.container);
  const state = (cs?.state ?? {}) as Record<string, Rec | undefined>;
  if (state.running) return;
  const [name, detail] = Object.entries(state)[0] ?? [String(st.phase ?? 'unknown'), undefined];
  const reason = detail?.reason ? ` (${String(detail.reason)}${detail.exitCode !== undefined ? `, exit code ${String(detail.exitCode)}` : ''})` : '';
  throw new ApiError('CONFLICT', `${target.pod}/${target.container} is ${name}${reason}, not running, so there is no shell to open in it. Open its logs to see why, or wait until it runs.`);
}
