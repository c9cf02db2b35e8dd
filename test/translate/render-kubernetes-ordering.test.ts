import { describe, expect, it } from 'vitest';
import { app } from './support/apps.js';
import { kube } from './support/kube.js';
import { DEFAULT_KUBECTL_IMAGE, DEFAULT_WAIT_IMAGE } from '../../shared/translate/render/kubernetes/ordering.js';

const stack = () => app({
  db: { image: 'postgres:16', ports: [{ port: 5432 }], healthcheck: { command: ['pg_isready'] } },
  cache: { image: 'redis:7', ports: [{ port: 6379 }] },
  migrate: { image: 'app', runs: 'once', restart: 'no', command: ['migrate'], dependsOn: [{ service: 'db', condition: 'healthy' }] },
  web: {
    image: 'app', ports: [{ port: 8080 }],
    dependsOn: ['cache', { service: 'db', condition: 'healthy' }, { service: 'migrate', condition: 'completed' }],
  },
});

describe('depends_on order on Kubernetes (issue item 3)', () => {
  it('waits for started and healthy dependencies with a TCP connect through their Service', () => {
    const k = kube(stack());
    const init = k.pod('web').initContainers;
    expect(init.map((c: { name: string }) => c.name)).toEqual(['wait-for-cache', 'wait-for-db', 'wait-for-migrate']);
    expect(init[0]).toEqual({ name: 'wait-for-cache', image: DEFAULT_WAIT_IMAGE, command: ['sh', '-c', 'until nc -z -w 2 cache 6379; do echo "waiting for cache:6379"; sleep 2; done'] });
    expect(init[1].command[2]).toContain('nc -z -w 2 db 5432');
    // The Job waits for the database too.
    expect(k.pod('migrate').initContainers.map((c: { name: string }) => c.name)).toEqual(['wait-for-db']);
  });

  it('waits for a completed dependency\'s Job with kubectl, allowed by a Role that reads only those Jobs', () => {
    const k = kube(stack());
    const pod = k.pod('web');
    expect(pod.initContainers[2]).toEqual({ name: 'wait-for-migrate', image: DEFAULT_KUBECTL_IMAGE, command: ['kubectl', 'wait', '--for=condition=complete', 'job/migrate', '--timeout=-1s'], env: [{ name: 'HOME', value: '/tmp' }] });
    expect(pod.serviceAccountName).toBe('shop-wait-jobs');
    expect(k.pod('migrate').serviceAccountName).toBeUndefined();
    expect(k.find('ServiceAccount', 'shop-wait-jobs')).toBeDefined();
    expect(k.find('Role', 'shop-wait-jobs')!.rules).toEqual([{ apiGroups: ['batch'], resources: ['jobs'], resourceNames: ['migrate'], verbs: ['get', 'list', 'watch'] }]);
    expect(k.find('RoleBinding', 'shop-wait-jobs')).toMatchObject({
      subjects: [{ kind: 'ServiceAccount', name: 'shop-wait-jobs', namespace: 'shop' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'shop-wait-jobs' },
    });
    // The Job exists before the pods that wait for it are applied.
    const order = k.objects.map((o) => o.kind);
    expect(order.indexOf('Job')).toBeLessThan(order.indexOf('Deployment'));
    expect(order.indexOf('RoleBinding')).toBeLessThan(order.indexOf('Job'));
  });

  it('takes the wait images from the render options', () => {
    const k = kube(stack(), { kubernetes: { waitImage: 'registry.local/busybox:1', kubectlImage: 'registry.local/kubectl:1' } });
    expect(k.pod('web').initContainers.map((c: { image: string }) => c.image)).toEqual(['registry.local/busybox:1', 'registry.local/busybox:1', 'registry.local/kubectl:1']);
  });

  it('waits on the port the health check uses', () => {
    const k = kube(app({ api: { image: 'x', ports: [{ port: 9000 }, { port: 8080 }], healthcheck: { http: { port: 8080, path: '/' } } }, web: { image: 'x', dependsOn: [{ service: 'api', condition: 'healthy' }] } }));
    expect(k.pod('web').initContainers[0].command[2]).toContain('api 8080');
  });

  it('says why it cannot wait: no port, a continuous service that never completes, an optional dependency', () => {
    const k = kube(app({
      worker: { image: 'x' },
      db: { image: 'x', ports: [{ port: 5432 }] },
      web: { image: 'x', dependsOn: ['worker', { service: 'db', condition: 'completed' }] },
      other: { image: 'x', dependsOn: [{ service: 'db', condition: 'started', required: false }] },
    }));
    expect(k.pod('web').initContainers).toBeUndefined();
    expect(k.pod('other').initContainers).toBeUndefined();
    expect(k.diagnostic('DEPENDS_ON_NOT_WAITED').map((d) => d.field)).toEqual(['services.web.dependsOn[0]', 'services.other.dependsOn[0]']);
    expect(k.diagnostic('DEPENDS_ON_COMPLETED_NOT_JOB')[0]).toMatchObject({ severity: 'warning', field: 'services.web.dependsOn[1]' });
    expect(k.objects.filter((o) => o.kind === 'Role')).toEqual([]);
  });

  it('never makes two pods wait for each other', () => {
    const k = kube(app({ a: { image: 'x', ports: [{ port: 1 }], dependsOn: ['b'] }, b: { image: 'x', ports: [{ port: 2 }], dependsOn: ['a'] } }));
    expect(k.pod('a').initContainers).toBeUndefined();
    expect(k.diagnostic('DEPENDS_ON_CYCLE').map((d) => d.field)).toEqual(['services.a.dependsOn[0]', 'services.b.dependsOn[0]']);
  });
});
