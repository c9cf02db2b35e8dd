import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { isRecord } from './compose-model.js';
import { requiredVariablesIn, variablesIn } from './interpolate.js';
import { stripCoolifyExtensions } from './original.js';
import { sensitiveName } from './checks/secrets.js';

/** One compose project on disk, as a user would have it: the file, its overrides, its .env and the files beside it. */
export interface Project {
  /** Shown in the report: the corpus-relative path or the case name. */
  name: string;
  dir: string;
  /** The main compose file, as written. */
  composeFile: string;
  /** compose.override.yaml and the like beside it: Compose merges them by default. */
  overrides: string[];
  envFile?: string;
  /** What docker-compose v1 is given: the originals, or copies without keys only newer Compose or Coolify know. */
  configFiles: string[];
  /** What the staging did, for the counts: `coolify-extensions`, `name`, `synthesised .env`… */
  notes: string[];
}

/** The override file Compose merges by default beside a default-named compose file: the first of these that exists. */
export function overridesBeside(file: string): string[] {
  if (!/^(docker-)?compose\.ya?ml$/.test(path.basename(file))) return [];
  const found = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml']
    .map((f) => path.join(path.dirname(file), f)).find((f) => fs.existsSync(f));
  return found ? [found] : [];
}

/**
 * Compose v1 refuses the top-level `name`, Coolify's `content`/`is_directory`/`exclude_from_hc` and named
 * volumes without a declaration. Coolify writes `content` to the bind source, strips its keys and declares
 * the volumes before it runs Compose; `name` only names the project. A copy so prepared is what v1 is
 * given; undefined when none is needed.
 */
export function v1Copy(text: string): { text: string; notes: string[] } | undefined {
  let doc: unknown;
  try {
    doc = parse(text, { merge: true, maxAliasCount: -1 });
  } catch {
    return undefined;
  }
  if (!isRecord(doc)) return undefined;
  const notes: string[] = [];
  let copy: Record<string, unknown> = doc;
  if ('name' in copy) {
    const { name: _name, ...rest } = copy;
    copy = rest;
    notes.push('name');
  }
  const stripped = stripCoolifyExtensions(copy) as Record<string, unknown>;
  if (JSON.stringify(stripped) !== JSON.stringify(copy)) notes.push('coolify-extensions');
  const undeclared = undeclaredVolumes(stripped);
  if (undeclared.length > 0) {
    stripped.volumes = { ...(isRecord(stripped.volumes) ? stripped.volumes : {}), ...Object.fromEntries(undeclared.map((v) => [v, {}])) };
    notes.push('undeclared volumes');
  }
  // v1 reads YAML 1.1 (`no` is false, 80:80 a base-60 number); Compose v2 reads them as the strings they are.
  if (JSON.stringify(parse(text, { version: '1.1', merge: true, maxAliasCount: -1 })) !== JSON.stringify(doc)) notes.push('yaml 1.2 strings quoted');
  if (notes.length === 0) return undefined;
  return { text: stringify(stripped, { version: '1.1', lineWidth: 0 }), notes };
}

/** Named volumes services mount without a top-level declaration: Coolify declares them before it runs Compose, which refuses them. */
function undeclaredVolumes(doc: Record<string, unknown>): string[] {
  const declared = isRecord(doc.volumes) ? doc.volumes : {};
  const names = new Set<string>();
  for (const s of Object.values(isRecord(doc.services) ? doc.services : {})) {
    for (const v of isRecord(s) && Array.isArray(s.volumes) ? s.volumes : []) {
      const source = isRecord(v) ? (v.type === undefined || v.type === 'volume' ? v.source : undefined) : String(v).split(':').length > 1 ? String(v).split(':')[0] : undefined;
      if (typeof source === 'string' && source && !/^[./~$]/.test(source) && !(source in declared)) names.add(source);
    }
  }
  return [...names];
}

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 10);
/** Coolify fills these in itself (generated passwords, routed URLs). */
const COOLIFY_MAGIC = /^SERVICE_[A-Z0-9]+_/;

/**
 * The .env a user of the corpus file would have: every sensitive variable the
 * file refers to gets a distinctive value (so a leak of it is found), every
 * required one a value; the rest stay unset as they would in a fresh checkout.
 */
export function synthesiseDotenv(text: string): string | undefined {
  const lines: string[] = [];
  const required = new Set(requiredVariablesIn(text));
  for (const name of new Set(variablesIn(text))) {
    if (COOLIFY_MAGIC.test(name)) continue;
    if (sensitiveName(name)) lines.push(`${name}=Fx${hash(name)}Secret`);
    else if (required.has(name)) lines.push(`${name}=fidelity-${name.toLowerCase().replace(/_/g, '-')}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : undefined;
}

const looksLikeFile = (p: string) => /\.[A-Za-z0-9]{1,10}$/.test(path.basename(p)) && !/^\.+$/.test(path.basename(p));

/** Writes what the compose file expects beside it: bound files and directories, build contexts, env files, secret and config files. */
function stageSiblings(doc: Record<string, unknown>, dir: string, root: string): void {
  const inside = (rel: string) => {
    if (rel.includes('$') || path.isAbsolute(rel) || rel.startsWith('~')) return undefined;
    const abs = path.resolve(dir, rel);
    return abs.startsWith(root + path.sep) ? abs : undefined;
  };
  const writeFile = (rel: string, content: string) => {
    const abs = inside(rel);
    if (!abs || fs.existsSync(abs)) return;
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  };
  const makeDir = (rel: string) => {
    const abs = inside(rel);
    if (abs && !fs.existsSync(abs)) fs.mkdirSync(abs, { recursive: true });
  };
  const services = isRecord(doc.services) ? doc.services : {};
  for (const s of Object.values(services).filter(isRecord)) {
    for (const v of Array.isArray(s.volumes) ? s.volumes : []) {
      const long = isRecord(v);
      const source = long ? (typeof v.source === 'string' ? v.source : undefined) : String(v).split(':').length > 1 ? String(v).split(':')[0] : undefined;
      if (!source || !/^\.\.?(\/|$)/.test(source)) continue;
      if (long && typeof v.content === 'string') writeFile(source, v.content);
      else if ((long && (v.is_directory === true || v.isDirectory === true)) || !looksLikeFile(source)) makeDir(source);
      else writeFile(source, `# staged by the fidelity check: ${source}\n`);
    }
    const build = isRecord(s.build) ? s.build : typeof s.build === 'string' ? { context: s.build } : undefined;
    const context = build && typeof build.context === 'string' ? build.context : build ? '.' : undefined;
    if (context !== undefined && !/^[a-z]+:\/\/|^git@/.test(context)) {
      makeDir(context);
      writeFile(path.join(context, typeof build!.dockerfile === 'string' ? build!.dockerfile : 'Dockerfile'), 'FROM scratch\n');
    }
    for (const e of Array.isArray(s.env_file) ? s.env_file : s.env_file === undefined ? [] : [s.env_file]) {
      writeFile(isRecord(e) ? String(e.path) : String(e), '');
    }
  }
  for (const section of ['secrets', 'configs'] as const) {
    for (const [name, def] of Object.entries(isRecord(doc[section]) ? doc[section] : {})) {
      if (isRecord(def) && typeof def.file === 'string') writeFile(def.file, section === 'secrets' ? `Fx${hash(name)}FileSecret\n` : `# config ${name}\n`);
    }
  }
}

/** A corpus file in a directory of its own under `root`, with what it expects beside it and a synthesised .env. */
export function stageCorpusFile(file: string, name: string, root: string, index: number): Project {
  const base = path.join(root, `${String(index).padStart(3, '0')}-${path.basename(file).replace(/\.ya?ml$/, '')}`);
  const dir = path.join(base, 'project');
  fs.mkdirSync(dir, { recursive: true });
  const text = fs.readFileSync(file, 'utf8');
  // Coolify keeps a template as docker-compose.yml; its own name may be a bind source (librechat.yaml binds ./librechat.yaml).
  const composeFile = path.join(dir, /^(docker-)?compose\.ya?ml$/.test(path.basename(file)) ? path.basename(file) : 'docker-compose.yml');
  fs.writeFileSync(composeFile, text);
  const notes: string[] = [];
  try {
    const doc = parse(text, { merge: true, maxAliasCount: -1 });
    if (isRecord(doc)) stageSiblings(doc, dir, base);
  } catch {
    notes.push('unparsable');
  }
  const env = synthesiseDotenv(text);
  let envFile: string | undefined;
  if (env) {
    envFile = path.join(dir, '.env');
    fs.writeFileSync(envFile, env);
    notes.push('synthesised .env');
  }
  return { name, dir, composeFile, overrides: [], envFile, configFiles: v1Files([composeFile], base, notes), notes };
}

/** A hand-written case: a directory with compose.yaml (or docker-compose.yml), maybe overrides and a .env; v1 copies go to `scratch`. */
export function caseProject(caseDir: string, scratch: string): Project {
  const dir = path.resolve(caseDir);
  const composeFile = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!composeFile) throw new Error(`${dir} has no compose file`);
  const overrides = overridesBeside(composeFile);
  const envFile = fs.existsSync(path.join(dir, '.env')) ? path.join(dir, '.env') : undefined;
  const notes: string[] = [];
  return { name: path.basename(dir), dir, composeFile, overrides, envFile, configFiles: v1Files([composeFile, ...overrides], scratch, notes), notes };
}

/** The files docker-compose v1 gets: a v1 copy (in `copyDir`; paths resolve against --project-directory) where the original needs one. */
function v1Files(files: string[], copyDir: string, notes: string[]): string[] {
  fs.mkdirSync(copyDir, { recursive: true });
  return files.map((f, i) => {
    const copy = v1Copy(fs.readFileSync(f, 'utf8'));
    if (!copy) return f;
    for (const n of copy.notes) if (!notes.includes(n)) notes.push(n);
    const target = path.join(copyDir, `${i}-${path.basename(f)}.compose-v1.yaml`);
    fs.writeFileSync(target, copy.text);
    return target;
  });
}
