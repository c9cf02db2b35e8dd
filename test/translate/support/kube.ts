import { loadAll } from 'js-yaml';
import { expect } from 'vitest';
import type { App, KubernetesDestination } from '../../../shared/model/app.js';
import type { RenderOptions } from '../../../shared/translate/render/options.js';
import { renderApp } from '../../../shared/translate/index.js';
import { cluster } from './apps.js';

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rendered YAML

/** Renders to Kubernetes through renderApp (so the output is validated) and fails on any schema or reference problem in it. */
export function kube(app: App, options: RenderOptions = {}, destination: KubernetesDestination = cluster) {
  const result = renderApp(app, destination, options);
  expect(result.diagnostics.filter((d) => /^K8S_/.test(d.code))).toEqual([]);
  const objects = loadAll(result.files[0]!.content) as Obj[];
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const pod = (name: string) => {
    const w = objects.find((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind) && o.metadata.name === name);
    return w?.spec.template.spec as Obj;
  };
  const diagnostic = (code: string) => result.diagnostics.filter((d) => d.code === code);
  return { result, objects, find, pod, diagnostics: result.diagnostics, diagnostic };
}
