/**
 * Recommended app.kubernetes.io labels. Berth prunes what it deployed by
 * `app.kubernetes.io/managed-by=berth,app.kubernetes.io/instance=<app>`, so
 * every object carries both; pods are selected by name + instance.
 */
export const MANAGED_BY = 'berth';

export function selectorLabels(app: string, service: string): Record<string, string> {
  return { 'app.kubernetes.io/name': service, 'app.kubernetes.io/instance': app };
}

export function serviceLabels(app: string, service: string): Record<string, string> {
  return {
    ...selectorLabels(app, service),
    'app.kubernetes.io/component': service,
    'app.kubernetes.io/part-of': app,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/** For objects that belong to the app rather than one service (volumes, the secret). */
export function appLabels(app: string): Record<string, string> {
  return { 'app.kubernetes.io/instance': app, 'app.kubernetes.io/part-of': app, 'app.kubernetes.io/managed-by': MANAGED_BY };
}
