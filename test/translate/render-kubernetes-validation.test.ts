import { describe, expect, it } from 'vitest';
import { renderKubernetes } from '../../shared/translate/index.js';
import { validateKubernetesOutput } from '../../shared/translate/render/validate-output.js';
import { app, cluster } from './support/apps.js';
import type { Obj } from './support/kube.js';

/** Renders every kind the new rules emit: DaemonSet, Job, ServiceAccount, Role, RoleBinding, Secret and ConfigMap volumes, init containers. */
const objects = () => renderKubernetes(app({
  agent: { image: 'x', mode: 'global', ports: [{ port: 9100 }], files: [{ path: '/etc/a.conf', content: 'a' }] },
  migrate: { image: 'x', runs: 'once', restart: 'on-failure' },
  web: { image: 'x', ports: [{ port: 80 }], secretFiles: [{ secret: 'key' }], dependsOn: [{ service: 'migrate', condition: 'completed' }, 'agent'] },
}), cluster, { secrets: { key: 'k' } }).objects as Obj[];

const codesAfter = (change: (find: (kind: string, name?: string) => Obj, all: Obj[]) => void) => {
  const all = objects();
  change((kind, name) => all.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name))!, all);
  return validateKubernetesOutput(all).map((d) => d.code);
};

describe('Kubernetes output validation of the new kinds', () => {
  it('finds nothing in a clean render', () => {
    expect(validateKubernetesOutput(objects())).toEqual([]);
  });

  it('checks DaemonSet, RBAC and ServiceAccount fields with the schema', () => {
    expect(codesAfter((find) => { find('DaemonSet').spec.replicas = 2; })).toContain('K8S_UNKNOWN_FIELD');
    expect(codesAfter((find) => { find('Role').rule = []; })).toContain('K8S_UNKNOWN_FIELD');
    expect(codesAfter((find) => { delete find('RoleBinding').roleRef; })).toContain('K8S_SCHEMA');
    expect(codesAfter((find) => { find('DaemonSet').spec.selector.matchLabels = { app: 'x' }; })).toContain('K8S_SELECTOR_MISMATCH');
  });

  it('reports broken references of the new objects', () => {
    expect(codesAfter((_, all) => { all.splice(all.findIndex((o) => o.kind === 'ServiceAccount'), 1); })).toContain('K8S_SERVICE_ACCOUNT_MISSING');
    expect(codesAfter((_, all) => { all.splice(all.findIndex((o) => o.kind === 'Role'), 1); })).toContain('K8S_ROLE_MISSING');
    expect(codesAfter((find) => { find('Secret').stringData = {}; })).toContain('K8S_SECRET_MISSING');
    expect(codesAfter((find) => { find('ConfigMap').data = {}; })).toContain('K8S_CONFIGMAP_MISSING');
    expect(codesAfter((find) => { find('Deployment', 'web').spec.template.spec.initContainers[0].name = 'web'; })).toContain('K8S_NAME_INVALID');
    expect(codesAfter((find) => { find('Deployment', 'web').spec.template.spec.initContainers[0].volumeMounts = [{ name: 'nope', mountPath: '/x' }]; })).toContain('K8S_VOLUME_UNKNOWN');
  });
});
