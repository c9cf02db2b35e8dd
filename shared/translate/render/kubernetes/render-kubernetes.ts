import type { App, KubernetesDestination, Service } from '../../../model/app.js';
import type { Diagnostic } from '../../../model/diagnostic.js';
import type { RenderedFile } from '../../../api/contract.js';
import type { RenderOptions } from '../options.js';
import { validateAppReferences } from '../../../validate/app.js';
import { routeHosts } from '../hosts.js';
import { NameRegistry, isDnsLabel, toDnsLabel } from '../names.js';
import { bytesToKubernetes, quantityToBytes } from '../quantity.js';
import { dumpYamlDocuments } from '../serialize.js';
import { appLabels, selectorLabels, serviceLabels } from './labels.js';
import { sortObjects } from './order.js';
import { bindMountsAsVolumes } from './bind-mounts.js';
import { fileKey, filesConfigMapName, podSpec } from './pod.js';
import { appSecret, secretName } from './secrets.js';
import { jobPolicy, mountsUnsharedVolume, workloadDiagnostics, workloadKind } from './workload.js';
import { jobWaitAccess, jobWaiterName, waitsFor } from './ordering.js';
import { resolveAliases } from './aliases.js';

export const KUBERNETES_FILE = 'kubernetes.yaml';
const CONFIGMAP_LIMIT = 1024 * 1024;

export type KubeObject = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } & Record<string, unknown> };

export interface KubernetesBuild {
  objects: Record<string, unknown>[];
  diagnostics: Diagnostic[];
}

export interface KubernetesRender extends KubernetesBuild {
  files: RenderedFile[];
}

/**
 * App definition → Kubernetes objects for one destination, sorted by apply
 * order then name so the same input always gives the same bytes.
 *
 * Tasks (runs: once) become Jobs and global services DaemonSets. A service
 * that can run more than one replica while mounting a ReadWriteOnce volume
 * becomes a StatefulSet, each pod with its own claim from
 * volumeClaimTemplates; everything else is a Deployment, with the Recreate
 * strategy whenever a ReadWriteOnce claim is mounted (a rolling update would
 * start a second pod that cannot attach it). Host directories are claims
 * too (bind-mounts.ts), under the same rules. Dependencies become init
 * containers (ordering.ts), aliases extra Services or rewritten references
 * (aliases.ts).
 */
export function renderKubernetes(app: App, destination: KubernetesDestination, options: RenderOptions = {}): KubernetesRender {
  const build = buildKubernetes(app, destination, options);
  return { ...build, files: kubernetesFiles(build.objects) };
}

/** The objects alone: renderApp serialises once, after overrides, instead of twice. */
export function buildKubernetes(definition: App, destination: KubernetesDestination, options: RenderOptions = {}): KubernetesBuild {
  const diagnostics: Diagnostic[] = validateAppReferences(definition);
  const aliases = resolveAliases(definition, options.secrets, diagnostics);
  const app = bindMountsAsVolumes(aliases.app, destination, diagnostics);
  const names = new NameRegistry();
  const objects: KubeObject[] = [];
  const namespace = destination.namespace;
  const meta = (name: string, labels: Record<string, string>, annotations?: Record<string, string>) => ({
    name, namespace, labels, ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
  });
  const add = (apiVersion: string, kind: string, name: string, field: string, labels: Record<string, string>, body: Record<string, unknown>, annotations?: Record<string, string>) => {
    const safe = isDnsLabel(name) ? name : toDnsLabel(name);
    names.claim(kind, safe, field);
    objects.push({ apiVersion, kind, metadata: meta(safe, labels, annotations), ...body });
  };

  const kinds = new Map(Object.entries(app.services).map(([name, s]) => [name, workloadKind(app, s)]));
  const templated = new Set<string>();
  for (const [name, service] of Object.entries(app.services)) {
    if (kinds.get(name) !== 'StatefulSet') continue;
    for (const m of service.mounts) if ('volume' in m && app.volumes[m.volume] && !app.volumes[m.volume]!.shared) templated.add(`${name}/${m.volume}`);
  }

  const stringData = appSecret(app, options, diagnostics);
  if (stringData) add('v1', 'Secret', secretName(app), 'name', appLabels(app.name), { type: 'Opaque', stringData });
  addVolumes(app, new Set(Object.keys(definition.volumes)), destination, templated, diagnostics, add);
  const waitedJobs: string[] = [];
  const waiter = jobWaiterName(app);

  for (const [name, service] of Object.entries(app.services)) {
    const at = `services.${name}`;
    const kind = kinds.get(name)!;
    workloadDiagnostics(app, name, service, kind, diagnostics);
    const labels = serviceLabels(app.name, name);
    const selector = selectorLabels(app.name, name);
    const templatedVolumes = new Set([...templated].filter((t) => t.startsWith(`${name}/`)).map((t) => t.slice(name.length + 1)));
    const waits = waitsFor(app, name, service, kinds, options, diagnostics);
    waitedJobs.push(...waits.jobs);
    const extraNames = aliases.extraServices.get(name) ?? [];
    const pod = podSpec({
      app, name, service, destination, templatedVolumes, diagnostics,
      initContainers: waits.initContainers,
      ...(waits.jobs.length > 0 ? { serviceAccountName: waiter } : {}),
      selfNames: [name, ...(service.aliases ?? []), ...extraNames],
      ...(options.kubernetes?.builtImages?.[name] ? { builtImage: options.kubernetes.builtImages[name] } : {}),
    });
    const template = { metadata: { labels, ...(Object.keys(service.annotations).length > 0 ? { annotations: service.annotations } : {}) }, spec: pod };

    if (service.files.length > 0) {
      const data: Record<string, string> = {};
      const binaryData: Record<string, string> = {};
      service.files.forEach((f, i) => {
        const key = fileKey(f.path);
        names.claim(`ConfigMap ${filesConfigMapName(name)} key`, key, `${at}.files[${i}].path`);
        if (f.encoding === 'base64') binaryData[key] = f.content;
        else data[key] = f.content;
      });
      // etcd refuses objects over 1 MiB; binary content counts as its decoded size.
      const bytes = service.files.reduce((n, f) => n + (f.encoding === 'base64' ? Math.floor(f.content.length * 3 / 4) : new TextEncoder().encode(f.content).length), 0);
      if (bytes > CONFIGMAP_LIMIT) {
        diagnostics.push({ severity: 'error', code: 'FILES_TOO_LARGE', message: `The files of ${name} hold ${bytes} bytes, more than the 1 MiB a Kubernetes ConfigMap can store. Move the large files into the image or a volume, and keep only configuration under files.`, field: `${at}.files` });
      }
      add('v1', 'ConfigMap', filesConfigMapName(name), `${at}.files`, labels, {
        ...(Object.keys(data).length > 0 ? { data } : {}), ...(Object.keys(binaryData).length > 0 ? { binaryData } : {}),
      });
    }

    if (kind === 'Job') {
      const policy = jobPolicy(service);
      add('batch/v1', 'Job', name, at, labels, {
        spec: { backoffLimit: policy.backoffLimit, template: { ...template, spec: { ...pod, restartPolicy: policy.restartPolicy } } },
      }, service.annotations);
      continue;
    }

    const replicas = service.autoscale ? {} : { replicas: service.replicas };
    if (kind === 'StatefulSet') {
      const claimTemplates = [...templatedVolumes].map((volume) => ({
        metadata: { name: volume, labels: appLabels(app.name) },
        spec: pvcSpec(app.volumes[volume]!, destination),
      }));
      add('apps/v1', 'StatefulSet', name, at, labels, {
        spec: { serviceName: name, ...replicas, selector: { matchLabels: selector }, template, volumeClaimTemplates: claimTemplates },
      }, service.annotations);
    } else if (kind === 'DaemonSet') {
      add('apps/v1', 'DaemonSet', name, at, labels, { spec: { selector: { matchLabels: selector }, template } }, service.annotations);
    } else {
      const rwo = mountsUnsharedVolume(app, service);
      add('apps/v1', 'Deployment', name, at, labels, {
        spec: { ...replicas, selector: { matchLabels: selector }, ...(rwo ? { strategy: { type: 'Recreate' } } : {}), template },
      }, service.annotations);
    }

    if (service.ports.length > 0) {
      const ports = service.ports.map((p) => ({ name: `${p.protocol}-${p.port}`, port: p.port, targetPort: p.port, protocol: p.protocol.toUpperCase() }));
      add('v1', 'Service', name, `${at}.ports`, labels, { spec: { selector, ports } });
      // Other names this service answers to (DNS-label aliases): the same pods and ports under another Service name.
      for (const alias of extraNames) add('v1', 'Service', alias, `${at}.aliases`, labels, { spec: { selector, ports } });
      const published = service.ports.filter((p) => p.publish !== undefined);
      if (published.length > 0) {
        add('v1', 'Service', `${name}-public`, `${at}.ports`, labels, {
          spec: { type: 'LoadBalancer', selector, ports: published.map((p) => ({ name: `${p.protocol}-${p.publish}`, port: p.publish, targetPort: p.port, protocol: p.protocol.toUpperCase() })) },
        });
      }
    } else if (extraNames.length > 0) {
      diagnostics.push({ severity: 'warning', code: 'ALIAS_NO_PORTS', message: `${name} answers to ${extraNames.join(', ')}, but declares no ports, so Kubernetes has no Service to give those names. Declare the ports ${name} listens on.`, field: `${at}.ports` });
    }
    if (service.routes.length > 0) addIngress(app, name, service, destination, diagnostics, add);
    if (service.autoscale && kind !== 'DaemonSet') {
      if (!service.resources?.reservations?.cpus) {
        diagnostics.push({ severity: 'warning', code: 'AUTOSCALE_NEEDS_CPU_REQUEST', message: `The autoscaler measures CPU against the request; set resources.reservations.cpus on ${name}.`, field: `${at}.resources.reservations.cpus` });
      }
      add('autoscaling/v2', 'HorizontalPodAutoscaler', name, `${at}.autoscale`, labels, {
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind, name },
          minReplicas: service.autoscale.min,
          maxReplicas: service.autoscale.max,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: service.autoscale.cpuPercent } } }],
        },
      });
    }
    if (kind !== 'DaemonSet' && (service.autoscale?.min ?? service.replicas) > 1) {
      add('policy/v1', 'PodDisruptionBudget', name, `${at}.replicas`, labels, { spec: { maxUnavailable: 1, selector: { matchLabels: selector } } });
    }
  }

  if (waitedJobs.length > 0) {
    for (const o of jobWaitAccess(waitedJobs, namespace, waiter)) add(o.apiVersion, o.kind, waiter, 'dependsOn', appLabels(app.name), o.body);
  }

  diagnostics.push(...names.diagnostics);
  return { objects: sortObjects(objects), diagnostics };
}

export function kubernetesFiles(objects: Record<string, unknown>[]): RenderedFile[] {
  return [{ path: KUBERNETES_FILE, language: 'yaml', content: dumpYamlDocuments(objects), editable: true }];
}

type Add = (apiVersion: string, kind: string, name: string, field: string, labels: Record<string, string>, body: Record<string, unknown>, annotations?: Record<string, string>) => void;

function pvcSpec(volume: App['volumes'][string], destination: KubernetesDestination): Record<string, unknown> {
  return {
    accessModes: [volume.shared ? 'ReadWriteMany' : 'ReadWriteOnce'],
    resources: { requests: { storage: bytesToKubernetes(quantityToBytes(volume.size)) } },
    ...(destination.storageClass ? { storageClassName: destination.storageClass } : {}),
  };
}

function addVolumes(app: App, declared: Set<string>, destination: KubernetesDestination, templated: Set<string>, diagnostics: Diagnostic[], add: Add) {
  for (const [volume, spec] of Object.entries(app.volumes)) {
    const users = Object.entries(app.services).filter(([, s]) => s.mounts.some((m) => 'volume' in m && m.volume === volume)).map(([n]) => n);
    const claimUsers = users.filter((u) => !templated.has(`${u}/${volume}`));
    if (users.length > 0 && claimUsers.length === 0) continue;
    const field = declared.has(volume) ? `volumes.${volume}.shared` : `services.${users[0]}.mounts`;
    const rwx = 'a storage class that supports ReadWriteMany (NFS, CephFS, Longhorn RWX volumes, a cloud file store)';
    const singleNode = 'On a single-node cluster (k3s with its local-path storage, which is ReadWriteOnce only) every pod runs on the one node and can share a ReadWriteOnce claim';
    if (!spec.shared && users.length > 1) {
      diagnostics.push({ severity: 'warning', code: 'VOLUME_RWO_SHARED', message: `Volume ${volume} is ReadWriteOnce but mounted by ${users.join(', ')}; their pods must land on one node, and StatefulSet replicas get their own copy. Set shared: true for ReadWriteMany storage, which needs ${rwx}. ${singleNode}, so ReadWriteOnce is right there.`, field });
    }
    if (spec.shared && users.length > 1) {
      const storage = destination.storageClass ? `; the destination's storage class ${destination.storageClass} must be one` : '; the cluster\'s default storage class must be one, or set storageClass on the destination';
      diagnostics.push({
        severity: declared.has(volume) ? 'info' : 'warning',
        code: 'VOLUME_RWX_NEEDS_STORAGE',
        message: `Volume ${volume} is shared by ${users.join(', ')}, whose pods may run on different nodes, so its claim is ReadWriteMany and binds only with ${rwx}${storage}. ${singleNode}: there the ReadWriteMany claim stays Pending, so ${declared.has(volume) ? `set shared: false on ${volume}` : `declare ${volume} as a volume with shared: false, or override the PersistentVolumeClaim's accessModes to [ReadWriteOnce]`}.`,
        field,
      });
    }
    add('v1', 'PersistentVolumeClaim', volume, `volumes.${volume}`, appLabels(app.name), { spec: pvcSpec(spec, destination) });
  }
}

function addIngress(app: App, name: string, service: Service, destination: KubernetesDestination, diagnostics: Diagnostic[], add: Add) {
  const at = `services.${name}`;
  const byHost = new Map<string, Array<{ path: string; port: number }>>();
  const tlsHosts: string[] = [];
  let wwwRedirect = false;
  service.routes.forEach((route, i) => {
    const hosts = routeHosts(route);
    if (route.stripPrefix && route.path !== '/') {
      diagnostics.push({ severity: 'warning', code: 'STRIP_PREFIX_UNSUPPORTED', message: `Ingress has no portable way to strip ${route.path}; ${name} receives the full path on Kubernetes.`, field: `${at}.routes[${i}].stripPrefix` });
    }
    const paths = byHost.get(hosts.canonical) ?? [];
    paths.push({ path: route.path, port: route.port });
    byHost.set(hosts.canonical, paths);
    if (route.https) tlsHosts.push(hosts.canonical, ...(hosts.redirectFrom ? [hosts.redirectFrom] : []));
    if (hosts.redirectFrom) wwwRedirect = true;
  });
  const annotations: Record<string, string> = { ...service.annotations };
  if (destination.tlsIssuer && tlsHosts.length > 0) annotations['cert-manager.io/cluster-issuer'] = destination.tlsIssuer;
  if (wwwRedirect) {
    // ingress-nginx serves the canonical host and redirects the other one itself.
    annotations['nginx.ingress.kubernetes.io/from-to-www-redirect'] = 'true';
    if (!destination.ingressClass?.includes('nginx')) {
      diagnostics.push({ severity: 'info', code: 'WWW_REDIRECT_NGINX_ONLY', message: `The www redirect uses an ingress-nginx annotation; with another ingress controller only the canonical host is served.`, field: `${at}.routes` });
    }
  }
  if (tlsHosts.length > 0 && !destination.tlsIssuer) {
    diagnostics.push({ severity: 'info', code: 'TLS_SECRET_EXPECTED', message: `No certificate issuer is set on ${destination.name}, so the TLS secret ${name}-tls must exist in the cluster. Set tlsIssuer to let cert-manager create it.`, field: `${at}.routes` });
  }
  const rules = [...byHost.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([host, paths]) => ({
    host,
    http: {
      paths: [...paths].sort((a, b) => b.path.length - a.path.length || (a.path < b.path ? -1 : 1)).map((p) => ({
        path: p.path, pathType: 'Prefix', backend: { service: { name, port: { number: p.port } } },
      })),
    },
  }));
  const spec: Record<string, unknown> = {};
  if (destination.ingressClass) spec.ingressClassName = destination.ingressClass;
  if (tlsHosts.length > 0) spec.tls = [{ hosts: [...new Set(tlsHosts)], secretName: `${name}-tls` }];
  spec.rules = rules;
  add('networking.k8s.io/v1', 'Ingress', name, `${at}.routes`, serviceLabels(app.name, name), { spec }, annotations);
}
