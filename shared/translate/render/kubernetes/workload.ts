import type { App, Service } from '../../../model/app.js';
import type { Diagnostic } from '../../../model/diagnostic.js';

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job';

export const mountsUnsharedVolume = (app: App, service: Service): boolean =>
  service.mounts.some((m) => 'volume' in m && app.volumes[m.volume] !== undefined && !app.volumes[m.volume]!.shared);

/**
 * `runs` decides the kind, never `restart`: restart only says what Docker
 * does when the container exits, and a database with restart on-failure is
 * still a server. Tasks (runs: once) are Jobs; global services run on every
 * node as DaemonSets; a server that may run several replicas while mounting
 * a ReadWriteOnce volume is a StatefulSet (each pod its own claim); anything
 * else is a Deployment.
 */
export function workloadKind(app: App, service: Service): WorkloadKind {
  if (service.runs === 'once') return 'Job';
  if (service.mode === 'global') return 'DaemonSet';
  const most = service.autoscale?.max ?? service.replicas;
  return most > 1 && mountsUnsharedVolume(app, service) ? 'StatefulSet' : 'Deployment';
}

/**
 * A Job's pod keeps Docker's restart meaning: on-failure restarts the
 * container in place (OnFailure, Docker-like retries); no runs it once
 * (Never, no retries); always and unless-stopped retry a failed run with a
 * new pod, but Kubernetes never reruns a task that succeeded.
 */
export function jobPolicy(service: Service): { restartPolicy: 'OnFailure' | 'Never'; backoffLimit: number } {
  if (service.restart === 'on-failure') return { restartPolicy: 'OnFailure', backoffLimit: 6 };
  return { restartPolicy: 'Never', backoffLimit: service.restart === 'no' ? 0 : 6 };
}

export function workloadDiagnostics(app: App, name: string, service: Service, kind: WorkloadKind, diagnostics: Diagnostic[]): void {
  const at = `services.${name}`;
  if (kind === 'Job') {
    if (service.mode === 'global') {
      diagnostics.push({ severity: 'warning', code: 'JOB_NOT_GLOBAL', message: `${name} runs once, so it is one Job on Kubernetes, not one copy per node as mode global asks. Remove runs: once if it is a per-node server, or mode: global if one run is enough.`, field: `${at}.mode` });
    }
    if (service.ports.length > 0 || service.routes.length > 0) {
      diagnostics.push({ severity: 'warning', code: 'JOB_NOT_ROUTED', message: `${name} runs once (runs: once), so it becomes a Job and gets no Service or routes. Remove runs: once if ${name} serves traffic.`, field: `${at}.runs` });
    }
    if (service.restart === 'always' || service.restart === 'unless-stopped') {
      diagnostics.push({ severity: 'info', code: 'JOB_RESTART_IGNORED', message: `${name} runs once with restart ${service.restart}: Docker starts it again after it exits, Kubernetes retries it only when it fails. Set restart to on-failure or no to say what you mean.`, field: `${at}.restart` });
    }
    return;
  }
  if (service.restart === 'no' || service.restart === 'on-failure') {
    diagnostics.push({ severity: 'info', code: 'RESTART_ALWAYS_ON_KUBERNETES', message: `${name} runs continuously, so on Kubernetes it is a ${kind} and is restarted whenever it exits, although restart is ${service.restart}. Set runs: once if ${name} is a task that should run to completion.`, field: `${at}.restart` });
  }
  if (kind === 'DaemonSet') {
    if (service.replicas !== 1 || service.autoscale) {
      diagnostics.push({ severity: 'warning', code: 'DAEMONSET_REPLICAS_IGNORED', message: `${name} runs in mode global: one pod per node, so ${service.autoscale ? 'autoscale' : 'replicas'} does not apply on Kubernetes. Remove it, or mode: global to run a fixed number of copies.`, field: `${at}.${service.autoscale ? 'autoscale' : 'replicas'}` });
    }
    if (mountsUnsharedVolume(app, service)) {
      diagnostics.push({ severity: 'warning', code: 'DAEMONSET_RWO_VOLUME', message: `${name} runs on every node but mounts a ReadWriteOnce volume, which only pods on one node can attach. Set shared: true on the volume (ReadWriteMany storage), or run ${name} in mode replicated.`, field: `${at}.mounts` });
    }
  }
}
