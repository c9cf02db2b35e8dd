/**
 * Validation and defaulting as kube-apiserver 1.32 does it for the served kinds (the parts Berth can trip over):
 * object names per kind, required fields, selector/template agreement, immutable fields, and the defaults that show
 * up in `kubectl get -o yaml` and in dry-run results.
 */
import { invalid, KubeError } from './errors.js';
import type { ResourceType } from './resources.js';
import type { KObj } from './store.js';
import { deepEqual } from './fields.js';

type Cause = { field: string; type: string; message: string };
type Rec = Record<string, unknown>;

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

export function nameProblems(rule: ResourceType['nameRule'], name: string, field = 'metadata.name'): Cause[] {
  const out: Cause[] = [];
  const bad = (msg: string) => out.push({ field, type: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(name)}: ${msg}` });
  if (rule === 'segment') {
    if (name === '.' || name === '..') bad(`may not be '${name}'`);
    else if (name.includes('/') || name.includes('%')) bad(`may not contain '${name.includes('/') ? '/' : '%'}'`);
    return out;
  }
  const max = rule === 'subdomain' ? 253 : 63;
  if (name.length > max) bad(`must be no more than ${max} characters`);
  if (rule === 'subdomain' && !SUBDOMAIN.test(name)) bad(SUBDOMAIN_MSG);
  if (rule === 'label' && !LABEL.test(name)) bad(LABEL_MSG);
  if (rule === 'dns1035' && !DNS1035.test(name)) bad(DNS1035_MSG);
  return out;
}

function labelKeyProblems(labels: unknown, field: string): Cause[] {
  const out: Cause[] = [];
  if (!labels || typeof labels !== 'object') return out;
  for (const [k, v] of Object.entries(labels as Rec)) {
    const name = k.includes('/') ? k.split('/').slice(-1)[0] ?? '' : k;
    if (!/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(name) || name.length > 63) {
      out.push({ field, type: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(k)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')` });
    }
    if (typeof v === 'string' && v !== '' && (!/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v) || v.length > 63)) {
      out.push({ field, type: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(v)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')` });
    }
  }
  return out;
}

function selectorMatches(sel: Rec | undefined, labels: Rec | undefined): boolean {
  if (!sel) return false;
  const ml = (sel.matchLabels ?? {}) as Rec;
  for (const [k, v] of Object.entries(ml)) if (labels?.[k] !== v) return false;
  for (const e of (sel.matchExpressions ?? []) as Array<{ key: string; operator: string; values?: string[] }>) {
    const has = labels !== undefined && e.key in labels;
    const v = labels?.[e.key] as string | undefined;
    if (e.operator === 'In' && !(has && e.values?.includes(v as string))) return false;
    if (e.operator === 'NotIn' && has && e.values?.includes(v as string)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function goMap(m: unknown): string {
  if (!m || typeof m !== 'object') return 'map[string]string(nil)';
  return `map[string]string{${Object.entries(m as Rec).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(', ')}}`;
}

function podSpecProblems(spec: Rec | undefined, field: string, out: Cause[]): void {
  if (!spec) { out.push({ field: `${field}.containers`, type: 'FieldValueRequired', message: 'Required value' }); return; }
  const containers = spec.containers as Rec[] | undefined;
  if (!Array.isArray(containers) || containers.length === 0) {
    out.push({ field: `${field}.containers`, type: 'FieldValueRequired', message: 'Required value' });
    return;
  }
  const seen = new Set<string>();
  containers.forEach((c, i) => {
    const f = `${field}.containers[${i}]`;
    if (!c.name) out.push({ field: `${f}.name`, type: 'FieldValueRequired', message: 'Required value' });
    else {
      if (!LABEL.test(String(c.name))) out.push({ field: `${f}.name`, type: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(c.name)}: ${LABEL_MSG}` });
      if (seen.has(String(c.name))) out.push({ field: `${f}.name`, type: 'FieldValueDuplicate', message: `Duplicate value: ${JSON.stringify(c.name)}` });
      seen.add(String(c.name));
    }
    if (!c.image) out.push({ field: `${f}.image`, type: 'FieldValueRequired', message: 'Required value' });
    for (const [j, p] of ((c.ports ?? []) as Rec[]).entries()) {
      const n = p.containerPort as number;
      if (!(n >= 1 && n <= 65535)) out.push({ field: `${f}.ports[${j}].containerPort`, type: 'FieldValueInvalid', message: `Invalid value: ${String(n)}: must be between 1 and 65535, inclusive` });
    }
  });
}

/** Create/update validation; `old` for updates. Throws 422 Invalid like the real server. */
export function validateObject(r: ResourceType, obj: KObj, old: KObj | undefined): void {
  const name = String(obj.metadata.name ?? '');
  const causes: Cause[] = [];
  if (!name) causes.push({ field: 'metadata.name', type: 'FieldValueRequired', message: 'Required value: name or generateName is required' });
  else causes.push(...nameProblems(r.nameRule, name));
  causes.push(...labelKeyProblems(obj.metadata.labels, 'metadata.labels'));
  const spec = obj.spec as Rec | undefined;
  const tmpl = spec?.template as Rec | undefined;
  const tmplLabels = (tmpl?.metadata as Rec | undefined)?.labels as Rec | undefined;
  switch (r.kind) {
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': {
      const sel = spec?.selector as Rec | undefined;
      if (!sel) causes.push({ field: 'spec.selector', type: 'FieldValueRequired', message: 'Required value' });
      else if (Object.keys((sel.matchLabels ?? {}) as Rec).length === 0 && !((sel.matchExpressions as unknown[] | undefined)?.length)) {
        causes.push({ field: 'spec.selector', type: 'FieldValueInvalid', message: `Invalid value: "null": empty selector is invalid for ${r.kind.toLowerCase()}` });
      } else if (!selectorMatches(sel, tmplLabels)) {
        causes.push({ field: 'spec.template.metadata.labels', type: 'FieldValueInvalid', message: `Invalid value: ${goMap(tmplLabels)}: \`selector\` does not match template \`labels\`` });
      }
      const replicas = spec?.replicas as number | undefined;
      if (replicas !== undefined && replicas < 0) causes.push({ field: 'spec.replicas', type: 'FieldValueInvalid', message: `Invalid value: ${replicas}: must be greater than or equal to 0` });
      podSpecProblems(tmpl?.spec as Rec | undefined, 'spec.template.spec', causes);
      if (old && r.kind !== 'ReplicaSet' && !deepEqual((old.spec as Rec | undefined)?.selector, sel)) {
        causes.push({ field: 'spec.selector', type: 'FieldValueInvalid', message: `Invalid value: v1.LabelSelector{MatchLabels:${goMap((sel?.matchLabels))}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable` });
      }
      if (old && r.kind === 'StatefulSet') {
        const strip = (s: Rec | undefined) => {
          const c = { ...(s ?? {}) };
          for (const k of ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds']) delete c[k];
          return c;
        };
        if (!deepEqual(strip(old.spec as Rec), strip(spec))) {
          causes.push({ field: 'spec', type: 'FieldValueForbidden', message: "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden" });
        }
      }
      break;
    }
    case 'Job': {
      podSpecProblems(tmpl?.spec as Rec | undefined, 'spec.template.spec', causes);
      const rp = (tmpl?.spec as Rec | undefined)?.restartPolicy;
      if (rp !== 'Never' && rp !== 'OnFailure') {
        causes.push({ field: 'spec.template.spec.restartPolicy', type: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(rp ?? 'Always')}: supported values: "OnFailure", "Never"` });
      }
      if (old) {
        const strip = (t: unknown) => { const c = JSON.parse(JSON.stringify(t ?? {})) as Rec; const m = c.metadata as Rec | undefined; if (m) { delete m.labels; delete m.annotations; } return c; };
        if (!deepEqual(strip((old.spec as Rec | undefined)?.template), strip(tmpl))) {
          causes.push({ field: 'spec.template', type: 'FieldValueInvalid', message: `Invalid value: core.PodTemplateSpec{...}: field is immutable` });
        }
        if (!deepEqual((old.spec as Rec | undefined)?.selector, spec?.selector)) {
          causes.push({ field: 'spec.selector', type: 'FieldValueInvalid', message: `Invalid value: v1.LabelSelector{...}: field is immutable` });
        }
      }
      break;
    }
    case 'Pod':
      podSpecProblems(spec, 'spec', causes);
      if (old) {
        const strip = (s: unknown) => {
          const c = JSON.parse(JSON.stringify(s ?? {})) as Rec;
          for (const ct of (c.containers ?? []) as Rec[]) delete ct.image;
          delete c.activeDeadlineSeconds; delete c.tolerations; delete c.nodeName;
          return c;
        };
        if (!deepEqual(strip(old.spec), strip(spec))) {
          causes.push({ field: 'spec', type: 'FieldValueForbidden', message: 'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)' });
        }
      }
      break;
    case 'Service': {
      const ports = (spec?.ports ?? []) as Rec[];
      const type = spec?.type ?? 'ClusterIP';
      if (ports.length === 0 && type !== 'ExternalName' && spec?.clusterIP !== 'None') causes.push({ field: 'spec.ports', type: 'FieldValueRequired', message: 'Required value' });
      ports.forEach((p, i) => {
        const n = p.port as number;
        if (!(n >= 1 && n <= 65535)) causes.push({ field: `spec.ports[${i}].port`, type: 'FieldValueInvalid', message: `Invalid value: ${String(n)}: must be between 1 and 65535, inclusive` });
        if (ports.length > 1 && !p.name) causes.push({ field: `spec.ports[${i}].name`, type: 'FieldValueRequired', message: 'Required value' });
      });
      if (old) {
        const oldIP = (old.spec as Rec | undefined)?.clusterIP;
        if (spec?.clusterIP !== undefined && spec.clusterIP !== '' && oldIP !== spec.clusterIP) {
          causes.push({ field: 'spec.clusterIPs[0]', type: 'FieldValueInvalid', message: `Invalid value: []string{${JSON.stringify(spec.clusterIP)}}: may not change once set` });
        }
      }
      break;
    }
    case 'ConfigMap': case 'Secret': {
      for (const field of ['data', 'binaryData', 'stringData']) {
        for (const k of Object.keys((obj[field] ?? {}) as Rec)) {
          if (!/^[-._a-zA-Z0-9]+$/.test(k) || k.length > 253) causes.push({ field: `${field}[${k}]`, type: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(k)}: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')` });
        }
      }
      if (old && (old as Rec).immutable === true && !deepEqual((old as Rec).data, (obj as Rec).data)) {
        causes.push({ field: 'data', type: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set' });
      }
      break;
    }
    case 'Ingress': {
      for (const [i, rule] of ((spec?.rules ?? []) as Rec[]).entries()) {
        for (const [j, path] of (((rule.http as Rec | undefined)?.paths ?? []) as Rec[]).entries()) {
          if (!path.pathType) causes.push({ field: `spec.rules[${i}].http.paths[${j}].pathType`, type: 'FieldValueRequired', message: 'Required value: pathType must be specified' });
        }
      }
      break;
    }
    default: break;
  }
  if (causes.length) throw invalid(r, name, causes);
}

let nextClusterIP = 10;
let nextNodePort = 80;

/** Defaults the real server fills in (pkg/apis/*\/v1/defaults.go), the ones visible in `get -o yaml`. */
export function applyDefaults(r: ResourceType, obj: KObj, old: KObj | undefined, dryRun: boolean): void {
  const hadSpec = obj.spec !== undefined;
  const spec = (obj.spec ??= {}) as Rec;
  switch (r.kind) {
    case 'Deployment':
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };
      defaultPodTemplate(spec.template as Rec | undefined);
      break;
    case 'StatefulSet':
      spec.replicas ??= 1;
      spec.podManagementPolicy ??= 'OrderedReady';
      spec.revisionHistoryLimit ??= 10;
      spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
      spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
      defaultPodTemplate(spec.template as Rec | undefined);
      break;
    case 'DaemonSet':
      spec.revisionHistoryLimit ??= 10;
      spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
      defaultPodTemplate(spec.template as Rec | undefined);
      break;
    case 'ReplicaSet':
      spec.replicas ??= 1;
      defaultPodTemplate(spec.template as Rec | undefined);
      break;
    case 'Job': {
      spec.parallelism ??= 1;
      spec.completions ??= 1;
      spec.backoffLimit ??= 6;
      spec.completionMode ??= 'NonIndexed';
      spec.suspend ??= false;
      spec.podReplacementPolicy ??= 'TerminatingOrFailed';
      spec.manualSelector ??= undefined;
      if (spec.manualSelector === undefined) delete spec.manualSelector;
      const uid = String(obj.metadata.uid ?? '');
      const tm = ((spec.template ??= {}) as Rec);
      const tml = ((tm.metadata ??= {}) as Rec);
      const labels = ((tml.labels ??= {}) as Rec);
      labels['batch.kubernetes.io/controller-uid'] ??= uid;
      labels['batch.kubernetes.io/job-name'] ??= obj.metadata.name;
      labels['controller-uid'] ??= uid;
      labels['job-name'] ??= obj.metadata.name;
      spec.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
      defaultPodTemplate(tm);
      break;
    }
    case 'Pod':
      defaultPodSpec(spec);
      break;
    case 'Service': {
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      const ports = (spec.ports ?? []) as Rec[];
      const oldPorts = (((old?.spec as Rec | undefined)?.ports ?? []) as Rec[]);
      for (const p of ports) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
        if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && p.nodePort === undefined) {
          const prev = oldPorts.find((x) => x.port === p.port && (x.protocol ?? 'TCP') === p.protocol)?.nodePort;
          p.nodePort = prev ?? 30000 + (dryRun ? nextNodePort : nextNodePort++) % 2768;
        }
      }
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
      if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
      if (spec.type !== 'ExternalName') {
        const oldSpec = old?.spec as Rec | undefined;
        if (!spec.clusterIP) {
          if (oldSpec?.clusterIP) spec.clusterIP = oldSpec.clusterIP;
          else {
            const n = dryRun ? nextClusterIP : nextClusterIP++;
            spec.clusterIP = `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
          }
        }
        spec.clusterIPs ??= [spec.clusterIP];
        spec.ipFamilies ??= spec.clusterIP === 'None' ? ['IPv4'] : ['IPv4'];
        spec.ipFamilyPolicy ??= 'SingleStack';
        spec.internalTrafficPolicy ??= 'Cluster';
      }
      obj.status ??= { loadBalancer: {} };
      break;
    }
    case 'PersistentVolumeClaim':
      spec.volumeMode ??= 'Filesystem';
      obj.status ??= { phase: 'Pending' };
      break;
    case 'Namespace':
      obj.status ??= { phase: 'Active' };
      spec.finalizers ??= ['kubernetes'];
      break;
    case 'Secret':
      (obj as Rec).type ??= 'Opaque';
      if ((obj as Rec).stringData) {
        const data = ((obj as Rec).data ??= {}) as Rec;
        for (const [k, v] of Object.entries((obj as Rec).stringData as Rec)) data[k] = Buffer.from(String(v)).toString('base64');
        delete (obj as Rec).stringData;
      }
      break;
    case 'Ingress':
      obj.status ??= { loadBalancer: {} };
      break;
    case 'HorizontalPodAutoscaler': {
      spec.minReplicas ??= 1;
      if (!spec.metrics) spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
      break;
    }
    default: break;
  }
  if (!hadSpec && Object.keys(spec).length === 0) delete obj.spec;
}

function defaultPodTemplate(t: Rec | undefined): void {
  if (!t) return;
  t.metadata ??= { creationTimestamp: null };
  const m = t.metadata as Rec;
  if (!('creationTimestamp' in m)) m.creationTimestamp = null;
  defaultPodSpec((t.spec ??= {}) as Rec);
}

function defaultPodSpec(s: Rec): void {
  s.restartPolicy ??= 'Always';
  s.terminationGracePeriodSeconds ??= 30;
  s.dnsPolicy ??= 'ClusterFirst';
  s.securityContext ??= {};
  s.schedulerName ??= 'default-scheduler';
  for (const list of ['containers', 'initContainers']) {
    for (const c of (s[list] ?? []) as Rec[]) {
      const image = String(c.image ?? '');
      const tag = image.includes('@') ? 'digest' : (/:[^/]+$/.exec(image)?.[0]?.slice(1) ?? 'latest');
      c.imagePullPolicy ??= tag === 'latest' ? 'Always' : 'IfNotPresent';
      c.terminationMessagePath ??= '/dev/termination-log';
      c.terminationMessagePolicy ??= 'File';
      c.resources ??= {};
      for (const p of (c.ports ?? []) as Rec[]) p.protocol ??= 'TCP';
      for (const e of (c.env ?? []) as Rec[]) {
        const fr = (e.valueFrom as Rec | undefined)?.fieldRef as Rec | undefined;
        if (fr) fr.apiVersion ??= 'v1';
      }
    }
  }
}

export function assertNamespaceName(ns: string): void {
  if (!LABEL.test(ns)) throw new KubeError(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' });
}
