/**
 * A compact, strict JSON Schema for the Kubernetes kinds Berth renders.
 * kubernetes-models checks types and required fields but accepts unknown
 * fields, so a typo in an override (`spec.replica`) would pass silently; this
 * schema lists the known field names at each level Berth emits (object,
 * metadata, spec, pod template, pod spec, container) and rejects others.
 * Deeper structures stay open. The same schema drives Monaco's completion
 * for kubernetes.yaml (assets/schemas/kubernetes.schema.json is generated
 * from it by scripts/gen-app-schema.ts). Field lists follow Kubernetes 1.33.
 */

type JsonSchema = Record<string, unknown>;

const closed = (fields: string[], known: Record<string, JsonSchema> = {}): JsonSchema => ({
  type: 'object',
  properties: Object.fromEntries(fields.map((f) => [f, known[f] ?? {}])),
  additionalProperties: false,
});
const ref = (name: string): JsonSchema => ({ $ref: `#/definitions/${name}` });
const stringMap: JsonSchema = { type: 'object', additionalProperties: { type: 'string' } };

const METADATA = ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp',
  'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields'];
const CONTAINER = ['name', 'image', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'resizePolicy', 'restartPolicy', 'volumeMounts',
  'volumeDevices', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy',
  'securityContext', 'stdin', 'stdinOnce', 'tty'];
const POD_SPEC = ['volumes', 'initContainers', 'containers', 'ephemeralContainers', 'restartPolicy', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds',
  'dnsPolicy', 'nodeSelector', 'serviceAccountName', 'serviceAccount', 'automountServiceAccountToken', 'nodeName', 'hostNetwork', 'hostPID', 'hostIPC',
  'shareProcessNamespace', 'securityContext', 'imagePullSecrets', 'hostname', 'subdomain', 'affinity', 'schedulerName', 'tolerations', 'hostAliases',
  'priorityClassName', 'priority', 'dnsConfig', 'readinessGates', 'runtimeClassName', 'enableServiceLinks', 'preemptionPolicy', 'overhead',
  'topologySpreadConstraints', 'setHostnameAsFQDN', 'os', 'hostUsers', 'schedulingGates', 'resourceClaims', 'resources'];
const SPEC_FIELDS: Record<string, string[]> = {
  Deployment: ['replicas', 'selector', 'template', 'strategy', 'minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds'],
  DaemonSet: ['selector', 'template', 'updateStrategy', 'minReadySeconds', 'revisionHistoryLimit'],
  StatefulSet: ['replicas', 'selector', 'template', 'volumeClaimTemplates', 'serviceName', 'podManagementPolicy', 'updateStrategy', 'revisionHistoryLimit',
    'minReadySeconds', 'persistentVolumeClaimRetentionPolicy', 'ordinals'],
  Job: ['parallelism', 'completions', 'activeDeadlineSeconds', 'podFailurePolicy', 'successPolicy', 'backoffLimit', 'backoffLimitPerIndex', 'maxFailedIndexes',
    'selector', 'manualSelector', 'template', 'ttlSecondsAfterFinished', 'completionMode', 'suspend', 'podReplacementPolicy', 'managedBy'],
  Service: ['ports', 'selector', 'clusterIP', 'clusterIPs', 'type', 'externalIPs', 'sessionAffinity', 'loadBalancerIP', 'loadBalancerSourceRanges',
    'externalName', 'externalTrafficPolicy', 'healthCheckNodePort', 'publishNotReadyAddresses', 'sessionAffinityConfig', 'ipFamilies', 'ipFamilyPolicy',
    'allocateLoadBalancerNodePorts', 'loadBalancerClass', 'internalTrafficPolicy', 'trafficDistribution'],
  Ingress: ['ingressClassName', 'defaultBackend', 'tls', 'rules'],
  PersistentVolumeClaim: ['accessModes', 'selector', 'resources', 'volumeName', 'storageClassName', 'volumeMode', 'dataSource', 'dataSourceRef', 'volumeAttributesClassName'],
  HorizontalPodAutoscaler: ['scaleTargetRef', 'minReplicas', 'maxReplicas', 'metrics', 'behavior'],
  PodDisruptionBudget: ['minAvailable', 'selector', 'maxUnavailable', 'unhealthyPodEvictionPolicy'],
};
const API_VERSIONS: Record<string, string> = {
  Deployment: 'apps/v1', StatefulSet: 'apps/v1', Job: 'batch/v1', Service: 'v1', Ingress: 'networking.k8s.io/v1', PersistentVolumeClaim: 'v1',
  HorizontalPodAutoscaler: 'autoscaling/v2', PodDisruptionBudget: 'policy/v1', ConfigMap: 'v1', Secret: 'v1', DaemonSet: 'apps/v1',
  ServiceAccount: 'v1', Role: 'rbac.authorization.k8s.io/v1', RoleBinding: 'rbac.authorization.k8s.io/v1',
};
const WITH_TEMPLATE = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

function kindSchema(kind: string): JsonSchema {
  const head = { apiVersion: { const: API_VERSIONS[kind] }, kind: { const: kind }, metadata: ref('ObjectMeta') };
  if (kind === 'ConfigMap') return closed(['apiVersion', 'kind', 'metadata', 'data', 'binaryData', 'immutable'], { ...head, data: stringMap, binaryData: stringMap });
  if (kind === 'Secret') return closed(['apiVersion', 'kind', 'metadata', 'data', 'stringData', 'type', 'immutable'], { ...head, data: stringMap, stringData: stringMap });
  // Objects without a spec: their own top-level fields, closed at that level.
  if (kind === 'ServiceAccount') return closed(['apiVersion', 'kind', 'metadata', 'secrets', 'imagePullSecrets', 'automountServiceAccountToken'], head);
  if (kind === 'Role') return closed(['apiVersion', 'kind', 'metadata', 'rules'], head);
  if (kind === 'RoleBinding') return closed(['apiVersion', 'kind', 'metadata', 'subjects', 'roleRef'], head);
  const spec = closed(SPEC_FIELDS[kind]!, WITH_TEMPLATE.has(kind) ? { template: ref('PodTemplateSpec') } : {});
  return closed(['apiVersion', 'kind', 'metadata', 'spec', 'status'], { ...head, spec });
}

export const KUBERNETES_KINDS = Object.keys(API_VERSIONS);

export const kubernetesSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://berth.dev/schemas/kubernetes.schema.json',
  title: 'Kubernetes objects rendered by Berth',
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata'],
  properties: { apiVersion: { type: 'string' }, kind: { enum: KUBERNETES_KINDS } },
  allOf: KUBERNETES_KINDS.map((kind) => ({ if: { properties: { kind: { const: kind } }, required: ['kind'] }, then: ref(kind) })),
  definitions: {
    ObjectMeta: closed(METADATA, { name: { type: 'string' }, namespace: { type: 'string' }, labels: stringMap, annotations: stringMap }),
    PodTemplateSpec: closed(['metadata', 'spec'], { metadata: ref('ObjectMeta'), spec: ref('PodSpec') }),
    PodSpec: closed(POD_SPEC, { containers: { type: 'array', items: ref('Container') }, initContainers: { type: 'array', items: ref('Container') } }),
    Container: closed(CONTAINER),
    ...Object.fromEntries(KUBERNETES_KINDS.map((k) => [k, kindSchema(k)])),
  },
};
