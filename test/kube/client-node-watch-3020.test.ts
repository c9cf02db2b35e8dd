/**
 * Regression test for kubernetes-client/javascript #3020: @kubernetes/client-node 2.0.0 aborted every watch 30 s
 * after it started, even one receiving events. 2.0.1 measures inactivity instead. A Watch against the fake API
 * server stays open 65 s and still receives an event created after 60 s. (Its own file, so it runs beside the rest.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { startFakeKubeApiServer, type FakeKube } from '../support/fake-kube/index.js';

describe('client-node Watch against the fake Kubernetes API server', () => {
  let kube: FakeKube;
  let dir: string;
  let kc: KubeConfig;

  beforeAll(async () => {
    kube = await startFakeKubeApiServer();
    dir = mkdtempSync(join(tmpdir(), 'fake-kube-client-node-'));
    await kube.writeKubeconfig(join(dir, 'kubeconfig'), { namespace: 'default' });
    kc = new KubeConfig();
    kc.loadFromFile(join(dir, 'kubeconfig'));
  });
  afterAll(async () => {
    await kube?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('#3020 regression: a watch stays open for 65 s and still receives an event created after 60 s', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    const rv = list.metadata?.resourceVersion;
    expect(rv).toMatch(/^\d+$/);
    const seen: Array<{ type: string; name: string; at: number }> = [];
    let doneErr: unknown = 'not called';
    const start = Date.now();
    const watch = new Watch(kc);
    const ctl = await watch.watch('/api/v1/namespaces/default/configmaps', { resourceVersion: rv, allowWatchBookmarks: true },
      (type, obj: { metadata?: { name?: string } }) => { seen.push({ type, name: String(obj.metadata?.name), at: Date.now() - start }); },
      (err) => { doneErr = err; });
    const create = (name: string) => core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name }, data: { at: String(Date.now() - start) } } });
    const sleepUntil = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms - (Date.now() - start))));
    // events keep the connection active (2.0.1 aborts a watch that receives nothing for 30 s; 2.0.0 aborted at 30 s regardless)
    for (const at of [5_000, 20_000, 35_000, 50_000]) {
      await sleepUntil(at);
      await create(`tick-${at / 1000}`);
    }
    await sleepUntil(61_000);
    await create('after-60s');
    await sleepUntil(65_000);
    expect(doneErr).toBe('not called');
    const late = seen.find((e) => e.name === 'after-60s');
    expect(late?.type).toBe('ADDED');
    expect(late?.at).toBeGreaterThan(60_000);
    expect(seen.filter((e) => e.type === 'ADDED').map((e) => e.name)).toEqual(['tick-5', 'tick-20', 'tick-35', 'tick-50', 'after-60s']);
    ctl.abort();
  }, 90_000);
});
