import { describe, expect, it } from 'vitest';
import { renderKubernetes } from '../../shared/translate/index.js';
import { validateKubernetesOutput } from '../../shared/translate/render/validate-output.js';
import { app, cluster } from './support/apps.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests under test

/** One app that renders every kind the checks look at: Secret, ConfigMap, PVC, Service, Deployment, HPA, Ingress. */
const objects = () => renderKubernetes(app({
  web: {
    image: 'x', ports: [{ port: 80 }], routes: [{ domain: 'a.test', port: 80 }], env: { PASS: { secret: 'p' } },
    files: [{ path: '/etc/a.conf', content: 'a' }], mounts: [{ volume: 'data', path: '/data', readOnly: false }],
    autoscale: { min: 1, max: 1 }, resources: { reservations: { cpus: 0.5, memory: '64Mi' } },
  },
}, { volumes: { data: {} } }), cluster, { secrets: { p: 'x' } }).objects as Obj[];

const codesAfter = (change: (find: (kind: string) => Obj, all: Obj[]) => void) => {
  const all = objects();
  change((kind) => all.find((o) => o.kind === kind)!, all);
  return validateKubernetesOutput(all).map((d) => d.code);
};

describe('Kubernetes output validation', () => {
  it('finds nothing in a clean render and leaves the objects untouched', () => {
    const all = objects();
    const before = structuredClone(all);
    expect(validateKubernetesOutput(all)).toEqual([]);
    expect(all).toEqual(before);
  });

  it('reports types, required fields and quantities from the kubernetes-models validators', () => {
    expect(codesAfter((find) => { find('Deployment').spec.replicas = 'two'; })).toContain('K8S_SCHEMA');
    expect(codesAfter((find) => { find('Deployment').spec.template.spec.containers[0].resources.requests.memory = 'lots'; })).toContain('K8S_SCHEMA');
    expect(codesAfter((find) => { delete find('Deployment').spec.template.spec.containers; })).toContain('K8S_SCHEMA');
  });

  it('reports unknown fields at the levels Berth emits, and kinds it does not check', () => {
    expect(codesAfter((find) => { find('Deployment').spec.template.spec.containers[0].imagePullPolicyy = 'Always'; })).toContain('K8S_UNKNOWN_FIELD');
    expect(codesAfter((_, all) => { all.push({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }); })).toContain('K8S_KIND_UNCHECKED');
  });

  it('reports every broken reference between objects', () => {
    expect(codesAfter((_, all) => { all.splice(all.findIndex((o) => o.kind === 'PersistentVolumeClaim'), 1); })).toContain('K8S_CLAIM_MISSING');
    expect(codesAfter((_, all) => { all.splice(all.findIndex((o) => o.kind === 'ConfigMap'), 1); })).toContain('K8S_CONFIGMAP_MISSING');
    expect(codesAfter((find) => { find('Secret').stringData = {}; })).toContain('K8S_SECRET_MISSING');
    expect(codesAfter((find) => { find('HorizontalPodAutoscaler').spec.scaleTargetRef.name = 'gone'; })).toContain('K8S_SCALE_TARGET_MISSING');
    expect(codesAfter((find) => { find('Ingress').spec.rules[0].http.paths[0].backend.service.name = 'gone'; })).toContain('K8S_BACKEND_MISSING');
    expect(codesAfter((find) => { find('Ingress').spec.rules[0].http.paths[0].backend.service.port.number = 81; })).toContain('K8S_BACKEND_PORT_MISSING');
    expect(codesAfter((find) => { find('Service').spec.selector = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'other' }; })).toContain('K8S_SERVICE_SELECTS_NOTHING');
    expect(codesAfter((find) => { find('Service').spec.selector = {}; })).toContain('K8S_SERVICE_SELECTS_NOTHING');
    expect(codesAfter((find) => { find('Service').spec.ports[0].targetPort = 81; })).toContain('K8S_TARGET_PORT_MISSING');
    expect(codesAfter((find) => { find('Deployment').spec.selector.matchLabels = { app: 'x' }; })).toContain('K8S_SELECTOR_MISMATCH');
    expect(codesAfter((find) => { find('Deployment').spec.template.spec.containers[0].volumeMounts[0].name = 'nope'; })).toContain('K8S_VOLUME_UNKNOWN');
  });
});
