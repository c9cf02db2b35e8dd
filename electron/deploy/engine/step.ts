import { quote } from 'shell-quote';
import type { PlanAction, PlanStepView } from '../../../shared/model/deploy.js';
import type { Host } from '../../hosts/host.js';
import type { DeployLog } from './deploy-log.js';

/**
 * The engine's vocabulary, shared by every target. A step is a title and a
 * list of actions fixed when the plan is made; the runner executes exactly
 * those actions, so what runs is what the plan showed.
 */
export type Action = ExecAction | UploadAction | PipeAction | CheckAction | ApiAction;

export interface ExecAction {
  kind: 'exec';
  on: 'server' | 'local';
  argv: string[];
  /** Exit codes besides 0 that still count as success (e.g. "already exists"). */
  okExitCodes?: number[];
  /** Long work (pulls, builds, compose up) runs in its own process group so Cancel can kill all of it. */
  cancellable?: boolean;
  /** Environment for a local command (server commands take none: their shell decides). */
  env?: Record<string, string>;
  /** Fed to the program's stdin, never shown: how a deploy key reaches git without touching the disk for long. */
  secretStdin?: string;
}

export interface UploadAction {
  kind: 'upload';
  path: string;
  /** Bytes for binary files (an app file with encoding base64). */
  content: string | Uint8Array;
  /** Octal, e.g. 0o600 for files that can hold a secret. */
  mode: number;
  /** What the plan shows: the content with secret values masked. */
  preview: string;
}

/** Local program's stdout into a server program's stdin, e.g. `docker save` → `docker load`. */
export interface PipeAction {
  kind: 'pipe';
  from: string[];
  to: string[];
  fromEnv?: Record<string, string>;
  /** Compress on the way (docker load reads gzip itself). */
  gzip: boolean;
}

/** A read-only wait or check whose logic is code (health gates, lock checks); `display` says exactly what it checks. */
export interface CheckAction {
  kind: 'check';
  display: string;
  run(ctx: RunContext): Promise<void>;
}

/** A call to the destination's API that changes it (a Kubernetes apply or delete); `display` says exactly which. */
export interface ApiAction {
  kind: 'api';
  display: string;
  run(ctx: RunContext): Promise<void>;
}

export interface Step {
  id: string;
  title: string;
  notes: string[];
  actions: Action[];
  /** Run in reverse step order when a later step fails or the deploy is cancelled. */
  undo: Action[];
  /** Runs even after a failure or cancel (releasing the lock). */
  always?: boolean;
  /** A failure is reported but the deploy goes on (stopping the previous release, pruning). */
  bestEffort?: boolean;
  /** Once this step has run, traffic is on the new release: later failures undo nothing. */
  commits?: boolean;
}

export interface RunContext {
  /** The destination's server over SSH; a Kubernetes destination reached through its API alone has none. */
  server?: Host;
  local?: Host;
  log: DeployLog;
  signal: AbortSignal;
}

/** The server a step runs on; a step that needs one and has none is a planning mistake, reported as such. */
export function serverOf(ctx: RunContext): Host {
  if (!ctx.server) throw new Error('This step runs on the server, but this deploy has no server connection.');
  return ctx.server;
}

export function commandLine(argv: readonly string[]): string {
  return quote([...argv]);
}

export function viewAction(action: Action): PlanAction {
  switch (action.kind) {
    case 'exec':
      return { kind: 'exec', on: action.on, argv: action.argv, display: envPrefix(action.env) + commandLine(action.argv) + (action.secretStdin ? ' < (deploy key, from the secret store)' : '') };
    case 'upload':
      return { kind: 'upload', path: action.path, mode: `0${action.mode.toString(8)}`, bytes: Buffer.byteLength(action.content), preview: action.preview };
    case 'pipe':
      return { kind: 'pipe', display: `${envPrefix(action.fromEnv)}${commandLine(action.from)}${action.gzip ? ' | gzip' : ''} | ssh <server> ${commandLine(action.to)}` };
    case 'check':
      return { kind: 'check', display: action.display };
    case 'api':
      return { kind: 'api', display: action.display };
  }
}

export function viewStep(step: Step): PlanStepView {
  return { id: step.id, title: step.title, notes: step.notes, actions: step.actions.map(viewAction), undo: step.undo.map(viewAction) };
}

function envPrefix(env: Record<string, string> | undefined): string {
  if (!env || Object.keys(env).length === 0) return '';
  return `${Object.entries(env).map(([k, v]) => `${k}=${quote([v])}`).join(' ')} `;
}

export const exec = (argv: string[], extra: Partial<Omit<ExecAction, 'kind' | 'argv'>> = {}): ExecAction => ({ kind: 'exec', on: 'server', argv, ...extra });
export const check = (display: string, run: CheckAction['run']): CheckAction => ({ kind: 'check', display, run });
export const apiCall = (display: string, run: ApiAction['run']): ApiAction => ({ kind: 'api', display, run });
