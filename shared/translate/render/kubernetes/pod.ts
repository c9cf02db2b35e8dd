import type { App, KubernetesDestination, Service } from '../../../model/app.js';
import type { Diagnostic } from '../../../model/diagnostic.js';
import { envEntries } from '../env.js';
import { bytesToKubernetes, cpusToKubernetes, quantityToBytes } from '../quantity.js';
import { escapeDependentVars } from './escape.js';
import { toDnsLabel } from '../names.js';
import { probes } from './probes.js';

export const FILES_VOLUME = 'berth-files';
export const secretName = (app: App) => toDnsLabel(`${app.name}-secrets`);
export const filesConfigMapName = (service: string) => toDnsLabel(`${service}-files`);
export const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** ConfigMap key for an inline file: its path, flattened to the characters keys allow. */
export const fileKey = (path: string) => path.replace(/^\/+/, '').replace(/[^-._a-zA-Z0-9]+/g, '_') || 'file';

export interface PodContext {
  app: App;
  name: string;
  service: Service;
  destination: KubernetesDestination;
  /** Volumes this pod gets from StatefulSet volumeClaimTemplates instead of a shared claim. */
  templatedVolumes: Set<string>;
  diagnostics: Diagnostic[];
}

export function podSpec(ctx: PodContext): Record<string, unknown> {
  const { app, name, service, destination, diagnostics } = ctx;
  const at = `services.${name}`;
  const container: Record<string, unknown> = { name, image: imageFor(ctx) };
  if (service.entrypoint) container.command = service.entrypoint.map(escapeDependentVars);
  if (service.command) container.args = service.command.map(escapeDependentVars);
  if (service.workingDir) container.workingDir = service.workingDir;

  const env = envEntries(service).filter((e) => e.runtime).map((e) => {
    if (!e.secret) return { name: e.name, value: escapeDependentVars(e.value) };
    return { name: e.name, valueFrom: { secretKeyRef: { name: secretName(app), key: e.value } } };
  });
  if (env.length > 0) container.env = env;
  if (service.ports.length > 0) {
    container.ports = service.ports.map((p) => ({ name: p.name ?? `${p.protocol}-${p.port}`, containerPort: p.port, protocol: p.protocol.toUpperCase() }));
  }

  const volumes: Record<string, unknown>[] = [];
  const mounts: Record<string, unknown>[] = [];
  service.mounts.forEach((m, i) => {
    // Host directories arrive here as claims (bind-mounts.ts); what is left binds a socket.
    if (!('volume' in m)) {
      diagnostics.push({
        severity: 'error',
        code: 'BIND_MOUNT_SOCKET_UNSUPPORTED',
        message: `${name} mounts the host socket ${m.hostPath} at ${m.path}, and Kubernetes has no equivalent: a pod cannot reach a daemon on whichever node it lands on. Deploy ${name} to a Docker destination, or remove the mount if it works without it.`,
        field: `${at}.mounts[${i}]`,
      });
      return;
    }
    if (!ctx.templatedVolumes.has(m.volume) && !volumes.some((v) => v.name === m.volume)) {
      volumes.push({ name: m.volume, persistentVolumeClaim: { claimName: m.volume } });
    }
    mounts.push({ name: m.volume, mountPath: m.path, ...(m.readOnly ? { readOnly: true } : {}) });
  });
  if (service.files.length > 0) {
    volumes.push({
      name: FILES_VOLUME,
      configMap: {
        name: filesConfigMapName(name),
        items: service.files.map((f) => ({ key: fileKey(f.path), path: fileKey(f.path), ...(f.mode ? { mode: parseInt(f.mode, 8) } : {}) })),
      },
    });
    for (const f of service.files) mounts.push({ name: FILES_VOLUME, mountPath: f.path, subPath: fileKey(f.path), readOnly: true });
  }
  if (mounts.length > 0) container.volumeMounts = mounts;
  const resources = resourcesFor(service);
  if (resources) container.resources = resources;
  if (service.healthcheck) Object.assign(container, probes(service.healthcheck));
  if (service.user) {
    const match = /^(\d+)(?::(\d+))?$/.exec(service.user);
    if (match) container.securityContext = { runAsUser: Number(match[1]), ...(match[2] ? { runAsGroup: Number(match[2]) } : {}) };
    else diagnostics.push({ severity: 'warning', code: 'USER_NOT_NUMERIC', message: `Kubernetes sets users by number; "${service.user}" is ignored there. Use a numeric uid[:gid].`, field: `${at}.user` });
  }

  const pod: Record<string, unknown> = { containers: [container] };
  if (volumes.length > 0) pod.volumes = volumes;
  if (destination.imagePullSecret) pod.imagePullSecrets = [{ name: destination.imagePullSecret }];
  if (service.stopGracePeriodSeconds !== undefined) pod.terminationGracePeriodSeconds = service.stopGracePeriodSeconds;
  return pod;
}

function imageFor({ app, name, service, destination, diagnostics }: PodContext): string {
  if (service.image) return service.image;
  if (service.build && destination.registry) {
    const tag = service.build.ref.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[.-]+/, '').slice(0, 128) || 'latest';
    return `${destination.registry.replace(/\/+$/, '')}/${app.name}-${name}:${tag}`;
  }
  diagnostics.push({
    severity: 'error',
    code: 'BUILD_NEEDS_IMAGE',
    message: `${name} is only built from source, and a cluster cannot build it. Set an image for ${name}, or a registry on the ${destination.name} destination to push builds to.`,
    field: `services.${name}.image`,
  });
  return `${app.name}-${name}`;
}

function resourcesFor(service: Service): Record<string, unknown> | undefined {
  if (!service.resources) return undefined;
  const out: Record<string, unknown> = {};
  for (const [from, to] of [['limits', 'limits'], ['reservations', 'requests']] as const) {
    const r = service.resources[from];
    if (!r) continue;
    const entry: Record<string, string> = {};
    if (r.cpus !== undefined) entry.cpu = cpusToKubernetes(r.cpus);
    if (r.memory !== undefined) entry.memory = bytesToKubernetes(quantityToBytes(r.memory));
    out[to] = entry;
  }
  return out;
}
