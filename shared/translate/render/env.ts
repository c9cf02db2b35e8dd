import type { Service } from '../../model/app.js';

export interface EnvEntry {
  name: string;
  /** Literal value, or the secret's name in the secret store. */
  value: string;
  secret: boolean;
  runtime: boolean;
  build: boolean;
}

/** Flattens the three env shapes into one list, keeping the user's order. */
export function envEntries(service: Service): EnvEntry[] {
  return Object.entries(service.env).map(([name, entry]) => {
    if (typeof entry === 'string') return { name, value: entry, secret: false, runtime: true, build: false };
    const scope = entry.scope;
    const runtime = scope !== 'build';
    const build = scope !== 'runtime';
    return 'secret' in entry ? { name, value: entry.secret, secret: true, runtime, build } : { name, value: entry.value, secret: false, runtime, build };
  });
}
