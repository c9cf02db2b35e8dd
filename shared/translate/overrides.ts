import { YAMLException } from 'js-yaml';
import { apply, generate } from 'json-merge-patch';
import type { App, Destination, Override, OverrideTarget } from '../model/app.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { OverrideStatus } from '../api/contract.js';
import type { z } from 'zod';
import { type Addressable, caddyObjects, composeObjects, kubernetesObjects, overrideFile } from './render/addressable.js';
import { buildCompose } from './render/compose/render-compose.js';
import { buildKubernetes } from './render/kubernetes/render-kubernetes.js';
import { loadAllYaml, loadYaml, YamlLimitError } from '../yaml/bounded-yaml.js';
import { isLiftable, liftEdit } from './lift-edits.js';

type Status = z.infer<typeof OverrideStatus>;
const keyOf = (kind: string, name: string) => `${kind}\u0000${name}`;

/**
 * Applies the app's overrides for one rendered file (JSON merge patches,
 * RFC 7396) in place. An override whose object no longer exists is reported
 * with applied=false and otherwise left alone, so nothing the user wrote is
 * lost when a service is renamed.
 */
export function applyOverrides(
  overrides: Override[], target: OverrideTarget, file: string, objects: Addressable[],
  /** Sees each object before and after its override, to report what the override hides (override-shadows.ts). */
  onApplied?: (override: Override, before: Record<string, unknown>, after: Record<string, unknown>) => void,
): Status[] {
  const byKey = new Map(objects.map((o) => [keyOf(o.kind, o.name), o]));
  return overrides
    .filter((o) => o.target === target && overrideFile(o.target, o.kind) === file)
    .map((o) => {
      const found = byKey.get(keyOf(o.kind, o.name));
      if (found) {
        const after = apply(structuredClone(found.object), o.patch) as Record<string, unknown>;
        onApplied?.(o, found.object, after);
        found.replace(after);
      }
      return { kind: o.kind, name: o.name, target: o.target, applied: found !== undefined };
    });
}

export interface EditResult {
  app: App;
  diagnostics: Diagnostic[];
}

/**
 * Turns an edited rendered file into definition changes and overrides. What
 * the user changed in a service's own object (compose service, Kubernetes
 * workload) that the definition models goes into the definition
 * (lift-edits.ts), so the form and every target follow; the rest of each
 * object is diffed with the render without overrides and stored as a merge
 * patch. Overrides of this file whose object is gone are kept (flagged on
 * render); Secret values are never stored this way. Bad YAML leaves the app
 * unchanged and comes back with its line and column.
 */
export function applyEdit(app: App, destination: Destination, path: string, content: string): EditResult {
  const target: OverrideTarget = destination.type === 'docker' ? 'compose' : 'kubernetes';
  const base = { ...app, overrides: [] };
  let baseObjects: Addressable[];
  if (destination.type === 'docker') {
    const render = buildCompose(base, destination);
    if (path === 'caddy.json') baseObjects = render.caddy ? caddyObjects(render.caddy) : [];
    else if (path === 'compose.yaml') baseObjects = composeObjects(render.compose);
    else return { app, diagnostics: [notEditable(path)] };
  } else {
    if (path !== 'kubernetes.yaml') return { app, diagnostics: [notEditable(path)] };
    baseObjects = kubernetesObjects(buildKubernetes(base, destination).objects);
  }

  let docs: unknown[];
  try {
    // Bounded: the text comes from the user's editor (size, nesting, alias expansion; see YAML_LIMITS).
    docs = target === 'kubernetes' ? loadAllYaml(content) : [loadYaml(content)];
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    const message = err instanceof YamlLimitError ? err.reason : `${err.reason}; fix the text and save again.`;
    return {
      app,
      diagnostics: [{ severity: 'error', code: err instanceof YamlLimitError ? 'EDIT_TOO_LARGE' : 'EDIT_PARSE_ERROR', message, file: path, ...(err.mark ? { line: err.mark.line + 1, column: err.mark.column + 1 } : {}) }],
    };
  }
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const objects = docs.filter(isObject);
  if (objects.length !== docs.filter((d) => d !== null && d !== undefined).length || (target === 'compose' && objects.length !== 1)) {
    return { app, diagnostics: [{ severity: 'error', code: 'EDIT_NOT_OBJECT', message: `${path} must contain ${target === 'compose' ? 'one mapping' : 'only Kubernetes objects'}; undo the change that removed it.`, file: path }] };
  }
  const edited = path === 'caddy.json' ? caddyObjects(objects[0]!) : target === 'compose' ? composeObjects(objects[0]!) : kubernetesObjects(objects);

  const diagnostics: Diagnostic[] = [];
  const baseByKey = new Map(baseObjects.map((o) => [keyOf(o.kind, o.name), o]));
  // What the editor showed: the base with the current overrides, so only what this edit changed is lifted.
  const shownByKey = new Map(baseObjects.map((o) => {
    const patch = app.overrides.find((x) => x.target === target && x.kind === o.kind && x.name === o.name)?.patch;
    return [keyOf(o.kind, o.name), patch ? (apply(structuredClone(o.object), patch) as Record<string, unknown>) : o.object];
  }));
  let definition: App = app;
  const editedKeys = new Set(edited.map((o) => keyOf(o.kind, o.name)));
  const fresh: Override[] = [];
  for (const e of edited) {
    const b = baseByKey.get(keyOf(e.kind, e.name));
    if (!b) {
      diagnostics.push({ severity: 'warning', code: 'OVERRIDE_NEW_OBJECT', message: `${e.kind} ${e.name} is not part of the render, and edits can only change existing objects; add it in the app definition instead.`, file: path });
      continue;
    }
    let patch = generate(b.object, e.object);
    if (patch === undefined) continue;
    if (isLiftable(target, e.kind) && path !== 'caddy.json') {
      const lifted = liftEdit(definition, destination, e.kind, e.name, shownByKey.get(keyOf(e.kind, e.name))!, e.object);
      definition = lifted.app;
      patch = lifted.residual;
      if (patch === undefined) continue;
    }
    if (e.kind === 'Secret') {
      diagnostics.push({ severity: 'warning', code: 'SECRET_EDIT_IGNORED', message: `Secret ${e.name} is not kept as an override so its values never reach berth.yaml; set secret values in the app's secrets.`, file: path });
      continue;
    }
    fresh.push({ target, kind: e.kind, name: e.name, patch: patch as Record<string, unknown> });
  }
  for (const b of baseObjects) {
    if (!editedKeys.has(keyOf(b.kind, b.name))) {
      diagnostics.push({ severity: 'warning', code: 'OVERRIDE_REMOVAL_IGNORED', message: `${b.kind} ${b.name} was deleted in the editor, but objects are removed in the app definition, not by editing; it stays.`, file: path });
    }
  }
  const kept = app.overrides.filter((o) => o.target !== target || overrideFile(o.target, o.kind) !== path || !baseByKey.has(keyOf(o.kind, o.name)));
  return { app: { ...definition, overrides: [...kept, ...fresh] }, diagnostics };
}

function notEditable(path: string): Diagnostic {
  return { severity: 'error', code: 'EDIT_NOT_SUPPORTED', message: `${path} is generated and edits to it are not kept; change the app definition instead.`, file: path };
}
