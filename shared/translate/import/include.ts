import { isRecord } from './lists.js';

/**
 * Compose's `include:` (short form: a list of paths; long form: `path`,
 * `project_directory`, `env_file`), and moving an included project's relative
 * paths so they are relative to the importing project, as compose resolves
 * them against the included project's directory. Paths are POSIX-style and
 * relative to the main compose file's directory, as `loadFile` reads them.
 */

export interface Include {
  /** Its files, merged in order like `-f` (the first names the project). */
  paths: string[];
  /** Where its relative paths point. */
  projectDirectory: string;
  /** Its variables; undefined: the `.env` in its project directory, when there is one. */
  envFiles: string[] | undefined;
}

const isAbsolute = (p: string) => p.startsWith('/') || p.startsWith('~') || /^[A-Za-z]:[\\/]/.test(p);
const isRemote = (p: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(p) || p.startsWith('git@');

/** `a/b/../c` → `a/c`; `.` for the directory itself; leading `..` kept. */
export function normalizePath(p: string): string {
  const out: string[] = [];
  const absolute = p.startsWith('/');
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (part !== '..' || !absolute) out.push(part);
  }
  const joined = out.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

export function joinPath(dir: string, p: string): string {
  return isAbsolute(p) || isRemote(p) ? p : normalizePath(`${dir}/${p}`);
}

export function dirName(p: string): string {
  const slash = p.lastIndexOf('/');
  return slash < 0 ? '.' : slash === 0 ? '/' : p.slice(0, slash);
}

const strings = (v: unknown): string[] | undefined => (typeof v === 'string' ? [v] : Array.isArray(v) && v.every((e) => typeof e === 'string') ? v : undefined);

/** The entries of `include:`, with paths relative to the main project (`dir` is the including project's directory). */
export function readIncludes(value: unknown, dir: string, problem: (index: number, message: string) => void): Include[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problem(-1, 'include must be a list of files (include: [other/compose.yaml]) or of {path, project_directory, env_file}.');
    return [];
  }
  const out: Include[] = [];
  value.forEach((entry, index) => {
    const spec = typeof entry === 'string' ? { path: entry } : entry;
    const paths = isRecord(spec) ? strings(spec.path) : undefined;
    if (!isRecord(spec) || !paths || paths.length === 0) {
      problem(index, 'An include entry needs a path: a file name, or {path: FILE or [FILES], project_directory: DIR, env_file: FILE}.');
      return;
    }
    const files = paths.map((p) => joinPath(dir, p));
    const projectDirectory = typeof spec.project_directory === 'string' ? joinPath(dir, spec.project_directory) : dirName(files[0]!);
    const envFiles = spec.env_file === undefined ? undefined : (strings(spec.env_file) ?? []).map((f) => joinPath(dir, f));
    out.push({ paths: files, projectDirectory, envFiles });
  });
  return out;
}

/** A path relative to `dir`, made relative to the main project, keeping the `./` that marks a bind mount. */
function rebase(p: string, dir: string): string {
  if (dir === '.' || isAbsolute(p) || isRemote(p)) return p;
  const joined = joinPath(dir, p);
  return joined.startsWith('../') || joined.startsWith('/') ? joined : `./${joined}`;
}

const isBindSource = (source: string) => source.startsWith('.') || source.startsWith('/') || source.startsWith('~');

function rebaseMount(entry: unknown, dir: string): unknown {
  if (typeof entry === 'string') {
    const colon = entry.indexOf(':');
    if (colon <= 0) return entry;
    const source = entry.slice(0, colon);
    return isBindSource(source) ? `${rebase(source, dir)}${entry.slice(colon)}` : entry;
  }
  if (isRecord(entry) && entry.type === 'bind' && typeof entry.source === 'string') return { ...entry, source: rebase(entry.source, dir) };
  return entry;
}

const rebaseFiles = (v: unknown, dir: string): unknown =>
  typeof v === 'string' ? rebase(v, dir) : Array.isArray(v) ? v.map((f) => rebaseFiles(f, dir)) : isRecord(v) && typeof v.path === 'string' ? { ...v, path: rebase(v.path, dir) } : v;

function rebaseService(service: unknown, dir: string): unknown {
  if (!isRecord(service)) return service;
  const out = { ...service };
  if (typeof out.build === 'string') out.build = rebase(out.build, dir);
  else if (isRecord(out.build) && typeof out.build.context === 'string') out.build = { ...out.build, context: rebase(out.build.context, dir) };
  else if (isRecord(out.build)) out.build = { ...out.build, context: rebase('.', dir) };
  if (out.env_file !== undefined) out.env_file = rebaseFiles(out.env_file, dir);
  if (out.label_file !== undefined) out.label_file = rebaseFiles(out.label_file, dir);
  if (Array.isArray(out.volumes)) out.volumes = out.volumes.map((v) => rebaseMount(v, dir));
  if (isRecord(out.extends) && typeof out.extends.file === 'string') out.extends = { ...out.extends, file: rebase(out.extends.file, dir) };
  return out;
}

/** An included project's document with its relative paths (builds, binds, env files, secret and config files, extends) made relative to the main project. */
export function rebaseDocument(doc: Record<string, unknown>, dir: string): Record<string, unknown> {
  if (dir === '.') return doc;
  const out = { ...doc };
  if (isRecord(doc.services)) out.services = Object.fromEntries(Object.entries(doc.services).map(([name, s]) => [name, rebaseService(s, dir)]));
  for (const key of ['secrets', 'configs'] as const) {
    const defs = doc[key];
    if (!isRecord(defs)) continue;
    out[key] = Object.fromEntries(Object.entries(defs).map(([name, def]) => [name, isRecord(def) && typeof def.file === 'string' ? { ...def, file: rebase(def.file, dir) } : def]));
  }
  return out;
}
