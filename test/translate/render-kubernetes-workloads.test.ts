import { describe, expect, it } from 'vitest';
import { app } from './support/apps.js';
import { kube } from './support/kube.js';

describe('Kubernetes workloads follow how a service runs, not its restart policy', () => {
  it('renders a server with restart on-failure as a Deployment with a Service (issue item 2)', () => {
    const k = kube(app({ db: { image: 'postgres:16', restart: 'on-failure', ports: [{ port: 5432 }] } }));
    expect(k.find('Job', 'db')).toBeUndefined();
    expect(k.find('Deployment', 'db')).toBeDefined();
    expect(k.find('Service', 'db')!.spec.ports[0].port).toBe(5432);
    expect(k.diagnostic('RESTART_ALWAYS_ON_KUBERNETES')[0]).toMatchObject({ severity: 'info', field: 'services.db.restart' });
  });

  it('says that Kubernetes restarts a continuous service with restart no', () => {
    const k = kube(app({ web: { image: 'nginx', restart: 'no' } }));
    expect(k.find('Deployment', 'web')).toBeDefined();
    expect(k.diagnostic('RESTART_ALWAYS_ON_KUBERNETES')[0]!.message).toContain('restarted whenever it exits');
  });

  it('renders a one-shot task (runs: once) as a Job whose restart policy follows restart (issue item 1)', () => {
    const k = kube(app({
      migrate: { image: 'busybox', command: ['sh', '-c', 'echo done'], runs: 'once', restart: 'no' },
      seed: { image: 'busybox', runs: 'once', restart: 'on-failure' },
      task: { image: 'busybox', runs: 'once', restart: 'unless-stopped' },
    }));
    expect(k.find('Deployment', 'migrate')).toBeUndefined();
    expect(k.find('Job', 'migrate')!.spec).toMatchObject({ backoffLimit: 0, template: { spec: { restartPolicy: 'Never' } } });
    expect(k.find('Job', 'seed')!.spec).toMatchObject({ backoffLimit: 6, template: { spec: { restartPolicy: 'OnFailure' } } });
    expect(k.find('Job', 'task')!.spec).toMatchObject({ backoffLimit: 6, template: { spec: { restartPolicy: 'Never' } } });
    expect(k.diagnostic('JOB_RESTART_IGNORED').map((d) => d.field)).toEqual(['services.task.restart']);
  });

  it('renders mode global as a DaemonSet without replicas, PDB or HPA', () => {
    const k = kube(app({ agent: { image: 'x', mode: 'global', replicas: 3, ports: [{ port: 9100 }] } }));
    const ds = k.find('DaemonSet', 'agent')!;
    expect(ds.apiVersion).toBe('apps/v1');
    expect(ds.spec.replicas).toBeUndefined();
    expect(ds.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'agent', 'app.kubernetes.io/instance': 'shop' });
    expect(k.find('Service', 'agent')).toBeDefined();
    expect(k.objects.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(k.diagnostic('DAEMONSET_REPLICAS_IGNORED')[0]).toMatchObject({ field: 'services.agent.replicas' });
  });

  it('warns that a task with ports gets no Service', () => {
    const k = kube(app({ job: { image: 'x', runs: 'once', ports: [{ port: 80 }] } }));
    expect(k.find('Service', 'job')).toBeUndefined();
    expect(k.diagnostic('JOB_NOT_ROUTED')[0]).toMatchObject({ severity: 'warning', field: 'services.job.runs' });
  });
});
