import { parse as parseDotenv } from 'dotenv';
import { type DiagnosticSink } from './diagnostics.js';
import { dirName, joinPath, readIncludes, rebaseDocument, type Include } from './include.js';
import { interpolate } from './interpolate.js';
import { isRecord } from './lists.js';
import { mergeLayers, type Layer } from './merge.js';
import { parseComposeYaml, YamlParseError, type ComposeDocument, type ParsedYaml } from './yaml-source.js';

/**
 * A compose project as compose loads it: the compose file, the files merged
 * over it (`-f` / the override file), each document interpolated with its
 * project's variables, and `include:`d projects brought in — one document,
 * whose positions point into the file each part came from.
 */

export interface ComposeFile {
  /** Shown in diagnostics; for files other than the first, also how `loadFile` finds files next to it. */
  name: string | undefined;
  content: string;
}

export interface ProjectInput {
  main: ComposeFile;
  /** Merged over the main file in order, as `docker compose -f main -f …`. */
  overrides: ComposeFile[];
  /** Reads a file by its path relative to the main file's directory. */
  loadFile: ((path: string) => string | undefined) | undefined;
  /** The main project's variables (its `.env`). */
  variables: Record<string, string>;
}

export interface ProjectHooks {
  sink: DiagnosticSink;
  /** Sees the project's own documents before any is interpolated (secret variables are found there). */
  prepare(raw: unknown[]): void;
  /** Interpolates a whole document with the variables its project sees. */
  interpolate(value: unknown, source: ParsedYaml, file: string | undefined, variables: Record<string, string>): unknown;
}

export interface Project {
  value: Record<string, unknown>;
  source: ParsedYaml;
  /** Every file merged into the document, in order, and why. */
  files: Array<{ file: string | undefined; role: 'compose file' | 'override' | 'include' }>;
}

/** The names compose finds in a directory without `-f`, in its order of preference (compose-go cli/options.go). */
export const DEFAULT_COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
export const DEFAULT_OVERRIDE_FILES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/**
 * The override file compose merges by default next to `fileName` (the first
 * of DEFAULT_OVERRIDE_FILES that exists), when `fileName` has one of the
 * default names; read through `loadFile` (relative to the compose file).
 */
export function discoverOverride(fileName: string, loadFile: (path: string) => string | undefined): ComposeFile | undefined {
  if (!DEFAULT_COMPOSE_FILES.includes(baseName(fileName.replaceAll('\\', '/')))) return undefined;
  const dir = dirName(fileName.replaceAll('\\', '/'));
  for (const name of DEFAULT_OVERRIDE_FILES) {
    const content = loadFile(name);
    if (content !== undefined) return { name: dir === '.' ? name : `${dir}/${name}`, content };
  }
  return undefined;
}

/** `.env` values may refer to earlier ones (`B=${A}/x`), as in compose. */
export function loadDotenv(content: string | undefined, outer: Record<string, string> = {}): Record<string, string> {
  const values: Record<string, string> = {};
  if (content === undefined) return values;
  for (const [key, raw] of Object.entries(parseDotenv(content))) values[key] = interpolate(raw, (n) => values[n] ?? outer[n]).value;
  return values;
}

const RESOURCES = ['services', 'volumes', 'networks', 'secrets', 'configs'] as const;

class Loader {
  readonly files: Project['files'] = [];
  private failed = false;

  constructor(
    private readonly input: ProjectInput,
    private readonly hooks: ProjectHooks,
  ) {}

  /** Diagnostics name files as the user named the main one: `proj/sub/compose.yaml` for `sub/compose.yaml` beside `proj/compose.yaml`. */
  private display(path: string): string {
    const main = this.input.main.name;
    const dir = main === undefined ? '.' : dirName(main.replaceAll('\\', '/'));
    return joinPath(dir, path);
  }

  private parse(file: ComposeFile): ComposeDocument[] | undefined {
    try {
      return parseComposeYaml(file.content, file.name);
    } catch (err) {
      if (!(err instanceof YamlParseError)) throw err;
      this.hooks.sink.error(err.code, err.message, { file: file.name, source: { value: undefined, positionOf: () => err.position }, path: [] });
      this.failed = true;
      return undefined;
    }
  }

  load(): Project | undefined {
    const { main, overrides } = this.input;
    const parsed = [main, ...overrides].map((file) => ({ file, documents: this.parse(file) }));
    if (this.failed) return undefined;
    this.hooks.prepare(parsed.flatMap((p) => p.documents!.map((d) => d.value)));
    let project: Layer | undefined;
    parsed.forEach(({ file, documents }, index) => {
      this.files.push({ file: file.name, role: index === 0 ? 'compose file' : 'override' });
      for (const document of documents!) {
        if (index > 0 && !isRecord(document.value)) {
          if (document.value !== null) this.hooks.sink.error('IMPORT_OVERRIDE_INVALID', `${file.name ?? 'An override file'} is not a compose file (its top level is not a mapping of compose keys), so it cannot be merged. Check that you picked the right file.`, { file: file.name, source: document, path: [] });
          continue;
        }
        const layer = this.layer(document, file.name, '.', this.input.variables, [file.name ?? '']);
        project = project ? mergeLayers(project, layer) : layer;
      }
    });
    if (this.failed || !project) return undefined;
    return { value: project.value, source: project.source, files: this.files };
  }

  /** One document: interpolated, with its includes brought in under it. */
  private layer(document: ComposeDocument, file: string | undefined, dir: string, variables: Record<string, string>, chain: string[]): Layer {
    const interpolated = this.hooks.interpolate(document.value, document, file, variables);
    const value = isRecord(interpolated) ? interpolated : ({} as Record<string, unknown>);
    const own: Layer = { value, source: document, resets: document.resets, overrides: document.overrides };
    if (!isRecord(interpolated) || value.include === undefined) return own;
    const { include, ...rest } = value;
    const origin = { file, source: document as ParsedYaml, path: ['include'] as Array<string | number> };
    const includes = readIncludes(include, dir, (index, message) => {
      this.hooks.sink.error('IMPORT_INCLUDE_INVALID', message, index < 0 ? origin : { ...origin, path: ['include', index] });
      this.failed = true;
    });
    let imported: Layer | undefined;
    const definedIn = new Map<string, string>();
    includes.forEach((entry, index) => {
      const at = { ...origin, path: ['include', index] };
      const project = this.included(entry, variables, chain, at);
      if (!project) return;
      const resources = Object.fromEntries(RESOURCES.filter((k) => isRecord(project.value[k])).map((k) => [k, project.value[k]]));
      for (const kind of RESOURCES) {
        for (const [name, def] of Object.entries(isRecord(resources[kind]) ? resources[kind] : {})) {
          const key = `${kind}.${name}`;
          const earlier = definedIn.get(key);
          const previous = imported && isRecord(imported.value[kind]) ? imported.value[kind][name] : undefined;
          if (earlier !== undefined && JSON.stringify(previous) !== JSON.stringify(def)) {
            this.hooks.sink.error('IMPORT_INCLUDE_CONFLICT', `${kind === 'services' ? 'Service' : kind.slice(0, -1)} "${name}" is defined both in ${earlier} and in ${this.display(entry.paths[0]!)}, differently; compose cannot tell which to use. Remove or rename one of them.`, at);
            this.failed = true;
          }
          definedIn.set(key, this.display(entry.paths[0]!));
        }
      }
      const layer = { value: resources, source: project.source };
      imported = imported ? mergeLayers(imported, layer) : layer;
    });
    if (!imported) return { ...own, value: rest };
    // The including file wins over what it includes, merged as an override (compose-go since November 2025).
    for (const kind of RESOURCES) {
      const mine = rest[kind];
      const theirs = imported.value[kind];
      if (!isRecord(mine) || !isRecord(theirs)) continue;
      for (const name of Object.keys(mine)) {
        if (!Object.hasOwn(theirs, name)) continue;
        this.hooks.sink.info('IMPORT_INCLUDE_OVERRIDDEN', `"${name}" in ${kind} is defined in ${definedIn.get(`${kind}.${name}`)} and again here; as in compose, this definition is merged over the included one. Remove it here to use the included one as it is.`, { file, source: document, path: [kind, name] });
      }
    }
    return mergeLayers(imported, { ...own, value: rest });
  }

  private included(entry: Include, outer: Record<string, string>, chain: string[], at: { file: string | undefined; source: ParsedYaml; path: Array<string | number> }): Layer | undefined {
    const { sink } = this.hooks;
    const fail = (code: string, message: string) => {
      sink.error(code, message, at);
      this.failed = true;
      return undefined;
    };
    const cycle = entry.paths.find((p) => chain.includes(p));
    if (cycle !== undefined) return fail('IMPORT_INCLUDE_CYCLE', `include forms a cycle (${[...chain, cycle].map((p) => this.display(p)).join(' → ')}); remove the include that leads back.`);
    const read = (path: string) => this.input.loadFile?.(path);
    const envFiles = entry.envFiles ?? [joinPath(entry.projectDirectory, '.env')];
    let variables = { ...outer };
    for (const envFile of envFiles) {
      const text = read(envFile);
      if (text === undefined && entry.envFiles !== undefined) return fail('IMPORT_INCLUDE_MISSING', `The env_file ${this.display(envFile)} of this include cannot be read. Import from the directory that contains it, or fix the path.`);
      if (text !== undefined) variables = { ...variables, ...loadDotenv(text, variables) };
    }
    let project: Layer | undefined;
    for (const path of entry.paths) {
      const content = read(path);
      if (content === undefined) return fail('IMPORT_INCLUDE_MISSING', `The included file ${this.display(path)} cannot be read${this.input.loadFile ? '' : ' (only the compose file itself was given)'}. Import from the directory that contains it (berth import), or fix the path.`);
      const documents = this.parse({ name: this.display(path), content });
      if (!documents) return undefined;
      this.files.push({ file: this.display(path), role: 'include' });
      for (const document of documents) {
        if (!isRecord(document.value)) continue;
        const layer = this.layer(document, this.display(path), entry.projectDirectory, variables, [...chain, path]);
        const moved = { ...layer, value: rebaseDocument(layer.value, entry.projectDirectory) };
        project = project ? mergeLayers(project, moved) : moved;
      }
    }
    return project;
  }
}

/** The merged, interpolated document of a compose project; undefined when it could not be loaded (the errors are in the sink). */
export function loadProject(input: ProjectInput, hooks: ProjectHooks): Project | undefined {
  return new Loader(input, hooks).load();
}
