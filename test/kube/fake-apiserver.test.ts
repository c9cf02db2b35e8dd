/**
 * The fake Kubernetes API server (test/support/fake-kube) held to the real client: kubectl 1.32 runs against it
 * for server-side apply, managedFields, conflicts, dry run, strict validation, rollouts and their failures, logs,
 * exec, delete, watch and port-forward.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { deploymentYaml, kubectlMissing, serviceYaml, startKubectlWorld, waitForOutput, type KubectlWorld } from './kubectl.js';

const skip = kubectlMissing();

type Rec = Record<string, unknown>;

describe.skipIf(skip)('fake Kubernetes API server against the real kubectl', () => {
  let w: KubectlWorld;
  let file: (name: string, text: string) => string;

  beforeAll(async () => {
    w = await startKubectlWorld();
    file = (name, text) => { const p = join(w.dir, name); writeFileSync(p, text); return p; };
  });
  afterAll(async () => { await w?.stop(); });

  it('kubectl version and discovery work (api-resources lists every served kind)', async () => {
    const v = await w.run(['version', '-o', 'json']);
    expect(v.code).toBe(0);
    expect((JSON.parse(v.stdout) as { serverVersion: { minor: string } }).serverVersion.minor).toBe('32');
    const r = await w.run(['api-resources', '-o', 'name']);
    expect(r.code).toBe(0);
    for (const n of ['deployments.apps', 'statefulsets.apps', 'daemonsets.apps', 'replicasets.apps', 'jobs.batch', 'ingresses.networking.k8s.io',
      'horizontalpodautoscalers.autoscaling', 'poddisruptionbudgets.policy', 'pods', 'services', 'configmaps', 'secrets', 'events', 'namespaces',
      'serviceaccounts', 'persistentvolumeclaims']) expect(r.stdout.split('\n')).toContain(n);
  });

  it('apply --server-side of a Deployment and a Service: get -o yaml shows them with managedFields of manager kubectl', async () => {
    const f = file('app.yaml', `${deploymentYaml('shop')}---\n${serviceYaml('shop')}`);
    const a = await w.run(['apply', '--server-side', '-f', f]);
    expect(a.stderr).toBe('');
    expect(a.stdout).toContain('deployment.apps/shop serverside-applied');
    expect(a.stdout).toContain('service/shop serverside-applied');
    const g = await w.run(['get', 'deployment/shop', 'service/shop', '-o', 'yaml', '--show-managed-fields']);
    expect(g.code).toBe(0);
    const list = parseYaml(g.stdout) as { items: Array<{ kind: string; metadata: Rec; spec: Rec }> };
    const dep = list.items.find((i) => i.kind === 'Deployment');
    const svc = list.items.find((i) => i.kind === 'Service');
    const mine = (o: { metadata: Rec } | undefined) => (o?.metadata.managedFields as Rec[]).find((m) => m.manager === 'kubectl');
    expect(mine(dep)).toMatchObject({ operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' });
    const fields = mine(dep)?.fieldsV1 as Rec;
    expect(((((fields['f:spec'] as Rec)['f:template'] as Rec)['f:spec'] as Rec)['f:containers'] as Rec)['k:{"name":"web"}']).toMatchObject({ '.': {}, 'f:image': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } });
    expect(mine(svc)).toMatchObject({ operation: 'Apply', apiVersion: 'v1' });
    // defaults as the real server fills them in
    expect(dep?.spec).toMatchObject({ revisionHistoryLimit: 10, progressDeadlineSeconds: 600, strategy: { type: 'RollingUpdate' } });
    expect((svc?.spec.ports as Rec[])[0]).toMatchObject({ protocol: 'TCP', port: 80, targetPort: 80 });
    expect(String(svc?.spec.clusterIP)).toMatch(/^10\.96\./);
    expect(dep?.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(dep?.metadata.generation)).toBe(1);
    expect(w.kube.objects('Deployment', 'default').map((o) => (o.metadata as Rec).name)).toContain('shop');
    const patch = w.kube.requests.find((r) => r.method === 'PATCH' && r.path.endsWith('/deployments/shop'));
    expect(patch).toMatchObject({ contentType: 'application/apply-patch+yaml', fieldManager: 'kubectl' });
  });

  it('a second manager that changes an owned field gets the 409 conflict; --force-conflicts takes it over', async () => {
    const f = file('conflict.yaml', deploymentYaml('shop', { replicas: 3 }));
    const c = await w.run(['apply', '--server-side', '--field-manager=autoscaler', '-f', f]);
    expect(c.code).not.toBe(0);
    expect(c.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
    expect((w.kube.objects('Deployment', 'default').find((o) => (o.metadata as Rec).name === 'shop')?.spec as Rec).replicas).toBe(2);
    const forced = await w.run(['apply', '--server-side', '--field-manager=autoscaler', '--force-conflicts', '-f', f]);
    expect(forced.code).toBe(0);
    const g = await w.run(['get', 'deployment/shop', '-o', 'json', '--show-managed-fields']);
    const dep = JSON.parse(g.stdout) as { spec: Rec; metadata: { generation: number; managedFields: Array<{ manager: string; fieldsV1: Rec }> } };
    expect(dep.spec.replicas).toBe(3);
    expect(dep.metadata.generation).toBe(2);
    const owner = (m: string) => dep.metadata.managedFields.find((x) => x.manager === m)?.fieldsV1['f:spec'] as Rec | undefined;
    expect(owner('autoscaler')).toHaveProperty('f:replicas');
    expect(owner('kubectl')).not.toHaveProperty('f:replicas');
    // a client-side manager (Update) shows in the message with its API version
    const up = await w.run(['scale', 'deployment/shop', '--replicas=4']);
    expect(up.code).toBe(0);
    const again = await w.run(['apply', '--server-side', '--field-manager=autoscaler', '-f', f]);
    expect(again.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas');
  });

  it('a field the manager stops applying is removed (env var dropped from the applied config)', async () => {
    const f = file('noenv.yaml', deploymentYaml('trim').replace(/ {8}env:\n.*\n/, ''));
    expect((await w.run(['apply', '--server-side', '-f', file('env.yaml', deploymentYaml('trim'))])).code).toBe(0);
    expect((await w.run(['apply', '--server-side', '-f', f])).code).toBe(0);
    const g = await w.run(['get', 'deployment/trim', '-o', 'jsonpath={.spec.template.spec.containers[0].env}']);
    expect(g.stdout).toBe('');
  });

  it('client-side apply then apply --server-side: kubectl takes over the fields last-applied still holds, without a conflict', async () => {
    const f = file('csa.yaml', deploymentYaml('legacy', { replicas: 1 }));
    const c = await w.run(['apply', '-f', f]);
    expect(c.stdout).toContain('deployment.apps/legacy created');
    const s = await w.run(['apply', '--server-side', '-f', file('csa2.yaml', deploymentYaml('legacy', { replicas: 2 }))]);
    expect(s.stderr).toBe('');
    expect(s.code).toBe(0);
    const dep = JSON.parse((await w.run(['get', 'deployment/legacy', '-o', 'json', '--show-managed-fields'])).stdout) as { spec: Rec; metadata: { managedFields: Array<{ manager: string; operation: string; fieldsV1: Rec }> } };
    expect(dep.spec.replicas).toBe(2);
    expect(dep.metadata.managedFields.find((m) => m.manager === 'kubectl' && m.operation === 'Apply')?.fieldsV1['f:spec']).toHaveProperty('f:replicas');
    // a later client-side change still conflicts
    expect((await w.run(['scale', 'deployment/legacy', '--replicas=3'])).code).toBe(0);
    const again = await w.run(['apply', '--server-side', '-f', file('csa3.yaml', deploymentYaml('legacy', { replicas: 2 }))]);
    expect(again.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas');
  });

  it('kubectl diff --server-side shows the dry-run result against the live object', async () => {
    const d = await w.run(['diff', '--server-side', '--force-conflicts', '-f', file('diff.yaml', deploymentYaml('legacy', { replicas: 6 }))]);
    expect(d.code).toBe(1); // kubectl diff: 1 means "differences found"
    expect(d.stdout).toMatch(/^-\s+replicas: 3$/m);
    expect(d.stdout).toMatch(/^\+\s+replicas: 6$/m);
    expect((await w.run(['get', 'deployment/legacy', '-o', 'jsonpath={.spec.replicas}'])).stdout).toBe('3');
  });

  it('ApplySet pruning (KUBECTL_APPLYSET=true apply --prune --applyset) deletes only members the set no longer applies', async () => {
    const env = { KUBECTL_APPLYSET: 'true' };
    const cmA = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: set-a}\ndata: {k: v}\n';
    const cmB = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: set-b}\ndata: {k: v}\n';
    const outsider = await w.run(['apply', '--server-side', '-f', file('outsider.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: outsider}\ndata: {k: v}\n')]);
    expect(outsider.code).toBe(0);
    const one = await w.run(['apply', '-n', 'default', '--server-side', '--prune', '--applyset=configmap/shop-set', '-f', file('set1.yaml', `${cmA}---\n${cmB}`)], { env });
    expect(one.stderr).toBe('');
    const parent = JSON.parse((await w.run(['get', 'configmap', 'shop-set', '-o', 'json'])).stdout) as { metadata: { labels: Rec; annotations: Rec } };
    expect(String(parent.metadata.labels['applyset.kubernetes.io/id'])).toMatch(/^applyset-.+-v1$/);
    expect(parent.metadata.annotations['applyset.kubernetes.io/contains-group-kinds']).toBe('ConfigMap');
    const two = await w.run(['apply', '-n', 'default', '--server-side', '--prune', '--applyset=configmap/shop-set', '-f', file('set2.yaml', cmA)], { env });
    expect(two.stdout).toContain('configmap/set-b pruned');
    const names = w.kube.objects('ConfigMap', 'default').map((o) => (o.metadata as Rec).name);
    expect(names).toEqual(expect.arrayContaining(['set-a', 'outsider', 'shop-set']));
    expect(names).not.toContain('set-b');
  });

  it('kubectl create generators (protobuf bodies) work for namespaces, configmaps and secrets', async () => {
    expect((await w.run(['create', 'namespace', 'gen'])).stdout).toBe('namespace/gen created\n');
    expect((await w.run(['-n', 'gen', 'create', 'configmap', 'settings', '--from-literal=mode=fast'])).code).toBe(0);
    expect((await w.run(['-n', 'gen', 'create', 'secret', 'generic', 'creds', '--from-literal=password=hunter2'])).code).toBe(0);
    const s = await w.run(['-n', 'gen', 'get', 'secret', 'creds', '-o', 'jsonpath={.type} {.data.password}']);
    expect(s.stdout).toBe(`Opaque ${Buffer.from('hunter2').toString('base64')}`);
    expect((await w.run(['-n', 'gen', 'get', 'configmap', 'settings', '-o', 'jsonpath={.data.mode}'])).stdout).toBe('fast');
    expect(w.kube.objects('ConfigMap', 'gen').map((o) => (o.metadata as Rec).name)).toEqual(['kube-root-ca.crt', 'settings']);
  });

  it('--dry-run=server stores nothing and bumps nothing', async () => {
    const before = w.kube.objects('Deployment').length;
    const rv = (await w.run(['get', 'deployment/shop', '-o', 'jsonpath={.metadata.resourceVersion}'])).stdout;
    const d = await w.run(['apply', '--server-side', '--dry-run=server', '-f', file('dry.yaml', `${deploymentYaml('dry')}---\n${serviceYaml('dry')}`)]);
    expect(d.code).toBe(0);
    expect(d.stdout).toContain('deployment.apps/dry serverside-applied (server dry run)');
    expect(w.kube.objects('Deployment').length).toBe(before);
    expect(w.kube.objects('Service').some((o) => (o.metadata as Rec).name === 'dry')).toBe(false);
    const changed = await w.run(['apply', '--server-side', '--dry-run=server', '--field-manager=autoscaler', '--force-conflicts', '-o', 'json', '-f', file('dry2.yaml', deploymentYaml('shop', { replicas: 7 }))]);
    expect(changed.code).toBe(0);
    expect((JSON.parse(changed.stdout) as { spec: Rec }).spec.replicas).toBe(7);
    expect((await w.run(['get', 'deployment/shop', '-o', 'jsonpath={.metadata.resourceVersion} {.spec.replicas}'])).stdout).toBe(`${rv} 4`);
    expect(w.kube.requests.some((r) => r.dryRun && r.path.endsWith('/deployments/shop'))).toBe(true);
  });

  it('unknown fields are rejected as the real server does (apply and create)', async () => {
    const bad = deploymentYaml('bad').replace('  replicas: 2\n', '  replicas: 2\n  foo: 1\n');
    const f = file('bad.yaml', bad);
    const a = await w.run(['apply', '--server-side', '-f', f]);
    expect(a.code).not.toBe(0);
    expect(a.stderr).toContain('failed to create typed patch object (default/bad; apps/v1, Kind=Deployment): .spec.foo: field not declared in schema');
    const c = await w.run(['create', '-f', f]);
    expect(c.code).not.toBe(0);
    expect(c.stderr).toContain('strict decoding error: unknown field "spec.foo"');
    expect(w.kube.objects('Deployment').some((o) => (o.metadata as Rec).name === 'bad')).toBe(false);
  });

  it('invalid names and immutable fields are 422 Invalid', async () => {
    const n = await w.run(['apply', '--server-side', '-f', file('name.yaml', deploymentYaml('Bad_Name'))]);
    expect(n.code).not.toBe(0);
    expect(n.stderr).toContain('The Deployment "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain');
    const sel = deploymentYaml('shop', { replicas: 3 }).replace(/app: shop/g, 'app: other');
    const i = await w.run(['apply', '--server-side', '--force-conflicts', '--field-manager=autoscaler', '-f', file('sel.yaml', sel)]);
    expect(i.code).not.toBe(0);
    expect(i.stderr).toMatch(/The Deployment "shop" is invalid: .*spec\.selector: Invalid value: .*field is immutable/);
  });

  it('rollout status succeeds for a Deployment, and a new template rolls a new ReplicaSet while the old one scales to 0', async () => {
    const r = await w.run(['rollout', 'status', 'deployment/shop', '--timeout=30s']);
    expect(r.stdout).toContain('deployment "shop" successfully rolled out');
    expect(r.code).toBe(0);
    const f = file('v2.yaml', deploymentYaml('shop', { replicas: 4, env: 'v2', image: 'nginx:1.28' }));
    expect((await w.run(['apply', '--server-side', '--force-conflicts', '-f', f])).code).toBe(0);
    const r2 = await w.run(['rollout', 'status', 'deployment/shop', '--timeout=30s']);
    expect(r2.code).toBe(0);
    const rs = JSON.parse((await w.run(['get', 'rs', '-l', 'app=shop', '-o', 'json'])).stdout) as { items: Array<{ spec: { replicas: number }; metadata: { annotations: Rec } }> };
    expect(rs.items.map((x) => x.spec.replicas).sort()).toEqual([0, 4]);
    expect(rs.items.map((x) => x.metadata.annotations['deployment.kubernetes.io/revision']).sort()).toEqual(['1', '2']);
    const dep = JSON.parse((await w.run(['get', 'deployment/shop', '-o', 'json'])).stdout) as { status: { conditions: Rec[]; observedGeneration: number; availableReplicas: number } };
    expect(dep.status.conditions.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    expect(dep.status.conditions.find((c) => c.type === 'Available')).toMatchObject({ status: 'True' });
    expect(dep.status.availableReplicas).toBe(4);
  });

  it('rollout undo goes back to the previous ReplicaSet template', async () => {
    const u = await w.run(['rollout', 'undo', 'deployment/shop']);
    expect(u.stdout).toContain('deployment.apps/shop rolled back');
    expect((await w.run(['rollout', 'status', 'deployment/shop', '--timeout=30s'])).code).toBe(0);
    const img = await w.run(['get', 'deployment/shop', '-o', 'jsonpath={.spec.template.spec.containers[0].image} {.metadata.annotations.deployment\\.kubernetes\\.io/revision}']);
    expect(img.stdout).toBe('nginx:1.27 3');
  });

  it('rollout status fails with the reason when the rollout fails (failNext and failing image names)', async () => {
    w.kube.failNext('Deployment', 'default', 'stuck', 'progress-deadline');
    expect((await w.run(['apply', '--server-side', '-f', file('stuck.yaml', deploymentYaml('stuck', { replicas: 1 }))])).code).toBe(0);
    const s = await w.run(['rollout', 'status', 'deployment/stuck', '--timeout=30s']);
    expect(s.code).not.toBe(0);
    expect(s.stderr).toContain('deployment "stuck" exceeded its progress deadline');

    expect((await w.run(['apply', '--server-side', '-f', file('pull.yaml', deploymentYaml('pull', { replicas: 1, image: 'registry.example/pull-fails:1', progressDeadlineSeconds: 2 }))])).code).toBe(0);
    const p = await w.run(['rollout', 'status', 'deployment/pull', '--timeout=30s']);
    expect(p.code).not.toBe(0);
    expect(p.stderr).toContain('deployment "pull" exceeded its progress deadline');
    const pods = JSON.parse((await w.run(['get', 'pods', '-l', 'app=pull', '-o', 'json'])).stdout) as { items: Array<{ status: { containerStatuses: Rec[] } }> };
    expect(((pods.items[0]?.status.containerStatuses[0]?.state as Rec).waiting as Rec).reason).toBe('ImagePullBackOff');
    const ev = await w.run(['get', 'events', '--field-selector', 'reason=Failed', '-o', 'json']);
    expect((JSON.parse(ev.stdout) as { items: Rec[] }).items.some((e) => String(e.message).startsWith('Failed to pull image "registry.example/pull-fails:1"'))).toBe(true);

    expect((await w.run(['apply', '--server-side', '-f', file('crash.yaml', deploymentYaml('crash', { replicas: 1, image: 'example/crash-loop:1' }))])).code).toBe(0);
    expect((await w.run(['apply', '--server-side', '-f', file('nosched.yaml', deploymentYaml('nosched', { replicas: 1, image: 'example/unschedulable:1' }))])).code).toBe(0);
    const crashPod = async () => JSON.parse((await w.run(['get', 'pods', '-l', 'app=crash', '-o', 'json'])).stdout) as { items: Array<{ metadata: { name: string }; status: { containerStatuses?: Rec[] } }> };
    // the fake restarts a crash-looping container 3 times, then it stays in CrashLoopBackOff: a stable state to look at
    await waitForOutput(() => JSON.stringify(w.kube.objects('Pod', 'default').filter((p) => ((p.metadata as Rec).labels as Rec).app === 'crash').map((p) => p.status)), /"restartCount":3,[^}]*"state":\{"waiting":\{[^}]*"reason":"CrashLoopBackOff"/);
    const cp = (await crashPod()).items[0];
    const cs = cp?.status.containerStatuses?.[0] as Rec;
    expect((cs.state as Rec).waiting).toMatchObject({ reason: 'CrashLoopBackOff' });
    expect(Number(cs.restartCount)).toBeGreaterThanOrEqual(1);
    expect(((cs.lastState as Rec).terminated as Rec).exitCode).toBe(1);
    const logs = await w.run(['logs', String(cp?.metadata.name)]);
    // the current (last) run only
    expect(logs.stdout).toBe('fake-kube: example/crash-loop:1 started\nfake-kube: example/crash-loop:1 error: crash-loop requested, exiting with code 1\n');
    // the run before the last one
    const prev = await w.run(['logs', '--previous', String(cp?.metadata.name)]);
    expect(prev.stdout).toContain('exiting with code 1');
    const follow = await w.run(['logs', '-f', String(cp?.metadata.name)], { timeoutMs: 10_000 });
    expect(follow.code).toBe(0); // a crashed container's log ends instead of hanging
    const healthy = String((w.kube.objects('Pod', 'default').find((p) => ((p.metadata as Rec).labels as Rec).app === 'shop')?.metadata as Rec).name);
    const none = await w.run(['logs', '--previous', healthy]);
    expect(none.stderr).toContain(`previous terminated container "web" in pod "${healthy}" not found`);
    const ns = await w.run(['get', 'events', '--field-selector', 'reason=FailedScheduling', '-o', 'jsonpath={.items[*].message}']);
    expect(ns.stdout).toContain('0/1 nodes are available: 1 Insufficient memory.');
  });

  it('StatefulSet, DaemonSet and Job roll out (rollout status; Job completes)', async () => {
    const sts = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres:17}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: busybox:1.37}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: busybox:1.37}]
`;
    expect((await w.run(['apply', '--server-side', '-f', file('more.yaml', sts)])).code).toBe(0);
    const a = await w.run(['rollout', 'status', 'statefulset/db', '--timeout=30s']);
    expect(a.stdout).toContain('partitioned roll out complete: 2 new pods have been updated');
    const b = await w.run(['rollout', 'status', 'daemonset/agent', '--timeout=30s']);
    expect(b.stdout).toContain('daemon set "agent" successfully rolled out');
    const j = await w.run(['wait', '--for=condition=complete', 'job/migrate', '--timeout=30s']);
    expect(j.stdout).toContain('job.batch/migrate condition met');
    const pod = JSON.parse((await w.run(['get', 'pods', '-l', 'app=agent', '-o', 'json'])).stdout) as { items: Array<{ spec: { nodeName: string } }> };
    expect(pod.items[0]?.spec.nodeName).toBe('fake-node-1');
    // a Job's template is immutable
    const changed = sts.split('---\n')[2]?.replace('busybox:1.37', 'busybox:1.36') ?? '';
    const im = await w.run(['apply', '--server-side', '-f', file('job2.yaml', changed)]);
    expect(im.stderr).toMatch(/The Job "migrate" is invalid: spec\.template: Invalid value: .*field is immutable/);
  });

  it('logs -f streams a line appended while it follows; --tail and --timestamps work', async () => {
    const pods = w.kube.objects('Pod', 'default').filter((p) => ((p.metadata as Rec).labels as Rec).app === 'shop' && (p.status as Rec).phase === 'Running');
    const pod = String((pods[0]?.metadata as Rec).name);
    const child = w.spawn(['logs', '-f', pod, '-c', 'web']);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
    await waitForOutput(() => out, /fake-kube: nginx:1\.2[78] started/);
    w.kube.appendLog('default', pod, 'web', 'GET /healthz 200');
    await waitForOutput(() => out, 'GET /healthz 200\n');
    child.kill();
    const t = await w.run(['logs', pod, '--tail=1', '--timestamps']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z GET \/healthz 200\n$/);
  });

  it('exec runs the command as a process and returns its output and exit code; stdin works', async () => {
    const pod = String(((w.kube.objects('Pod', 'default').find((p) => ((p.metadata as Rec).labels as Rec).app === 'shop' && (p.status as Rec).phase === 'Running'))?.metadata as Rec).name);
    const e = await w.run(['exec', pod, '--', 'sh', '-c', 'echo hi; echo oops >&2; exit 3']);
    expect(e.stdout).toBe('hi\n');
    expect(e.stderr).toContain('oops');
    expect(e.stderr).toContain('command terminated with exit code 3');
    expect(e.code).toBe(3);
    const i = await w.run(['exec', '-i', pod, '--', 'sh', '-c', 'tr a-z A-Z'], { input: 'shout\n' });
    expect(i.code).toBe(0);
    expect(i.stdout).toBe('SHOUT\n');
  });

  it('get -w sees an event for an object created while it watches', async () => {
    const child = w.spawn(['get', 'configmaps', '-w', '--output-watch-events']);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
    await waitForOutput(() => out, 'kube-root-ca.crt');
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: watched}\ndata: {a: b}\n';
    expect((await w.run(['apply', '--server-side', '-f', file('cm.yaml', cm)])).code).toBe(0);
    await waitForOutput(() => out, /ADDED\s+watched/);
    expect((await w.run(['delete', 'configmap', 'watched'])).code).toBe(0);
    await waitForOutput(() => out, /DELETED\s+watched/);
    child.kill();
  });

  it('delete of a Deployment removes its ReplicaSets and Pods', async () => {
    const d = await w.run(['delete', 'deployment', 'shop']);
    expect(d.code).toBe(0);
    expect(d.stdout).toContain('deployment.apps "shop" deleted');
    await waitForOutput(() => JSON.stringify([...w.kube.objects('ReplicaSet', 'default'), ...w.kube.objects('Pod', 'default')].filter((o) => ((o.metadata as Rec).labels as Rec).app === 'shop')), '[]');
    const g = await w.run(['get', 'deployment', 'shop']);
    expect(g.stderr).toContain('Error from server (NotFound): deployments.apps "shop" not found');
  });

  it('port-forward carries bytes both ways to the port registered for the pod', async () => {
    const echo: Server = createServer((s) => s.on('data', (d) => s.write(`echo:${d.toString()}`)));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    const localTarget = (echo.address() as { port: number }).port;
    const pod = 'agent-pf';
    expect((await w.run(['apply', '--server-side', '-f', file('pfpod.yaml', `apiVersion: v1\nkind: Pod\nmetadata: {name: ${pod}}\nspec: {containers: [{name: c, image: busybox:1.37, ports: [{containerPort: 8080}]}]}\n`)])).code).toBe(0);
    await waitForOutput(() => JSON.stringify(w.kube.objects('Pod', 'default').find((p) => (p.metadata as Rec).name === pod)?.status ?? {}), '"ready":true');
    w.kube.exposePodPort('default', pod, 8080, localTarget);
    const child = w.spawn(['port-forward', `pod/${pod}`, ':8080']);
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
    try {
      const line = await waitForOutput(() => out + err, /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/);
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(line)?.[1]);
      const { connect } = await import('node:net');
      const reply = await new Promise<string>((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => s.write('ping'));
        let got = '';
        s.on('data', (d) => { got += d.toString(); if (got.includes('echo:ping')) { s.end(); resolve(got); } });
        s.on('error', reject);
        setTimeout(() => reject(new Error(`no reply; kubectl said: ${out}${err}`)), 10_000);
      });
      expect(reply).toBe('echo:ping');
    } finally {
      child.kill();
      echo.close();
    }
  });
});
