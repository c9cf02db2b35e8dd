import { ApiError } from '../../../shared/api/errors.js';
import { eventLine, podProblems, rolloutState, type RolloutState } from '../../../shared/deploy/rollout-status.js';
import type { DeployLog } from '../engine/deploy-log.js';
import { StepFailure } from '../engine/runner.js';
import type { KubeApi } from './kube-api.js';
import type { KubeObject } from './kube-client.js';

export const WORKLOAD_KINDS: Record<string, { apiVersion: string; path: string }> = {
  Deployment: { apiVersion: 'apps/v1', path: 'deployments' },
  StatefulSet: { apiVersion: 'apps/v1', path: 'statefulsets' },
  DaemonSet: { apiVersion: 'apps/v1', path: 'daemonsets' },
  Job: { apiVersion: 'batch/v1', path: 'jobs' },
};

export interface RolloutOptions {
  client: KubeApi;
  namespace: string;
  /** Label selector of the app's objects and pods. */
  selector: string;
  /** Workloads this release applied, by kind/name. */
  workloads: Array<{ kind: string; name: string }>;
  /** Pods created before this (server clock) belong to earlier releases: their troubles are not this rollout's. */
  since: string;
  timeoutSeconds: number;
  log: DeployLog;
  signal: AbortSignal;
}

/**
 * Waits for every workload to finish rolling out, by watching (not polling)
 * the workloads, the app's pods and the namespace's events. Progress and
 * warnings go to the deploy log as they happen; an image that cannot be
 * pulled or a container that crash-loops fails the rollout at once, with the
 * container's last log lines; anything else that never becomes ready fails
 * at the timeout with the last thing seen.
 */
export async function watchRollout(options: RolloutOptions): Promise<void> {
  const { client, namespace, log } = options;
  const states = new Map<string, RolloutState>(options.workloads.map((w) => [`${w.kind}/${w.name}`, { state: 'progressing', message: `${w.kind} ${w.name}: waiting` }]));
  if (states.size === 0) return;
  const watches: AbortController[] = [];
  const seenProblems = new Set<string>();
  const seenEvents = new Set<string>();
  const since = Date.parse(options.since);
  let lastProblem: string | undefined;

  return new Promise<void>((resolve, reject) => {
    let finished = false;
    const finish = (err?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      for (const w of watches) w.abort();
      if (err) reject(err);
      else resolve();
    };
    const onAbort = () => finish(new ApiError('CANCELLED', 'Cancelled.'));
    options.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      const waiting = [...states.values()].filter((s) => s.state !== 'done').map((s) => s.message);
      finish(new StepFailure(`The rollout did not finish within ${options.timeoutSeconds} s: ${waiting.join('; ')}${lastProblem ? `. Last problem: ${lastProblem}` : ''}.`));
    }, options.timeoutSeconds * 1000);

    const onWorkload = (object: KubeObject) => {
      const key = `${object.kind}/${object.metadata.name}`;
      if (!states.has(key)) return;
      const next = rolloutState(object);
      const previous = states.get(key);
      states.set(key, next);
      if (previous?.message !== next.message) log.line(`    ${next.message}`);
      if (next.state === 'failed') return finish(new StepFailure(next.message));
      if ([...states.values()].every((s) => s.state === 'done')) finish();
    };

    const onPod = async (object: KubeObject) => {
      const created = Date.parse(String(object.metadata.creationTimestamp ?? ''));
      if (!Number.isNaN(since) && !Number.isNaN(created) && created < since) return;
      for (const problem of podProblems(object)) {
        const key = `${problem.pod}/${problem.container ?? ''}/${problem.reason}`;
        if (seenProblems.has(key)) continue;
        seenProblems.add(key);
        lastProblem = problem.message;
        log.line(`\u001b[33m    ! ${problem.message}\u001b[0m`);
        let detail = '';
        if (problem.wantsLogs && problem.container) {
          const lines = await lastLogLines(client, namespace, problem.pod, problem.container);
          if (lines.length > 0) {
            log.line(`    last log lines of ${problem.pod}/${problem.container}:`);
            for (const l of lines) log.line(`      ${l}`);
            detail = ` Its last log line: ${lines.at(-1)}`;
          }
        }
        if (problem.fatal) finish(new StepFailure(`${problem.message}.${detail}`));
      }
    };

    const onEvent = (object: KubeObject) => {
      const uid = String((object.metadata as { uid?: string }).uid ?? object.metadata.name);
      if (seenEvents.has(uid)) return;
      seenEvents.add(uid);
      const eventTime = Date.parse(String(object.lastTimestamp ?? object.eventTime ?? object.metadata.creationTimestamp ?? ''));
      if (!Number.isNaN(since) && !Number.isNaN(eventTime) && eventTime < since) return;
      const line = eventLine(object);
      if (line) {
        lastProblem = line;
        log.line(`\u001b[33m    event: ${line}\u001b[0m`);
      }
    };

    const start = async (path: string, query: Record<string, string | number | boolean | undefined>, handle: (o: KubeObject) => void | Promise<void>) => {
      // A watch that ends by itself (the server's timeout) is restarted: the rollout decides when watching stops.
      const open = async (): Promise<void> => {
        if (finished) return;
        try {
          const controller = await client.watch(path, query, (type, object) => {
            if (type !== 'DELETED') void Promise.resolve(handle(object)).catch(() => undefined);
          }, (err) => {
            if (finished) return;
            if (err && (err as { name?: string }).name !== 'AbortError') log.line(`    (watch on ${path} ended: ${(err as Error).message ?? String(err)}; reopening)`);
            setTimeout(() => void open(), 500);
          });
          // The rollout may have finished while this watch was opening: it must not outlive it.
          if (finished) controller.abort();
          else watches.push(controller);
        } catch (err) {
          finish(client.translate(err, `watch ${path}`));
        }
      };
      await open();
    };

    // Current state first (a watch from "now" would miss a workload that is already done), then changes.
    void (async () => {
      try {
        for (const kind of new Set(options.workloads.map((w) => w.kind))) {
          const meta = WORKLOAD_KINDS[kind];
          if (!meta) continue;
          for (const o of await client.list(meta.apiVersion, kind, namespace, options.selector)) onWorkload(o);
          const prefix = meta.apiVersion === 'v1' ? '/api/v1' : `/apis/${meta.apiVersion}`;
          await start(`${prefix}/namespaces/${namespace}/${meta.path}`, { labelSelector: options.selector }, onWorkload);
        }
        await start(`/api/v1/namespaces/${namespace}/pods`, { labelSelector: options.selector }, onPod);
        await start(`/api/v1/namespaces/${namespace}/events`, {}, onEvent);
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
      }
    })();
  });
}

async function lastLogLines(client: KubeApi, namespace: string, pod: string, container: string): Promise<string[]> {
  try {
    const stream = await client.podLog(namespace, pod, container, { follow: false, tailLines: 20 });
    let text = '';
    for await (const chunk of stream) text += String(chunk);
    return text.split('\n').filter(Boolean).slice(-20);
  } catch {
    return [];
  }
}
