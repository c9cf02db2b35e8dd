import type { BuildSource } from '../../../model/app.js';
import type { EnvEntry } from '../env.js';

/** A BuildKit build secret: compose `build.secrets` entry plus the secret file it reads. */
export interface BuildSecret {
  source: string;
  /** Path of the secret file beside compose.yaml. */
  file: string;
  entry: EnvEntry;
}

/**
 * The compose `build:` section. A git build reads `<url>#<ref>:<dir>`; a
 * local one (no `git`) is a directory relative to the app's folder, which
 * is where compose.yaml is meant to sit, so it stays a relative path.
 * Arguments are `build.args` plus plain env values with build scope (the
 * env value wins: it is the more specific setting of the same name).
 */
export function composeBuild(service: string, build: BuildSource, env: EnvEntry[]): { build: Record<string, unknown>; secrets: BuildSecret[] } {
  const out: Record<string, unknown> = { context: build.git === undefined ? localContext(build.context) : gitContext(build), dockerfile: build.dockerfile };
  if (build.target) out.target = build.target;
  const args = { ...build.args, ...Object.fromEntries(env.filter((e) => e.build && !e.secret).map((e) => [e.name, e.value])) };
  if (Object.keys(args).length > 0) out.args = args;
  if (build.cacheFrom && build.cacheFrom.length > 0) out.cache_from = build.cacheFrom;
  const secrets = env.filter((e) => e.build && e.secret).map((entry) => ({ source: `${service}-${entry.name}`, file: `.secrets/${service}/${entry.name}`, entry }));
  if (secrets.length > 0) out.secrets = secrets.map((s) => ({ source: s.source, target: s.entry.name }));
  return { build: out, secrets };
}

/** Compose reads a git build context as `<url>#<ref>:<subdirectory>`. */
function gitContext(build: BuildSource): string {
  const dir = build.context.replace(/^\.\/?/, '').replace(/\/+$/, '');
  return dir ? `${build.git}#${build.ref}:${dir}` : `${build.git}#${build.ref}`;
}

/**
 * `./api`, never a bare `api`: compose takes a context that looks like a
 * host name (`github.com/x/y`) for a remote repository.
 */
export function localContext(context: string): string {
  const dir = context.replace(/\/+$/, '') || '.';
  if (dir === '.' || dir.startsWith('./') || dir.startsWith('../') || dir.startsWith('/') || dir === '..') return dir;
  return `./${dir}`;
}
