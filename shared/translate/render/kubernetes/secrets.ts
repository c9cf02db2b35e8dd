import type { App } from '../../../model/app.js';
import type { Diagnostic } from '../../../model/diagnostic.js';
import type { RenderOptions } from '../options.js';
import { SECRET_MASK } from '../options.js';
import { envEntries, fillTemplate, templateSecrets } from '../env.js';
import { toDnsLabel } from '../names.js';

export const secretName = (app: App) => toDnsLabel(`${app.name}-secrets`);
export const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
/** A templated value is one whole secret of its own: the service and variable name, which no store secret name looks like. */
export const templateKey = (service: string, env: string) => `${service}.${env}`;
export const SECRET_FILES_VOLUME = 'berth-secret-files';
export const secretFilePath = (f: { secret: string; path?: string }) => f.path ?? `/run/secrets/${f.secret}`;

/**
 * One Secret per app mirrors the secret store: keys are secret names,
 * services pick theirs by key, as env (secretKeyRef) or as files (secretFiles).
 * A templated env value (`postgres://u:${secret:PG_PASS}@db/x`) is secret as
 * a whole, so the filled-in value is a key of its own and its text never
 * reaches a ConfigMap or a plain env value. Values are masked unless revealed.
 */
export function appSecret(app: App, options: RenderOptions, diagnostics: Diagnostic[]): Record<string, string> | undefined {
  const stringData: Record<string, string> = {};
  const missing = (secret: string, field: string) => diagnostics.push({
    severity: options.revealSecrets ? 'error' : 'warning', code: 'SECRET_MISSING', message: `Secret "${secret}" has no value yet; set it in the app's secrets before deploying.`, field,
  });
  const addKey = (secret: string, field: string) => {
    if (Object.hasOwn(stringData, secret)) return;
    if (!SECRET_KEY.test(secret)) {
      diagnostics.push({ severity: 'error', code: 'SECRET_NAME_INVALID', message: `Secret name "${secret}" cannot be a Kubernetes Secret key; use letters, digits, '-', '_' and '.'.`, field });
      return;
    }
    const value = options.secrets?.[secret];
    if (value === undefined) missing(secret, field);
    stringData[secret] = options.revealSecrets && value !== undefined ? value : SECRET_MASK;
  };
  for (const [name, service] of Object.entries(app.services)) {
    for (const e of envEntries(service)) {
      if (!e.secret || !e.runtime) continue;
      const field = `services.${name}.env.${e.name}`;
      if (!e.template) {
        addKey(e.value, field);
        continue;
      }
      const key = templateKey(name, e.name);
      if (Object.hasOwn(stringData, key) || Object.hasOwn(options.secrets ?? {}, key)) {
        diagnostics.push({ severity: 'error', code: 'SECRET_KEY_COLLISION', message: `The filled-in value of ${e.name} in ${name} is stored under the Secret key ${key}, which a secret of that name already uses. Rename that secret.`, field });
        continue;
      }
      const absent = templateSecrets(e.value).filter((s) => options.secrets?.[s] === undefined);
      for (const s of new Set(absent)) missing(s, field);
      stringData[key] = options.revealSecrets ? fillTemplate(e.value, (s) => options.secrets?.[s], () => SECRET_MASK) : SECRET_MASK;
    }
    service.secretFiles?.forEach((f, i) => addKey(f.secret, `services.${name}.secretFiles[${i}].secret`));
  }
  return Object.keys(stringData).length > 0 ? stringData : undefined;
}
