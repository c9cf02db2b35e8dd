// Render benchmark: a 200-service app (with overrides) to both targets,
// against the floor of serialising the same final objects with js-yaml. Reported as
// ratios of medians because absolute timings on this machine are noisy.
import { performance } from 'node:perf_hooks';
import { App, DockerDestination, KubernetesDestination } from '../shared/model/app.js';
import { renderApp, renderCompose, renderKubernetes } from '../shared/translate/index.js';
import { dumpJson, dumpYaml, dumpYamlDocuments } from '../shared/translate/render/serialize.js';
import { type FinalRender, renderFinal } from '../shared/translate/render/render-app.js';
import type { RenderResult } from '../shared/api/contract.js';
import { median } from './support/stats.js';
import type { BenchRow } from './types.js';

const WARMUP = 5;
const RUNS = 21;

function bigApp(services: number): App {
  const names = Array.from({ length: services }, (_, i) => `svc-${i}`);
  return App.parse({
    apiVersion: 'berth.dev/v1', kind: 'App', name: 'bench',
    services: Object.fromEntries(names.map((name, i) => [name, {
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
    volumes: Object.fromEntries(names.map((_, i) => i).filter((i) => i % 4 === 0).map((i) => [`data-${i}`, { size: '5Gi' }])),
    // Every tenth service carries an edit on each target, so the override path does real work.
    overrides: names.filter((_, i) => i % 10 === 1).flatMap((name) => [
      { target: 'compose', kind: 'service', name, patch: { stop_grace_period: '45s', labels: { 'com.example.team': 'bench' } } },
      { target: 'kubernetes', kind: 'Deployment', name, patch: { spec: { revisionHistoryLimit: 3, template: { metadata: { annotations: { 'example.com/team': 'bench' } } } } } },
    ]),
  });
}

/**
 * The floor: serialising the final objects (overrides applied) that renderApp
 * serialises, the very same objects, with the same dump settings. Its text
 * must equal renderApp's files, so both sides provably produce the same bytes.
 */
export function floorFor(final: FinalRender, rendered: RenderResult): () => string[] {
  const floor = final.target === 'compose'
    ? () => [dumpYaml(final.compose), ...(final.caddy ? [dumpJson(final.caddy)] : [])]
    : () => [dumpYamlDocuments(final.objects)];
  const expected = rendered.files.filter((f) => /\.(yaml|json)$/.test(f.path)).map((f) => f.content);
  if (JSON.stringify(floor()) !== JSON.stringify(expected)) throw new Error(`${final.target}: the floor does not reproduce the rendered files`);
  return floor;
}

/** Runs the contenders in rotating order each round, so load drift on a shared machine hits all of them alike. */
export function medians(fns: Array<() => unknown>, runs = RUNS, warmup = WARMUP): number[] {
  for (let i = 0; i < warmup; i++) for (const fn of fns) fn();
  const times = fns.map(() => [] as number[]);
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < fns.length; k++) {
      const j = (round + k) % fns.length;
      const start = performance.now();
      fns[j]!();
      times[j]!.push(performance.now() - start);
    }
  }
  return times.map(median);
}

export async function benchRender(): Promise<BenchRow[]> {
  const app = bigApp(200);
  const docker = DockerDestination.parse({ type: 'docker', name: 'local-docker', server: 'local' });
  const cluster = KubernetesDestination.parse({ type: 'kubernetes', name: 'cluster', context: 'default', ingressClass: 'nginx' });
  const rows: BenchRow[] = [];
  for (const [target, renderOnly, full] of [
    ['compose', () => renderCompose(app, docker), () => renderApp(app, docker)],
    ['kubernetes', () => renderKubernetes(app, cluster), () => renderApp(app, cluster)],
  ] as const) {
    const result = full();
    if (result.overrides.some((o) => !o.applied)) throw new Error(`${target}: an override was not applied`);
    const final = renderFinal(app, target === 'compose' ? docker : cluster);
    const [floorMs, renderMs, fullMs] = medians([floorFor(final, result), renderOnly, full]);
    rows.push(
      { name: `${target}: serialise floor (200 services)`, value: floorMs!, unit: 'ms', note: `median of ${RUNS}` },
      { name: `${target}: render / floor`, value: renderMs! / floorMs!, unit: 'x', note: 'no overrides, no validation' },
      { name: `${target}: render+overrides+validate / floor`, value: fullMs! / floorMs!, unit: 'x', note: 'target ≤ 3x' },
    );
  }
  return rows;
}
