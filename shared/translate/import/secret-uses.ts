import { SECRET_PLACEHOLDER } from '../../model/app.js';
import type { ServiceInput } from './context.js';

/** Every secret the services reference (env secrets, templates, secret files), with the places that use it. */
export function collectSecretUses(services: Record<string, ServiceInput>): Map<string, string[]> {
  const uses = new Map<string, string[]>();
  const add = (secret: string, place: string) => uses.set(secret, [...(uses.get(secret) ?? []), place]);
  for (const [name, s] of Object.entries(services)) {
    for (const [key, value] of Object.entries(s.env ?? {})) {
      if (typeof value !== 'object') continue;
      if ('secret' in value) add(value.secret, `${name}.env.${key}`);
      if ('template' in value) for (const m of value.template.matchAll(SECRET_PLACEHOLDER)) add(m[1]!, `${name}.env.${key}`);
    }
    for (const f of s.secretFiles ?? []) add(f.secret, `${name}.secretFiles`);
  }
  return uses;
}
