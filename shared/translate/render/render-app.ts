import type { App, Destination } from '../../model/app.js';
import type { Diagnostic } from '../../model/diagnostic.js';
import type { RenderResult, RenderedFile } from '../../api/contract.js';
import type { RenderOptions } from './options.js';
import { applyOverrides } from '../overrides.js';
import { hiddenByOverride } from '../override-shadows.js';
import { caddyObjects, composeObjects, kubernetesObjects } from './addressable.js';
import { CADDY_FILE, COMPOSE_FILE, buildCompose, composeFiles } from './compose/render-compose.js';
import { KUBERNETES_FILE, buildKubernetes, kubernetesFiles } from './kubernetes/render-kubernetes.js';
import { validateComposeOutput, validateKubernetesOutput } from './validate-output.js';

/** What renderApp serialises: the final objects (overrides applied, validated), before they become text. */
export type FinalRender = Omit<RenderResult, 'files'> & (
  | { target: 'compose'; compose: Record<string, unknown>; caddy?: Record<string, unknown>; extraFiles: RenderedFile[] }
  | { target: 'kubernetes'; objects: Record<string, unknown>[] }
);

/**
 * Render for a destination, apply the user's overrides, then validate what
 * will actually be applied. Errors mean the output must not be deployed.
 */
export function renderApp(app: App, destination: Destination, options: RenderOptions = {}): RenderResult {
  const final = renderFinal(app, destination, options);
  return { target: final.target, files: finalFiles(final), diagnostics: final.diagnostics, overrides: final.overrides };
}

export function renderFinal(app: App, destination: Destination, options: RenderOptions = {}): FinalRender {
  // Form fields whose output an override replaces: the form and this target disagree, which Problems says.
  const hidden: Diagnostic[] = [];
  const onApplied = (o: App['overrides'][number], before: Record<string, unknown>, after: Record<string, unknown>) => hidden.push(...hiddenByOverride(app, o, before, after));
  if (destination.type === 'docker') {
    const render = buildCompose(app, destination, options);
    const statuses = [
      ...applyOverrides(app.overrides, 'compose', COMPOSE_FILE, composeObjects(render.compose), onApplied),
      ...(render.caddy ? applyOverrides(app.overrides, 'compose', CADDY_FILE, caddyObjects(render.caddy)) : []),
    ];
    return {
      target: 'compose',
      compose: render.compose,
      caddy: render.caddy,
      extraFiles: render.extraFiles,
      diagnostics: dedupe([...render.diagnostics, ...hidden, ...validateComposeOutput(render.compose)]),
      overrides: [...statuses, ...danglingCaddy(app, render.caddy !== undefined)],
    };
  }
  const render = buildKubernetes(app, destination, options);
  const objects = [...render.objects];
  const statuses = applyOverrides(app.overrides, 'kubernetes', KUBERNETES_FILE, kubernetesObjects(objects), onApplied);
  return {
    target: 'kubernetes',
    objects,
    diagnostics: dedupe([...render.diagnostics, ...hidden, ...validateKubernetesOutput(objects)]),
    overrides: statuses,
  };
}

/** The one serialisation of a render; nothing else dumps the final objects. */
export function finalFiles(final: FinalRender): RenderedFile[] {
  return final.target === 'compose' ? composeFiles(final.compose, final.caddy, final.extraFiles) : kubernetesFiles(final.objects);
}

/** Caddy overrides when the destination no longer renders caddy.json still need to be reported as not applied. */
function danglingCaddy(app: App, rendered: boolean) {
  if (rendered) return [];
  return app.overrides.filter((o) => o.target === 'compose' && o.kind === 'caddy').map((o) => ({ kind: o.kind, name: o.name, target: o.target, applied: false }));
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.severity}|${d.code}|${d.field ?? ''}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
