import type { App, KubernetesDestination, Service } from '../../../model/app.js';
import type { Diagnostic } from '../../../model/diagnostic.js';
import { envEntries } from '../env.js';
import { bytesToKubernetes, cpusToKubernetes, quantityToBytes } from '../quantity.js';
import { escapeDependentVars } from './escape.js';
import { toDnsLabel } from '../names.js';
import { probes } from './probes.js';
import { runtimeParts } from './runtime.js';
import { composeKeyParts } from './compose-keys.js';
import { SECRET_FILES_VOLUME, SECRET_KEY, secretFilePath, secretName, templateKey } from './secrets.js';

export const FILES_VOLUME = 'berth-files';
export const filesConfigMapName = (service: string) => toDnsLabel(`${service}-files`);

/** ConfigMap key for an inline file: its path, flattened to the characters keys allow. */
export const fileKey = (path: string) => path.replace(/^\/+/, '').replace(/[^-._a-zA-Z0-9]+/g, '_') || 'file';

export interface PodContext {
  app: App;
  name: string;
  service: Service;
  destination: KubernetesDestination;
  /** Volumes this pod gets from StatefulSet volumeClaimTemplates instead of a shared claim. */
  templatedVolumes: Set<string>;
  /** Init containers that hold the pod until its dependencies are there (ordering.ts). */
  initContainers?: Record<string, unknown>[];
  serviceAccountName?: string;
  /** Every name this service answers to, so its own health check can reach itself. */
  selfNames?: string[];
  /** The image a deploy built for this service (render option kubernetes.builtImages). */
  builtImage?: { ref: string; imported?: boolean };
  diagnostics: Diagnostic[];
}

const mode = (m: string | undefined) => (m ? { mode: parseInt(m, 8) } : {});

export function podSpec(ctx: PodContext): Record<string, unknown> {
  const { app, name, service, destination, diagnostics } = ctx;
  const at = `services.${name}`;
  const container: Record<string, unknown> = { name, image: imageFor(ctx) };
  // An image imported into the node's containerd exists nowhere else: never pull it.
  if (ctx.builtImage?.imported && !service.image) container.imagePullPolicy = 'IfNotPresent';
  if (service.entrypoint) container.command = service.entrypoint.map(escapeDependentVars);
  if (service.command) container.args = service.command.map(escapeDependentVars);
  if (service.workingDir) container.workingDir = service.workingDir;

  const env = envEntries(service).filter((e) => e.runtime).map((e) => {
    if (!e.secret) return { name: e.name, value: escapeDependentVars(e.value) };
    return { name: e.name, valueFrom: { secretKeyRef: { name: secretName(app), key: e.template ? templateKey(name, e.name) : e.value } } };
  });
  if (env.length > 0) container.env = env;
  if (service.ports.length > 0) {
    container.ports = service.ports.map((p) => ({ name: p.name ?? `${p.protocol}-${p.port}`, containerPort: p.port, protocol: p.protocol.toUpperCase() }));
  }

  const runtime = runtimeParts(name, service, diagnostics);
  const keys = composeKeyParts(name, service, diagnostics);
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
    volumes.push({ name: FILES_VOLUME, configMap: { name: filesConfigMapName(name), items: service.files.map((f) => ({ key: fileKey(f.path), path: fileKey(f.path), ...mode(f.mode) })) } });
    for (const f of service.files) mounts.push({ name: FILES_VOLUME, mountPath: f.path, subPath: fileKey(f.path), readOnly: true });
  }
  const secretFiles = (service.secretFiles ?? []).filter((f) => SECRET_KEY.test(f.secret));
  if (secretFiles.length > 0) {
    // Items are keyed by secret name, one per distinct secret; each file is a subPath of the one volume, as /run/secrets/<name> is on Docker.
    const items = [...new Map(secretFiles.map((f) => [f.secret, { key: f.secret, path: f.secret, ...mode(f.mode) }])).values()];
    volumes.push({ name: SECRET_FILES_VOLUME, secret: { secretName: secretName(app), items } });
    for (const f of secretFiles) mounts.push({ name: SECRET_FILES_VOLUME, mountPath: secretFilePath(f), subPath: f.secret, readOnly: true });
  }
  volumes.push(...runtime.volumes);
  mounts.push(...runtime.mounts);
  if (mounts.length > 0) container.volumeMounts = mounts;
  const resources = resourcesFor(service, keys.limits);
  if (resources) container.resources = resources;
  if (service.healthcheck) {
    Object.assign(container, probes(service.healthcheck, ctx.selfNames ?? [name], (self) => diagnostics.push({
      severity: 'info',
      code: 'HEALTHCHECK_SELF_NAME',
      message: `The health check of ${name} calls ${self}, its own name; on Kubernetes that name leads through a Service that only reaches Ready pods, so the probe calls 127.0.0.1 instead.`,
      field: `${at}.healthcheck.command`,
    })));
  }
  Object.assign(container, keys.container);
  const securityContext = { ...runtime.securityContext, ...keys.securityContext };
  if (Object.keys(securityContext).length > 0) container.securityContext = securityContext;

  const pod: Record<string, unknown> = { ...(ctx.initContainers?.length ? { initContainers: ctx.initContainers } : {}), containers: [container] };
  if (volumes.length > 0) pod.volumes = volumes;
  if (ctx.serviceAccountName) pod.serviceAccountName = ctx.serviceAccountName;
  if (destination.imagePullSecret) pod.imagePullSecrets = [{ name: destination.imagePullSecret }];
  if (service.stopGracePeriodSeconds !== undefined) pod.terminationGracePeriodSeconds = service.stopGracePeriodSeconds;
  if (Object.keys(runtime.podSecurityContext).length > 0) pod.securityContext = runtime.podSecurityContext;
  Object.assign(pod, runtime.pod, keys.pod);
  return pod;
}

function imageFor({ app, name, service, destination, diagnostics, builtImage }: PodContext): string {
  if (service.image) return service.image;
  if (service.build && builtImage) return builtImage.ref;
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

function resourcesFor(service: Service, extraLimits: Record<string, string>): Record<string, unknown> | undefined {
  const out: Record<string, Record<string, string>> = {};
  for (const [from, to] of [['limits', 'limits'], ['reservations', 'requests']] as const) {
    const r = service.resources?.[from];
    if (!r) continue;
    const entry: Record<string, string> = {};
    if (r.cpus !== undefined) entry.cpu = cpusToKubernetes(r.cpus);
    if (r.memory !== undefined) entry.memory = bytesToKubernetes(quantityToBytes(r.memory));
    out[to] = entry;
  }
  if (Object.keys(extraLimits).length > 0) out.limits = { ...out.limits, ...extraLimits };
  return Object.keys(out).length > 0 ? out : undefined;
}
