import { dependenciesOf, type App, type Service } from '../../../model/app.js';
import type { Diagnostic } from '../../../model/diagnostic.js';
import type { RenderOptions } from '../options.js';
import { toDnsLabel } from '../names.js';
import type { WorkloadKind } from './workload.js';

/** busybox: a few MB, with sh and an nc that can test a TCP connect (-z). */
export const DEFAULT_WAIT_IMAGE = 'busybox:1.37';
/** The Kubernetes project's own kubectl image; it has kubectl and no shell, so it runs kubectl directly. */
export const DEFAULT_KUBECTL_IMAGE = 'registry.k8s.io/kubectl:v1.33.0';

export const jobWaiterName = (app: App) => toDnsLabel(`${app.name}-wait-jobs`);

export interface Waits {
  initContainers: Record<string, unknown>[];
  /** Jobs this pod waits for; the pod then runs as the app's job-waiter ServiceAccount. */
  jobs: string[];
}

/** The port a dependent checks: the one the health check uses when it is a TCP port of the service, else the first TCP port. */
function waitPort(service: Service): number | undefined {
  const tcp = service.ports.filter((p) => p.protocol === 'tcp').map((p) => p.port);
  const checked = service.healthcheck?.http?.port ?? service.healthcheck?.tcp?.port;
  return checked !== undefined && tcp.includes(checked) ? checked : tcp[0];
}

/** Whether `from` depends on `to`, directly or through others. */
function reaches(app: App, from: string, to: string, seen = new Set<string>()): boolean {
  if (seen.has(from)) return false;
  seen.add(from);
  const service = app.services[from];
  return service !== undefined && dependenciesOf(service).some((d) => d.service === to || reaches(app, d.service, to, seen));
}

/**
 * Kubernetes starts every pod at once; compose's depends_on order becomes
 * init containers that hold this pod until its dependencies are there.
 * started and healthy wait for a TCP connect through the dependency's
 * Service: a Service only routes to Ready pods, so with a health check
 * (readiness probe) this is "healthy", without one it is "started and
 * listening". completed waits for the dependency's Job to finish; reading a
 * Job's status needs the API, so those pods run as a ServiceAccount that may
 * get, list and watch exactly those Jobs (jobWaitAccess; the token is
 * pod-wide, which a Role this narrow makes harmless), and the wait is
 * kubectl's own `wait --for=condition=complete`. A Job that is not there yet
 * makes kubectl exit non-zero and the kubelet retries the init container, so
 * no shell loop is needed.
 */
export function waitsFor(app: App, name: string, service: Service, kinds: Map<string, WorkloadKind>, options: RenderOptions, diagnostics: Diagnostic[]): Waits {
  const waits: Waits = { initContainers: [], jobs: [] };
  const waitImage = options.kubernetes?.waitImage ?? DEFAULT_WAIT_IMAGE;
  const kubectlImage = options.kubernetes?.kubectlImage ?? DEFAULT_KUBECTL_IMAGE;
  dependenciesOf(service).forEach((dep, i) => {
    const field = `services.${name}.dependsOn[${i}]`;
    const target = app.services[dep.service];
    const kind = kinds.get(dep.service);
    if (!target || !kind || dep.service === name) return; // validateAppReferences reports it
    const skip = (severity: 'info' | 'warning', code: string, message: string) => diagnostics.push({ severity, code, message, field });
    if (reaches(app, dep.service, name)) {
      // Compose refuses such a cycle; on Kubernetes both pods would wait for each other forever.
      skip('warning', 'DEPENDS_ON_CYCLE', `${name} and ${dep.service} depend on each other, so neither could start first; on Kubernetes ${name} does not wait for ${dep.service}. Remove one of the two dependencies.`);
      return;
    }
    if (!dep.required) {
      skip('info', 'DEPENDS_ON_NOT_WAITED', `${name} depends on ${dep.service} only if it is there (required: false), so on Kubernetes ${name} starts without waiting for it.`);
      return;
    }
    if (dep.condition === 'completed') {
      if (kind !== 'Job') {
        skip('warning', 'DEPENDS_ON_COMPLETED_NOT_JOB', `${name} waits for ${dep.service} to complete, but ${dep.service} runs continuously, so on Kubernetes it never completes and ${name} starts without waiting. Set runs: once on ${dep.service} if it is a task, or change the condition to started or healthy.`);
        return;
      }
      waits.jobs.push(dep.service);
      waits.initContainers.push({
        name: toDnsLabel(`wait-for-${dep.service}`),
        image: kubectlImage,
        command: ['kubectl', 'wait', '--for=condition=complete', `job/${dep.service}`, '--timeout=-1s'],
        // kubectl keeps its discovery cache under $HOME; the image's home may not be writable.
        env: [{ name: 'HOME', value: '/tmp' }],
      });
      return;
    }
    if (kind === 'Job') {
      skip('info', 'DEPENDS_ON_NOT_WAITED', `${name} waits for ${dep.service} to be ${dep.condition}, but ${dep.service} is a task (a Job) with no Service to wait for, so ${name} starts alongside it. Use condition completed to wait until it has finished.`);
      return;
    }
    const port = waitPort(target);
    if (port === undefined) {
      skip('info', 'DEPENDS_ON_NOT_WAITED', `${name} waits for ${dep.service} to be ${dep.condition}, but ${dep.service} has no TCP port to test, so on Kubernetes ${name} starts without waiting (it is restarted if it fails meanwhile). Declare the port ${dep.service} listens on to have ${name} wait for it.`);
      return;
    }
    waits.initContainers.push({
      name: toDnsLabel(`wait-for-${dep.service}`),
      image: waitImage,
      command: ['sh', '-c', `until nc -z -w 2 ${dep.service} ${port}; do echo "waiting for ${dep.service}:${port}"; sleep 2; done`],
    });
  });
  return waits;
}

/** The ServiceAccount, Role and RoleBinding that let waiting pods read the Jobs they wait for, and nothing else. */
export function jobWaitAccess(jobs: string[], namespace: string, account: string): Array<{ apiVersion: string; kind: string; body: Record<string, unknown> }> {
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', body: {} },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', body: { rules: [{ apiGroups: ['batch'], resources: ['jobs'], resourceNames: [...new Set(jobs)].sort(), verbs: ['get', 'list', 'watch'] }] } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      body: { subjects: [{ kind: 'ServiceAccount', name: account, namespace }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: account } },
    },
  ];
}
