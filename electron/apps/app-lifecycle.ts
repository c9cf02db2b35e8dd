import type { App } from '../../shared/model/app.js';
import type { AppSummary } from '../../shared/api/contract.js';
import { appSecretKey } from '../../shared/model/secret-keys.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { AppStore } from './app-store.js';

/**
 * Creating, renaming, copying and deleting apps. An app's secret values live
 * in the secret store under its name (app/<app>/<NAME>), so they follow the
 * app: moved on a rename, copied with a copy, forgotten on delete; a new app
 * that reuses a deleted one's name must not inherit its passwords.
 */
export class AppLifecycle {
  constructor(
    private readonly apps: AppStore,
    private readonly secrets: SecretStore,
  ) {}

  /** See apps.save: null creates, a name saves (and renames) that app, undefined saves under the app's name. */
  async save(app: App, original: string | null | undefined): Promise<AppSummary> {
    if (original === undefined || original === app.name) return this.apps.save(app);
    if (original === null) return this.apps.save(app, { create: true });
    await this.apps.get(original); // NOT_FOUND when it was removed meanwhile: nothing to rename
    const summary = await this.apps.save(app, { create: true });
    await this.copySecrets(original, app.name, { move: true });
    await this.apps.remove(original);
    return summary;
  }

  async duplicate(name: string, as: string): Promise<AppSummary> {
    const app = await this.apps.get(name);
    const summary = await this.apps.save({ ...app, name: as }, { create: true });
    await this.copySecrets(name, as, { move: false });
    return summary;
  }

  async remove(name: string): Promise<void> {
    await this.apps.remove(name);
    for (const key of await this.secretKeys(name)) await this.secrets.delete(key);
  }

  private async secretKeys(app: string): Promise<string[]> {
    const prefix = appSecretKey(app, '');
    return (await this.secrets.keys()).filter((k) => k.startsWith(prefix));
  }

  private async copySecrets(from: string, to: string, { move }: { move: boolean }): Promise<void> {
    const prefix = appSecretKey(from, '');
    for (const key of await this.secretKeys(from)) {
      const value = await this.secrets.get(key);
      if (value !== undefined) await this.secrets.set(appSecretKey(to, key.slice(prefix.length)), value);
      if (move) await this.secrets.delete(key);
    }
  }
}
