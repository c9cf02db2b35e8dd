import type { Diagnostic } from '../model/diagnostic.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests are untyped JSON here

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAMED = new Set(['Service', 'Deployment', 'StatefulSet', 'Job']);
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

/**
 * What schemas cannot see: names, and references between objects (selectors,
 * ports, backends, claims, config maps, secrets). `fieldOf` maps an object
 * back to the app-definition field the user should fix.
 */
export function kubernetesSemanticErrors(objects: Obj[], fieldOf: (o: Obj) => string | undefined = () => undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  // References are looked up by kind and name; the first object of a name wins, as a scan would find it.
  const index = new Map<string, Obj>();
  for (const o of objects) {
    const key = `${String(o.kind)}\u0000${String(o.metadata?.name)}`;
    if (!index.has(key)) index.set(key, o);
  }
  const find = (kind: unknown, name: unknown) => (typeof name === 'string' ? index.get(`${String(kind)}\u0000${name}`) : undefined);
  const err = (o: Obj, code: string, message: string) => out.push({ severity: 'error', code, message: `${o.kind} ${o.metadata?.name}: ${message}`, field: fieldOf(o) });
  const workloads = objects.filter((o) => WORKLOADS.has(o.kind));
  // Services select pods by label; indexing workloads by each template label avoids comparing every pair.
  const labelKey = (k: string, v: unknown) => `${k}\u0000${String(v)}`;
  const byLabel = new Map<string, Obj[]>();
  for (const w of workloads) {
    for (const [k, v] of Object.entries(w.spec?.template?.metadata?.labels ?? {})) {
      const key = labelKey(k, v);
      const list = byLabel.get(key);
      if (list) list.push(w);
      else byLabel.set(key, [w]);
    }
  }

  for (const o of objects) {
    const name = o.metadata?.name;
    if (typeof name !== 'string' || !(LABEL_NAMED.has(o.kind) ? name.length <= 63 && DNS_LABEL.test(name) : name.length <= 253 && DNS_SUBDOMAIN.test(name))) {
      err(o, 'K8S_NAME_INVALID', `name must be a DNS-1123 ${LABEL_NAMED.has(o.kind) ? 'label' : 'subdomain'}.`);
    }
  }

  for (const w of workloads) {
    const template = w.spec?.template ?? {};
    const labels: Record<string, string> = template.metadata?.labels ?? {};
    const match: Record<string, string> = w.spec?.selector?.matchLabels ?? {};
    if (w.kind !== 'Job' && (Object.keys(match).length === 0 || Object.entries(match).some(([k, v]) => labels[k] !== v))) {
      err(w, 'K8S_SELECTOR_MISMATCH', 'spec.selector.matchLabels must be non-empty and match the pod template labels.');
    }
    const pod = template.spec ?? {};
    const volumeNames = new Set<string>([...(pod.volumes ?? []).map((v: Obj) => v.name), ...(w.spec?.volumeClaimTemplates ?? []).map((v: Obj) => v.metadata?.name)]);
    for (const v of pod.volumes ?? []) {
      if (v.persistentVolumeClaim && !find('PersistentVolumeClaim', v.persistentVolumeClaim.claimName)) err(w, 'K8S_CLAIM_MISSING', `volume ${v.name} uses claim ${v.persistentVolumeClaim.claimName}, which is not rendered.`);
      if (v.configMap) {
        const map = find('ConfigMap', v.configMap.name);
        if (!map) err(w, 'K8S_CONFIGMAP_MISSING', `volume ${v.name} uses ConfigMap ${v.configMap.name}, which is not rendered.`);
        for (const item of map ? v.configMap.items ?? [] : []) {
          if (!Object.hasOwn(map!.data ?? {}, item.key) && !Object.hasOwn(map!.binaryData ?? {}, item.key)) err(w, 'K8S_CONFIGMAP_MISSING', `volume ${v.name} reads key ${item.key}, which ConfigMap ${v.configMap.name} does not have.`);
        }
      }
      if (v.secret) {
        const secret = find('Secret', v.secret.secretName);
        if (!secret) err(w, 'K8S_SECRET_MISSING', `volume ${v.name} uses Secret ${v.secret.secretName}, which is not rendered.`);
        for (const item of secret ? v.secret.items ?? [] : []) {
          if (!Object.hasOwn(secret!.stringData ?? {}, item.key) && !Object.hasOwn(secret!.data ?? {}, item.key)) err(w, 'K8S_SECRET_MISSING', `volume ${v.name} reads key ${item.key}, which Secret ${v.secret.secretName} does not have.`);
        }
      }
    }
    const account = pod.serviceAccountName;
    if (typeof account === 'string' && account !== 'default' && !find('ServiceAccount', account)) err(w, 'K8S_SERVICE_ACCOUNT_MISSING', `pods run as ServiceAccount ${account}, which is not rendered.`);
    const containerNames = new Set<string>();
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      if (typeof c.name !== 'string' || !DNS_LABEL.test(c.name) || c.name.length > 63) err(w, 'K8S_NAME_INVALID', `container name ${c.name} must be a DNS-1123 label.`);
      if (containerNames.has(c.name)) err(w, 'K8S_NAME_INVALID', `container name ${c.name} is used twice in one pod.`);
      containerNames.add(c.name);
      const portNames = new Set<string>();
      for (const p of c.ports ?? []) {
        if (p.name === undefined) continue;
        if (!PORT_NAME.test(p.name) || p.name.length > 15 || !/[a-z]/.test(p.name)) err(w, 'K8S_PORT_NAME_INVALID', `port name ${p.name} must be at most 15 lowercase letters, digits and dashes, with a letter.`);
        if (portNames.has(p.name)) err(w, 'K8S_PORT_NAME_INVALID', `port name ${p.name} is used twice.`);
        portNames.add(p.name);
      }
      const paths = new Set<string>();
      for (const m of c.volumeMounts ?? []) {
        if (!volumeNames.has(m.name)) err(w, 'K8S_VOLUME_UNKNOWN', `container ${c.name} mounts volume ${m.name}, which the pod does not define.`);
        if (paths.has(m.mountPath)) err(w, 'K8S_MOUNT_PATH_DUPLICATE', `container ${c.name} mounts ${m.mountPath} twice.`);
        paths.add(m.mountPath);
      }
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (!ref) continue;
        const secret = find('Secret', ref.name);
        if (!secret) err(w, 'K8S_SECRET_MISSING', `env ${e.name} reads Secret ${ref.name}, which is not rendered.`);
        else if (!Object.hasOwn(secret.stringData ?? {}, ref.key) && !Object.hasOwn(secret.data ?? {}, ref.key)) err(w, 'K8S_SECRET_MISSING', `env ${e.name} reads key ${ref.key}, which Secret ${ref.name} does not have.`);
      }
      for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        if (!c[probe]) continue;
        const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter((h) => c[probe][h] !== undefined);
        if (handlers.length !== 1) err(w, 'K8S_PROBE_INVALID', `${probe} of ${c.name} needs exactly one handler, has ${handlers.length}.`);
      }
    }
  }

  for (const s of objects.filter((o) => o.kind === 'Service' && o.spec?.type !== 'ExternalName')) {
    const selector: Record<string, string> = s.spec?.selector ?? {};
    const entries = Object.entries(selector);
    const candidates = entries.length > 0 ? byLabel.get(labelKey(entries[0]![0], entries[0]![1])) ?? [] : [];
    const pods = candidates.filter((w) => {
      const labels = w.spec?.template?.metadata?.labels ?? {};
      return entries.every(([k, v]) => labels[k] === v);
    });
    if (pods.length === 0) {
      err(s, 'K8S_SERVICE_SELECTS_NOTHING', 'its selector matches no rendered pod template.');
      continue;
    }
    const containerPorts = pods.flatMap((w) => (w.spec.template.spec?.containers ?? []).flatMap((c: Obj) => c.ports ?? []));
    for (const p of s.spec?.ports ?? []) {
      const target = p.targetPort ?? p.port;
      if (!containerPorts.some((cp: Obj) => cp.containerPort === target || cp.name === target)) {
        err(s, 'K8S_TARGET_PORT_MISSING', `targetPort ${target} is not a container port of the pods it selects.`);
      }
    }
  }

  for (const ing of objects.filter((o) => o.kind === 'Ingress')) {
    for (const rule of ing.spec?.rules ?? []) {
      for (const path of rule.http?.paths ?? []) {
        const backend = path.backend?.service;
        if (!backend) continue;
        const svc = find('Service', backend.name);
        if (!svc) {
          err(ing, 'K8S_BACKEND_MISSING', `${rule.host ?? '*'}${path.path} goes to Service ${backend.name}, which is not rendered.`);
          continue;
        }
        const port = backend.port ?? {};
        if (!(svc.spec?.ports ?? []).some((p: Obj) => (port.number !== undefined && p.port === port.number) || (port.name !== undefined && p.name === port.name))) {
          err(ing, 'K8S_BACKEND_PORT_MISSING', `${rule.host ?? '*'}${path.path} goes to port ${port.number ?? port.name}, which Service ${backend.name} does not expose.`);
        }
      }
    }
  }

  for (const binding of objects.filter((o) => o.kind === 'RoleBinding')) {
    const role = binding.roleRef ?? {};
    if (role.kind === 'Role' && !find('Role', role.name)) err(binding, 'K8S_ROLE_MISSING', `grants Role ${role.name}, which is not rendered.`);
    for (const subject of binding.subjects ?? []) {
      if (subject.kind === 'ServiceAccount' && !find('ServiceAccount', subject.name)) err(binding, 'K8S_SERVICE_ACCOUNT_MISSING', `grants ServiceAccount ${subject.name}, which is not rendered.`);
    }
  }

  for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const target = hpa.spec?.scaleTargetRef ?? {};
    if (!find(target.kind, target.name)) err(hpa, 'K8S_SCALE_TARGET_MISSING', `scales ${target.kind} ${target.name}, which is not rendered.`);
  }
  return out;
}
