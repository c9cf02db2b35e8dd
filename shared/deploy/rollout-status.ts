/**
 * What a workload's status says about its rollout, read the way `kubectl
 * rollout status` reads it, plus what a pod's status says went wrong. Pure:
 * the watcher feeds it objects as they change.
 */
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- status shapes differ by kind; each field is checked where read

export type RolloutState =
  | { state: 'progressing'; message: string }
  | { state: 'done'; message: string }
  | { state: 'failed'; message: string };

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function condition(object: Obj, type: string): Obj | undefined {
  const conditions = object.status?.conditions;
  return Array.isArray(conditions) ? conditions.find((c: Obj) => c?.type === type) : undefined;
}

export function rolloutState(object: Obj): RolloutState {
  const kind = object.kind as string;
  const name = `${kind} ${object.metadata?.name as string}`;
  const status = object.status ?? {};
  const generation = num(object.metadata?.generation);
  if (kind !== 'Job' && generation > num(status.observedGeneration)) return { state: 'progressing', message: `${name}: waiting for the controller to see the new spec` };
  switch (kind) {
    case 'Deployment': {
      const progressing = condition(object, 'Progressing');
      if (progressing?.reason === 'ProgressDeadlineExceeded') return { state: 'failed', message: `${name} exceeded its progress deadline: ${progressing.message ?? 'no progress'}` };
      const want = object.spec?.replicas ?? 1;
      const updated = num(status.updatedReplicas);
      if (updated < want) return { state: 'progressing', message: `${name}: ${updated} of ${want} new replicas updated` };
      if (num(status.replicas) > updated) return { state: 'progressing', message: `${name}: ${num(status.replicas) - updated} old replicas pending termination` };
      if (num(status.availableReplicas) < updated) return { state: 'progressing', message: `${name}: ${num(status.availableReplicas)} of ${updated} updated replicas available` };
      return { state: 'done', message: `${name}: ${updated} of ${want} replicas available` };
    }
    case 'StatefulSet': {
      const want = object.spec?.replicas ?? 1;
      if (num(status.readyReplicas) < want) return { state: 'progressing', message: `${name}: ${num(status.readyReplicas)} of ${want} pods ready` };
      if (status.updateRevision && status.currentRevision !== status.updateRevision && num(status.updatedReplicas) < want) {
        return { state: 'progressing', message: `${name}: ${num(status.updatedReplicas)} of ${want} pods updated` };
      }
      return { state: 'done', message: `${name}: ${want} pods ready` };
    }
    case 'DaemonSet': {
      const want = num(status.desiredNumberScheduled);
      if (num(status.updatedNumberScheduled) < want) return { state: 'progressing', message: `${name}: ${num(status.updatedNumberScheduled)} of ${want} nodes updated` };
      if (num(status.numberAvailable) < want) return { state: 'progressing', message: `${name}: ${num(status.numberAvailable)} of ${want} nodes available` };
      return { state: 'done', message: `${name}: running on ${want} node${want === 1 ? '' : 's'}` };
    }
    case 'Job': {
      const complete = condition(object, 'Complete');
      if (complete?.status === 'True') return { state: 'done', message: `${name} completed` };
      const failed = condition(object, 'Failed');
      if (failed?.status === 'True') return { state: 'failed', message: `${name} failed: ${failed.reason ?? ''} ${failed.message ?? ''}`.trim() };
      return { state: 'progressing', message: `${name}: ${num(status.active)} running, ${num(status.succeeded)} succeeded, ${num(status.failed)} failed` };
    }
    default:
      return { state: 'done', message: `${name} applied` };
  }
}

export interface PodProblem {
  pod: string;
  container?: string;
  reason: string;
  message: string;
  /** Will not fix itself: the rollout fails now instead of at its timeout. */
  fatal: boolean;
  /** Worth showing the container's last log lines. */
  wantsLogs: boolean;
}

const FATAL_WAITING = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'CrashLoopBackOff', 'RunContainerError']);

export function podProblems(pod: Obj): PodProblem[] {
  const name = pod.metadata?.name as string;
  const out: PodProblem[] = [];
  const scheduled = (pod.status?.conditions ?? []).find((c: Obj) => c?.type === 'PodScheduled');
  if (scheduled?.status === 'False') {
    out.push({ pod: name, reason: scheduled.reason ?? 'Unschedulable', message: `${name} cannot be scheduled: ${scheduled.message ?? scheduled.reason ?? 'no node fits'}`, fatal: false, wantsLogs: false });
  }
  const statuses: Obj[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const s of statuses) {
    const waiting = s.state?.waiting;
    if (waiting?.reason && FATAL_WAITING.has(waiting.reason)) {
      const crash = waiting.reason === 'CrashLoopBackOff';
      const last = s.lastState?.terminated;
      const exit = crash && last ? ` (last exit code ${String(last.exitCode)}${last.reason ? `, ${String(last.reason)}` : ''})` : '';
      out.push({ pod: name, container: s.name, reason: waiting.reason, message: `${name}/${s.name as string}: ${waiting.reason}${exit}${waiting.message ? ` — ${String(waiting.message)}` : ''}`, fatal: true, wantsLogs: crash });
    }
    const terminated = s.state?.terminated;
    if (terminated?.reason === 'OOMKilled') out.push({ pod: name, container: s.name, reason: 'OOMKilled', message: `${name}/${s.name as string} was killed for using more memory than its limit`, fatal: false, wantsLogs: true });
  }
  return out;
}

/** Events worth a line in the deploy log: warnings about the app's own objects. */
export function eventLine(event: Obj): string | undefined {
  if (event.type !== 'Warning') return undefined;
  const involved = event.involvedObject ?? event.regarding ?? {};
  return `${String(involved.kind ?? '')} ${String(involved.name ?? '')}: ${String(event.reason ?? '')} ${String(event.message ?? event.note ?? '')}`.trim();
}
