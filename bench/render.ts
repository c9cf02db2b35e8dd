// Render benchmark: a 200-service app to both targets, against the floor of
// dumping the same final objects with js-yaml. Reported as ratios (median of
// N runs) because absolute timings on this machine are noisy.
import { dump } from 'js-yaml';
import { performance } from 'node:perf_hooks';
import { App, DockerDestination, KubernetesDestination } from '../shared/model/app.js';
import { renderApp, renderCompose, renderKubernetes } from '../shared/translate/index.js';
import type { BenchRow } from './types.js';

const RUNS = 15;

function bigApp(services: number): App {
  return App.parse({
    apiVersion: 'berth.dev/v1', kind: 'App', name: 'bench',
    services: Object.fromEntries(Array.from({ length: services }, (_, i) => [`svc-${i}`, {
      image: `example/svc-${i}:1.0`,
      ports: [{ port: 8000 + (i % 50) }],
      routes: i % 2 === 0 ? [{ domain: `svc-${i}.bench.test`, port: 8000 + (i % 50), www: i % 10 === 0 ? 'to-www' : 'none' }] : [],
      env: { NODE_ENV: 'production', PRICE: 'cost $5', TOKEN: { secret: `token-${i % 5}` } },
      mounts: i % 4 === 0 ? [{ volume: `data-${i}`, path: '/data' }] : [],
      files: i % 7 === 0 ? [{ path: '/etc/app.conf', content: 'a=1\n' }] : [],
      healthcheck: { http: { path: '/health', port: 8000 + (i % 50) } },
      resources: { limits: { cpus: 0.5, memory: '512Mi' }, reservations: { cpus: 0.1, memory: '128Mi' } },
      replicas: i % 3 === 0 ? 2 : 1,
    }])),
    volumes: Object.fromEntries(Array.from({ length: services }, (_, i) => i).filter((i) => i % 4 === 0).map((i) => [`data-${i}`, { size: '5Gi' }])),
  });
}

function median(fn: () => void): number {
  fn(); // warm-up: schema compilation and JIT are not what this measures
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)]!;
}

export async function benchRender(): Promise<BenchRow[]> {
  const app = bigApp(200);
  const docker = DockerDestination.parse({ type: 'docker', name: 'local-docker', server: 'local' });
  const cluster = KubernetesDestination.parse({ type: 'kubernetes', name: 'cluster', context: 'default', ingressClass: 'nginx' });
  const compose = renderCompose(app, docker).compose;
  const objects = renderKubernetes(app, cluster).objects;
  const rows: BenchRow[] = [];
  for (const [target, floor, renderOnly, full] of [
    ['compose', () => dump(compose, { noRefs: true, lineWidth: -1 }), () => renderCompose(app, docker), () => renderApp(app, docker)],
    ['kubernetes', () => objects.map((o) => dump(o, { noRefs: true, lineWidth: -1 })).join('---\n'), () => renderKubernetes(app, cluster), () => renderApp(app, cluster)],
  ] as const) {
    const floorMs = median(floor);
    const renderMs = median(renderOnly);
    const fullMs = median(full);
    rows.push(
      { name: `${target}: js-yaml dump floor (200 services)`, value: floorMs, unit: 'ms' },
      { name: `${target}: render / floor`, value: renderMs / floorMs, unit: 'x', note: 'target ≤ 3x' },
      { name: `${target}: render+overrides+validate / floor`, value: fullMs / floorMs, unit: 'x', note: 'validation included' },
    );
  }
  return rows;
}
