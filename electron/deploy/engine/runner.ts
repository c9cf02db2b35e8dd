import zlib from 'node:zlib';
import { ApiError } from '../../../shared/api/errors.js';
import type { StepStatus } from '../../../shared/model/deploy.js';
import type { ExecChannel, Host } from '../../hosts/host.js';
import { commandLine, serverOf, viewAction, type Action, type ExecAction, type PipeAction, type RunContext, type Step } from './step.js';

export class StepFailure extends Error {}

export type RunOutcome =
  | { ok: true }
  | { ok: false; cancelled: boolean; interrupted: boolean; failedStep: string; error: Error; committed?: boolean };

export interface RunOptions extends RunContext {
  onStep(index: number, status: StepStatus): void;
  /** Repeated while the deploy runs, e.g. the lock's heartbeat; failures are ignored. */
  heartbeat?: { run(): Promise<unknown>; intervalMs: number };
  /** Whether the destination still answers; a step that failed while it does not is interrupted, not failed. Default: the server runs `true`. */
  reachable?(): Promise<boolean>;
}

/**
 * Runs a plan's steps in order. When one fails (or the user cancels), the
 * undo actions of the steps already run are executed newest first, so the
 * previous release keeps serving, and `always` steps (releasing the lock)
 * still run. A lost connection is reported as interrupted: the server's
 * state is then unknown, and the next deploy cleans up.
 */
export async function runSteps(steps: Step[], options: RunOptions): Promise<RunOutcome> {
  const started: Step[] = [];
  let committed = false;
  let failure: Extract<RunOutcome, { ok: false }> | undefined;
  const beat = options.heartbeat && setInterval(() => {
    void options.heartbeat!.run().catch(() => undefined);
  }, options.heartbeat.intervalMs);
  // Undo and cleanup must run even after a cancel, so they get a signal of their own.
  const cleanup: RunContext = { ...options, signal: new AbortController().signal };
  try {
    for (const [index, step] of steps.entries()) {
      if (failure && !step.always) {
        options.onStep(index, failure.cancelled ? 'cancelled' : 'skipped');
        continue;
      }
      if (failure) {
        // An always-step after a failure (release the lock) runs with the cleanup signal.
        await runOne(step, index, cleanup, options).catch(() => undefined);
        continue;
      }
      started.push(step);
      try {
        await runOne(step, index, options, options);
        if (step.commits) committed = true;
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        const cancelled = options.signal.aborted;
        if (step.bestEffort && !cancelled) {
          options.onStep(index, 'failed');
          options.log.line(`\u001b[33m! ${step.title} failed: ${error.message} (the new release serves; this does not undo it)\u001b[0m`);
          continue;
        }
        const interrupted = !cancelled && (await connectionGone(error, options));
        failure = { ok: false, cancelled, interrupted, failedStep: step.id, error, committed };
        options.onStep(index, cancelled ? 'cancelled' : 'failed');
        options.log.line(cancelled ? `\u001b[33m✗ ${step.title}: cancelled\u001b[0m` : `\u001b[31m✗ ${step.title} failed: ${error.message}\u001b[0m`);
        if (committed) options.log.line('    Traffic already moved to the new release; nothing is undone.');
        else if (!interrupted) await undo(started, cleanup);
      }
    }
  } finally {
    if (beat) clearInterval(beat);
  }
  return failure ?? { ok: true };
}

const CONNECTION_CODES = new Set(['CONNECTION_LOST', 'CONNECT_REFUSED', 'CONNECT_TIMEOUT', 'HOST_UNREACHABLE']);

/**
 * Whether a step failed because the server could not be reached (rather than
 * because what it ran failed): then the outcome on the server is unknown, so
 * the deploy is interrupted, not failed. Errors from the Docker API travel
 * through the same SSH connection and arrive as plain socket errors.
 */
async function connectionGone(error: Error, options: RunOptions): Promise<boolean> {
  if (error instanceof ApiError && CONNECTION_CODES.has(error.code)) return true;
  // Otherwise ask the destination: a command that died with the connection looks like any failed command.
  const reachable = options.reachable ?? (async () => (await serverOf(options).exec(['true'])).exitCode === 0);
  try {
    return !(await Promise.race([reachable(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer')), 15_000))]));
  } catch {
    return true;
  }
}

async function runOne(step: Step, index: number, ctx: RunContext, options: RunOptions) {
  options.onStep(index, 'running');
  ctx.log.line(`\u001b[1m==> ${step.title}\u001b[0m`);
  for (const note of step.notes) ctx.log.line(`    ${note}`);
  for (const action of step.actions) {
    ctx.signal.throwIfAborted();
    await runAction(action, ctx);
  }
  options.onStep(index, 'done');
}

async function undo(started: Step[], ctx: RunContext) {
  const actions = [...started].reverse().flatMap((s) => s.undo);
  if (actions.length === 0) return;
  ctx.log.line('\u001b[1m==> Removing what this deploy started; the previous release keeps serving\u001b[0m');
  for (const action of actions) {
    await runAction(action, ctx).catch((err: unknown) => ctx.log.line(`    (cleanup: ${(err as Error).message})`));
  }
}

export async function runAction(action: Action, ctx: RunContext): Promise<void> {
  switch (action.kind) {
    case 'exec':
      return runExec(action, ctx);
    case 'upload':
      ctx.log.line(`upload ${action.path} (${Buffer.byteLength(action.content)} bytes, mode 0${action.mode.toString(8)})`);
      return serverOf(ctx).writeFile(action.path, action.content, action.mode);
    case 'pipe':
      return runPipe(action, ctx);
    case 'check':
      ctx.log.line(`check: ${action.display}`);
      return action.run(ctx);
    case 'api':
      ctx.log.line(`\u001b[2m${action.display}\u001b[0m`);
      return action.run(ctx);
  }
}

async function runExec(action: ExecAction, ctx: RunContext): Promise<void> {
  const host = hostFor(action.on, ctx);
  ctx.log.line(`\u001b[2m$ ${commandLine(action.argv)}\u001b[0m`);
  const channel = await host.spawn(action.argv, { env: action.env, processGroup: action.cancellable });
  if (action.secretStdin !== undefined) channel.writeStdin(action.secretStdin);
  channel.endStdin();
  const status = await follow(channel, ctx);
  ctx.log.flush();
  if (ctx.signal.aborted) throw new ApiError('CANCELLED', 'Cancelled.');
  const code = status.exitCode;
  if (code === 0 || (code !== null && action.okExitCodes?.includes(code))) return;
  throw new StepFailure(`${commandLine(action.argv.slice(0, 4))}${action.argv.length > 4 ? ' …' : ''} ${code === null ? `ended by ${status.signal ?? 'an unknown signal'}` : `exited with ${code}`}`);
}

/** Streams a channel's output into the log and kills it (with what it started) on cancel. */
async function follow(channel: ExecChannel, ctx: RunContext) {
  channel.stdout.on('data', (chunk: Buffer) => ctx.log.output(chunk.toString('utf8'), 'out'));
  channel.stderr.on('data', (chunk: Buffer) => ctx.log.output(chunk.toString('utf8'), 'err'));
  const onAbort = () => channel.kill();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await channel.done.catch((err: unknown) => {
      if (ctx.signal.aborted) return { exitCode: null, signal: 'KILL' };
      throw err;
    });
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

async function runPipe(action: PipeAction, ctx: RunContext): Promise<void> {
  const local = hostFor('local', ctx);
  ctx.log.line(`\u001b[2m$ ${(viewAction(action) as { display: string }).display}\u001b[0m`);
  const source = await local.spawn(action.from, { env: action.fromEnv });
  source.endStdin();
  const sink = await serverOf(ctx).spawn(action.to, { processGroup: true });
  const stream = action.gzip ? source.stdout.pipe(zlib.createGzip({ level: 6 })) : source.stdout;
  let bytes = 0;
  stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
  stream.pipe(sink.stdin);
  source.stderr.on('data', (chunk: Buffer) => ctx.log.output(chunk.toString('utf8'), 'local-err'));
  const abort = () => source.kill();
  ctx.signal.addEventListener('abort', abort, { once: true });
  try {
    const [from, to] = await Promise.all([source.done, follow(sink, ctx)]);
    ctx.log.flush();
    if (ctx.signal.aborted) throw new ApiError('CANCELLED', 'Cancelled.');
    if (from.exitCode !== 0) throw new StepFailure(`${commandLine(action.from)} exited with ${String(from.exitCode)} on this computer`);
    if (to.exitCode !== 0) throw new StepFailure(`${commandLine(action.to)} exited with ${String(to.exitCode)} on the server`);
    ctx.log.line(`    sent ${(bytes / 1024 / 1024).toFixed(1)} MiB${action.gzip ? ' compressed' : ''}`);
  } finally {
    ctx.signal.removeEventListener('abort', abort);
  }
}

function hostFor(on: 'server' | 'local', ctx: RunContext): Host {
  if (on === 'server') return serverOf(ctx);
  if (!ctx.local) throw new StepFailure('This step runs on this computer, but no local host is available.');
  return ctx.local;
}
