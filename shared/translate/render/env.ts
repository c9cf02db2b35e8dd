import { SECRET_PLACEHOLDER, type Service } from '../../model/app.js';

export interface EnvEntry {
  name: string;
  /** Literal value, the secret's name in the secret store, or (template) text with ${secret:NAME} placeholders. */
  value: string;
  secret: boolean;
  /** value is a template: secret, and filled in from the secret store at render time. */
  template?: true;
  runtime: boolean;
  build: boolean;
}

/** Flattens the env shapes into one list, keeping the user's order. */
export function envEntries(service: Service): EnvEntry[] {
  return Object.entries(service.env).map(([name, entry]) => {
    if (typeof entry === 'string') return { name, value: entry, secret: false, runtime: true, build: false };
    const scope = entry.scope;
    const runtime = scope !== 'build';
    const build = scope !== 'runtime';
    if ('secret' in entry) return { name, value: entry.secret, secret: true, runtime, build };
    if ('template' in entry) return { name, value: entry.template, secret: true, template: true, runtime, build };
    return { name, value: entry.value, secret: false, runtime, build };
  });
}

/** The secret names a template refers to. */
export function templateSecrets(template: string): string[] {
  return [...template.matchAll(SECRET_PLACEHOLDER)].map((m) => m[1]!);
}

/** Fills a template's placeholders; `missing` decides what stands in for a secret with no value. */
export function fillTemplate(template: string, value: (secret: string) => string | undefined, missing: (secret: string) => string): string {
  return template.replace(SECRET_PLACEHOLDER, (_, name: string) => value(name) ?? missing(name));
}
