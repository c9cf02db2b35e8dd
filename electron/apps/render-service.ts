import type { App, Destination } from '../../shared/model/app.js';
import type { RenderResult } from '../../shared/api/contract.js';
import { renderApp } from '../../shared/translate/index.js';
import type { SecretStore } from '../secrets/secret-store.js';

import { appSecretKey } from '../../shared/model/secret-keys.js';

/** Every secret name the app's env refers to. */
export function secretNames(app: App): string[] {
  const names = new Set<string>();
  for (const service of Object.values(app.services)) {
    for (const entry of Object.values(service.env)) if (typeof entry === 'object' && 'secret' in entry) names.add(entry.secret);
  }
  return [...names];
}

/** The names of the app's secrets that have a value in the store; the values are never read. */
export async function storedSecretNames(secrets: SecretStore, appName: string): Promise<string[]> {
  const prefix = appSecretKey(appName, '');
  return (await secrets.keys()).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)).sort();
}

/**
 * Renders with secrets from the store. Values are read only when they are
 * revealed; a masked render needs only to know which secrets are set.
 */
export async function renderWithSecrets(app: App, destination: Destination, secrets: SecretStore, revealSecrets: boolean): Promise<RenderResult> {
  const values: Record<string, string> = {};
  const stored = new Set(await secrets.keys());
  for (const name of secretNames(app)) {
    const key = appSecretKey(app.name, name);
    if (!stored.has(key)) continue;
    values[name] = revealSecrets ? ((await secrets.get(key)) ?? '') : '';
  }
  return renderApp(app, destination, { secrets: values, revealSecrets });
}
