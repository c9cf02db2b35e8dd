import type { ClusterStatus } from '../../../../shared/model/cluster';
import type { DeployRecord } from '../../../../shared/model/deploy';
import { counted } from '../../lib/format';
import { dockerState, LOCAL_SERVER_ID, type ConnectionState, type ProbeResult } from '../../../../shared/model/server';

/**
 * The activity list as pure data: long work (connecting, testing, checking a cluster, importing, deploying) reduced
 * from the events the stores see into one entry per piece of work, newest first. No I/O here; activity-feeds.ts
 * turns store changes and API events into these events.
 */

export type ActivityState = 'running' | 'succeeded' | 'failed' | 'cancelled';
export type ActivityKind = 'connect' | 'test' | 'check' | 'import' | 'deploy';

/** What "Show" on an entry opens. */
export type ActivityTarget =
  | { kind: 'server'; serverId: string }
  | { kind: 'cluster'; context: string }
  | { kind: 'deploy'; app: string; destination: string; deployId: string }
  | { kind: 'apps' };

export interface ActivityEntry {
  id: string;
  kind: ActivityKind;
  /** The thing worked on: a new connect, test or check of it replaces the finished one before it. */
  subject: string;
  label: string;
  state: ActivityState;
  /** Steps done of all steps; absent while the work has no countable steps (shown as indeterminate). */
  progress?: { done: number; total: number };
  /** What it is doing now ("Connecting…", a deploy's current step), shown while it runs. */
  phase?: string;
  startedAt: number;
  finishedAt?: number;
  /** How it ended, in words that say what to do next when something is wrong. */
  outcome?: string;
  /** It ended, but the outcome needs the user (e.g. reached the server, and Docker is missing there). */
  warning?: boolean;
  target?: ActivityTarget;
}

export type ActivityEvent =
  | { type: 'connection'; at: number; serverId: string; serverName: string; state: ConnectionState; error?: string }
  | { type: 'test-started'; at: number; serverId: string; serverName: string }
  | { type: 'test-ended'; at: number; serverId: string; error?: string; probe?: ProbeResult }
  | { type: 'check-started'; at: number; context: string }
  | { type: 'check-ended'; at: number; context: string; error?: string; status?: ClusterStatus }
  | { type: 'import-started'; at: number; importId: string; name?: string }
  | { type: 'import-ended'; at: number; importId: string; error?: string; app?: { name: string; services: number }; errors?: number; warnings?: number }
  | { type: 'deploy'; at: number; record: DeployRecord };

/** Entries kept; the oldest finished ones go first (running work is never dropped). */
export const ACTIVITY_LIMIT = 50;

/** Kinds where only the latest run per subject is worth keeping: checks repeat, their old results are stale. */
const REPEATED: ReadonlySet<ActivityKind> = new Set(['connect', 'test', 'check']);

export function reduceActivity(entries: readonly ActivityEntry[], event: ActivityEvent): ActivityEntry[] {
  switch (event.type) {
    case 'connection':
      return connection(entries, event);
    case 'test-started':
      return start(entries, { id: `test:${event.serverId}:${event.at}`, kind: 'test', subject: `server:${event.serverId}`, label: `Testing ${event.serverName}`, startedAt: event.at, target: { kind: 'server', serverId: event.serverId } });
    case 'test-ended':
      return finishRunning(entries, 'test', `server:${event.serverId}`, event.at, testOutcome(event));
    case 'check-started':
      return start(entries, { id: `check:${event.context}:${event.at}`, kind: 'check', subject: `cluster:${event.context}`, label: `Checking cluster ${event.context}`, startedAt: event.at, target: { kind: 'cluster', context: event.context } });
    case 'check-ended':
      return finishRunning(entries, 'check', `cluster:${event.context}`, event.at, checkOutcome(event));
    case 'import-started':
      return start(entries, { id: `import:${event.importId}`, kind: 'import', subject: `import:${event.importId}`, label: `Importing ${event.name ?? 'a compose file'}`, startedAt: event.at, target: { kind: 'apps' } });
    case 'import-ended':
      return update(entries, `import:${event.importId}`, (e) => ({ ...e, ...(event.app ? { label: `Importing ${event.app.name}` } : {}), ...importOutcome(event), finishedAt: event.at }));
    case 'deploy':
      return deploy(entries, event.record, event.at);
  }
}

export const runningCount = (entries: readonly ActivityEntry[]) => entries.filter((e) => e.state === 'running').length;

type Outcome = Pick<ActivityEntry, 'state' | 'outcome' | 'warning'>;

function start(entries: readonly ActivityEntry[], entry: Omit<ActivityEntry, 'state'>): ActivityEntry[] {
  const rest = REPEATED.has(entry.kind) ? entries.filter((e) => !(e.kind === entry.kind && e.subject === entry.subject && e.state !== 'running')) : entries;
  return capped([{ ...entry, state: 'running' }, ...rest.filter((e) => e.id !== entry.id)]);
}

function capped(entries: ActivityEntry[]): ActivityEntry[] {
  let over = entries.length - ACTIVITY_LIMIT;
  if (over <= 0) return entries;
  const kept = [...entries];
  for (let i = kept.length - 1; i >= 0 && over > 0; i--) {
    if (kept[i]!.state !== 'running') {
      kept.splice(i, 1);
      over--;
    }
  }
  return kept;
}

function update(entries: readonly ActivityEntry[], id: string, change: (entry: ActivityEntry) => ActivityEntry): ActivityEntry[] {
  const at = entries.findIndex((e) => e.id === id);
  if (at < 0) return [...entries];
  const next = [...entries];
  next[at] = change(entries[at]!);
  return next;
}

/** Ends the running entry of this kind and subject; an end without a start (seen by another tab) changes nothing. */
function finishRunning(entries: readonly ActivityEntry[], kind: ActivityKind, subject: string, at: number, outcome: Outcome): ActivityEntry[] {
  const running = entries.find((e) => e.kind === kind && e.subject === subject && e.state === 'running');
  return running ? update(entries, running.id, (e) => ({ ...e, ...outcome, finishedAt: at })) : [...entries];
}

const TEST_PHASE: Partial<Record<ConnectionState, string>> = { connecting: 'Connecting…', connected: 'Connected, reading what it runs…' };

function connection(before: readonly ActivityEntry[], event: Extract<ActivityEvent, { type: 'connection' }>): ActivityEntry[] {
  const subject = `server:${event.serverId}`;
  const running = before.some((e) => e.kind === 'connect' && e.subject === subject && e.state === 'running');
  // A test connects first: its own entry says so, rather than a second entry for the same work and the same error.
  const test = before.find((e) => e.kind === 'test' && e.subject === subject && e.state === 'running');
  const entries = test ? update(before, test.id, (e) => ({ ...e, phase: TEST_PHASE[event.state] ?? e.phase })) : [...before];
  if (test && !running) return entries;
  switch (event.state) {
    case 'connecting':
      if (running) return [...entries];
      return start(entries, { id: `connect:${event.serverId}:${event.at}`, kind: 'connect', subject, label: `Connecting to ${event.serverName}`, startedAt: event.at, target: { kind: 'server', serverId: event.serverId } });
    case 'connected':
      return finishRunning(entries, 'connect', subject, event.at, { state: 'succeeded', outcome: 'Connected.' });
    case 'error':
      return finishRunning(entries, 'connect', subject, event.at, { state: 'failed', outcome: event.error ?? `${event.serverName} could not be reached. Check its address and key with Edit, then test it again.` });
    case 'idle':
      // A connection closing is not work; only one that was still opening has ended unfinished.
      return finishRunning(entries, 'connect', subject, event.at, { state: 'cancelled', outcome: 'The connection closed before it was ready.' });
  }
}

/** Ends a message from elsewhere with a full stop, so the advice after it reads as its own sentence. */
const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/** What a probe found, said as what it means for deploying there. */
export function probeOutcome(serverId: string, probe: ProbeResult): Outcome {
  const there = serverId === LOCAL_SERVER_ID ? 'on this computer' : 'there';
  const docker = dockerState(probe);
  if (docker === 'not-answering') {
    const said = probe.dockerError ? ` Docker said: ${sentence(probe.dockerError)}` : '';
    return { state: 'succeeded', warning: true, outcome: `Reached, but Docker's daemon ${there} did not answer: start Docker, then test again.${said}` };
  }
  if (docker === 'missing') return { state: 'succeeded', warning: true, outcome: `Reached, but Docker is not installed ${there}: install Docker Engine to deploy ${there}.` };
  if (!probe.compose) return { state: 'succeeded', warning: true, outcome: `Reached. Docker ${probe.docker} runs ${there}, but Compose does not: install the Docker Compose plugin to deploy ${there}.` };
  return { state: 'succeeded', outcome: `Reached. Docker ${probe.docker}, Compose ${probe.compose.version}.` };
}

function testOutcome(event: Extract<ActivityEvent, { type: 'test-ended' }>): Outcome {
  if (event.error) return { state: 'failed', outcome: event.error };
  return event.probe ? probeOutcome(event.serverId, event.probe) : { state: 'succeeded', outcome: 'Reached.' };
}

function checkOutcome(event: Extract<ActivityEvent, { type: 'check-ended' }>): Outcome {
  const status = event.status;
  if (event.error || !status) return { state: 'failed', outcome: event.error ?? 'The check did not finish.' };
  if (status.state === 'reachable') {
    return status.ready ? { state: 'succeeded', outcome: `Reachable, Kubernetes ${status.version}.` } : { state: 'succeeded', warning: true, outcome: `Reachable, Kubernetes ${status.version}, but not ready yet: check again in a minute.` };
  }
  return { state: 'failed', outcome: `${status.state === 'offline' ? 'Offline' : 'Refused'}: ${status.reason}` };
}

function importOutcome(event: Extract<ActivityEvent, { type: 'import-ended' }>): Outcome {
  if (event.error) return { state: 'failed', outcome: event.error };
  const errors = event.errors ?? 0;
  const warnings = event.warnings ?? 0;
  if (!event.app) {
    return { state: 'failed', outcome: `The file has ${errors || 'some'} error${errors === 1 ? '' : 's'}: read them in the import dialog, fix the file and import it again.` };
  }
  const services = counted(event.app.services, ['service', 'services']);
  if (warnings > 0) return { state: 'succeeded', warning: true, outcome: `${event.app.name}: ${services}, ${counted(warnings, ['warning', 'warnings'])} to read before deploying. Open it from the import dialog and save it.` };
  return { state: 'succeeded', outcome: `${event.app.name}: ${services}. Open it from the import dialog and save it.` };
}

const stepsDone = (record: DeployRecord) => record.steps.filter((s) => s.status === 'done' || s.status === 'skipped').length;

export function deployLabel(record: Pick<DeployRecord, 'kind' | 'app' | 'destination'>): string {
  return record.kind === 'rollback' ? `Rolling back ${record.app} on ${record.destination}` : `Deploying ${record.app} to ${record.destination}`;
}

function deployOutcome(record: DeployRecord): Outcome {
  switch (record.outcome) {
    case 'running':
      return { state: 'running' };
    case 'succeeded':
      return { state: 'succeeded', outcome: `${record.id} is serving.` };
    case 'cancelled':
      return { state: 'cancelled', outcome: 'Cancelled. The previous release keeps serving.' };
    case 'interrupted':
      return { state: 'failed', outcome: `${sentence(record.error ?? 'Berth stopped while it ran')} Open it to read its log, then deploy again.` };
    case 'failed': {
      const step = record.steps.find((s) => s.id === record.failedStep)?.title ?? record.failedStep;
      const why = [step && `In "${step}":`, record.error].filter(Boolean).join(' ');
      return { state: 'failed', outcome: `${sentence(why || 'It failed')} Open it to read its log; the previous release keeps serving.` };
    }
  }
}

function deploy(entries: readonly ActivityEntry[], record: DeployRecord, at: number): ActivityEntry[] {
  const id = `deploy:${record.id}`;
  const startedAt = Date.parse(record.startedAt);
  const finishedAt = record.finishedAt ? Date.parse(record.finishedAt) : record.outcome === 'running' ? undefined : at;
  const current = record.steps.findIndex((s) => s.status === 'running');
  const fields = {
    ...deployOutcome(record),
    progress: { done: stepsDone(record), total: record.steps.length },
    ...(current >= 0 ? { phase: `${record.steps[current]!.title}…` } : {}),
    ...(finishedAt !== undefined ? { finishedAt } : {}),
  };
  if (entries.some((e) => e.id === id)) return update(entries, id, (e) => ({ ...e, ...fields }));
  return capped([
    {
      id,
      kind: 'deploy',
      subject: id,
      label: deployLabel(record),
      startedAt: Number.isFinite(startedAt) ? startedAt : at,
      target: { kind: 'deploy', app: record.app, destination: record.destination, deployId: record.id },
      ...fields,
    },
    ...entries,
  ]);
}
