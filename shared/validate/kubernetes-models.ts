import { DaemonSet, Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { ConfigMap, PersistentVolumeClaim, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';

type Model = { prototype: { validate(this: unknown): void } };

/** The kinds Berth renders and validates; anything else in a manifest is reported as unchecked. */
const MODELS: Record<string, Model> = {
  'apps/v1/Deployment': Deployment as unknown as Model,
  'apps/v1/StatefulSet': StatefulSet as unknown as Model,
  'apps/v1/DaemonSet': DaemonSet as unknown as Model,
  'v1/ConfigMap': ConfigMap as unknown as Model,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim as unknown as Model,
  'v1/Secret': Secret as unknown as Model,
  'v1/Service': Service as unknown as Model,
  'v1/ServiceAccount': ServiceAccount as unknown as Model,
  'rbac.authorization.k8s.io/v1/Role': Role as unknown as Model,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding as unknown as Model,
  'batch/v1/Job': Job as unknown as Model,
  'networking.k8s.io/v1/Ingress': Ingress as unknown as Model,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler as unknown as Model,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as unknown as Model,
};

export const isKnownKind = (apiVersion: unknown, kind: unknown): boolean => Object.hasOwn(MODELS, `${String(apiVersion)}/${String(kind)}`);

/**
 * Types, required fields and quantity formats from kubernetes-models'
 * OpenAPI validators. Returns one message per problem (`data/<path> <msg>`).
 * The validator runs on the object itself: constructing a model first would
 * deep-copy every manifest only to drop undefined values, which the
 * validators already treat as absent.
 */
export function modelErrors(object: Record<string, unknown>): string[] {
  const model = MODELS[`${String(object.apiVersion)}/${String(object.kind)}`];
  if (!model) return [];
  try {
    model.prototype.validate.call(object);
    return [];
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return message.split(/, (?=data)/).filter((m) => !/must match exactly one schema in "oneOf"/.test(m));
  }
}
