/**
 * The translator's entry points. The renderers turn an app definition into
 * what a destination runs; renderApp adds the user's overrides and validates
 * the result, so a diagnostic of severity 'error' means "do not apply this".
 */
export type { RenderOptions } from './render/options.js';
export { renderApp } from './render/render-app.js';
export { renderCompose } from './render/compose/render-compose.js';
export { renderKubernetes } from './render/kubernetes/render-kubernetes.js';
export { applyEdit } from './overrides.js';
