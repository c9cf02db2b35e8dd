import { App, APP_API_VERSION } from '../../model/app.js';
import type { Diagnostic } from '../../model/diagnostic.js';
import { at, DiagnosticSink, type Origin } from './diagnostics.js';
import { isGeneratedSecret, markedSecrets, parseRouteVariable, placeholderDomain, secretMarker, unmarkSecrets } from './coolify.js';
import { resolveExtends, type ServiceMap } from './extends.js';
import { interpolate, type Lookup } from './interpolate.js';
import { isRecord } from './lists.js';
import { toDnsLabel } from './names.js';
import { assignRoutesAndPorts } from './routes.js';
import { settleReachability } from './reachability.js';
import { SecretCollector, secretVariables } from './secrets.js';
import { convertService, type ConvertedService } from './service.js';
import type { NetworkSettings } from './context.js';
import { collectSecretUses } from './secret-uses.js';
import { referenceSecretsInShellLines, templateEmbeddedSecrets } from './embedded-secrets.js';
import { loadDotenv, loadProject, type ComposeFile } from './project.js';
import { parseYaml, YamlParseError, type ParsedYaml, type YamlPath } from './yaml-source.js';

export interface ImportOptions {
  /** App name; defaults to the compose `name:` or "app". Normalised to a DNS-1123 label. */
  name?: string;
  /** Content of the `.env` file: the only source of variable values. */
  envFile?: string;
  /** Shown in diagnostics (file:line:column). */
  fileName?: string;
  /** Selected compose profiles; services in other profiles are left out. */
  profiles?: string[];
  /**
   * Compose files merged over this one, in order, as `docker compose -f this -f …` (the override file compose reads by
   * default is one: see discoverOverride). Names are shown in diagnostics.
   */
  overrideFiles?: ComposeFile[];
  /** App name when neither `name` nor the compose file's top-level `name:` gives one (the CLI passes the directory's name). */
  defaultName?: string;
  /** Reads files the compose file names (extends.file, env_file, secrets, configs, bound files, include), relative to the compose file. */
  loadFile?: (path: string) => string | undefined;
  /** Reads a bound file's raw bytes, so files that are not UTF-8 text are kept exactly (base64); falls back to loadFile. */
  loadBytes?: (path: string) => Uint8Array | undefined;
  /** Lists a bound directory (relative to the compose file): entry names, subdirectories ending in `/`; undefined when it is not a readable directory. */
  listDir?: (path: string) => string[] | undefined;
}

export interface ImportResult {
  /** null when the import failed with errors. */
  app: App | null;
  diagnostics: Diagnostic[];
  /** Secret values found in the sources, keyed like the app's secret references; for the caller's secret store. */
  secrets: Record<string, string>;
}

const TOP_LEVEL_KEYS = new Set(['version', 'name', 'services', 'volumes', 'networks', 'secrets', 'configs', 'include']);

interface Interpolation {
  lookup: Lookup;
  /** Coolify route ids referenced per (original) service name. */
  routeRefs: Map<string, Set<string>>;
  unset: Map<string, Origin>;
}

/** `secret` names the .env variables whose values are secrets: they interpolate as markers, never as their value. */
function createInterpolation(dotenv: Record<string, string>, secret: ReadonlySet<string> = new Set()): Interpolation {
  return {
    routeRefs: new Map(),
    unset: new Map(),
    lookup: (name) => {
      if (secret.has(name)) return secretMarker(name);
      if (name in dotenv) return dotenv[name];
      const route = parseRouteVariable(name);
      if (route) return route.kind === 'url' ? `https://${placeholderDomain(route.id)}` : placeholderDomain(route.id);
      if (isGeneratedSecret(name)) return secretMarker(name);
      return undefined;
    },
  };
}

/** Interpolates every string value (never keys), reporting unset and required variables where they occur. */
function interpolateTree(value: unknown, path: YamlPath, file: string | undefined, source: ParsedYaml, state: Interpolation, sink: DiagnosticSink): unknown {
  if (typeof value === 'string') {
    // Coolify writes `content:` files itself; their `$` belong to the file (nginx, shell), not to compose.
    if (path[0] === 'services' && path[2] === 'volumes' && path[4] === 'content') return value;
    const result = interpolate(value, state.lookup);
    const origin = { file, source, path };
    for (const name of result.unset) if (!state.unset.has(name)) state.unset.set(name, origin);
    for (const r of result.required) {
      sink.error('IMPORT_VARIABLE_REQUIRED', `${r.name} must be set (${r.message}). Add it to the .env file (or pass --env-file) and import again.`, origin);
    }
    if (result.invalid) sink.warn('IMPORT_INTERPOLATION_INVALID', `"${value}" has a $ that is not a variable reference; it is kept as written. Write $$ for a literal $.`, origin);
    if (path[0] === 'services' && typeof path[1] === 'string') {
      for (const name of result.used) {
        const route = parseRouteVariable(name);
        if (!route) continue;
        const refs = state.routeRefs.get(path[1]) ?? new Set();
        refs.add(route.id);
        state.routeRefs.set(path[1], refs);
      }
    }
    return result.value;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateTree(v, [...path, i], file, source, state, sink));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateTree(v, [...path, k], file, source, state, sink)]));
  return value;
}

/** Replaces any generated-secret marker still in the definition by `${NAME}`, so none can leak into output. */
function unmarkDeep(value: unknown, found: Set<string>): unknown {
  if (typeof value === 'string') {
    for (const s of markedSecrets(value)) found.add(s);
    return unmarkSecrets(value);
  }
  if (Array.isArray(value)) return value.map((v) => unmarkDeep(v, found));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unmarkDeep(v, found)]));
  return value;
}

/**
 * docker-compose file → Berth app definition. Pure: files other than the compose
 * file are read through `options.loadFile`, variables come only from `options.envFile`.
 */
export function importCompose(content: string, options: ImportOptions = {}): ImportResult {
  const sink = new DiagnosticSink();
  const secrets = new SecretCollector();
  const file = options.fileName;
  const failed = (): ImportResult => ({ app: null, diagnostics: sink.items, secrets: {} });

  // ---- the project: this file, the files merged over it and what it includes, as one interpolated document ----
  const dotenv = loadDotenv(options.envFile);
  let secretVars = new Set<string>();
  let state = createInterpolation(dotenv, secretVars);
  const project = loadProject(
    { main: { name: file, content }, overrides: options.overrideFiles ?? [], loadFile: options.loadFile, variables: dotenv },
    {
      sink,
      prepare: (raw) => {
        secretVars = new Set(raw.flatMap((doc) => [...secretVariables(doc, dotenv)]));
        state = createInterpolation(dotenv, secretVars);
      },
      // An included project sees its own env_file over the main .env; unset variables are reported once for all.
      interpolate: (value, source, name, variables) =>
        interpolateTree(value, [], name, source, variables === dotenv ? state : { ...state, lookup: createInterpolation(variables, secretVars).lookup }, sink),
    },
  );
  if (!project) return failed();
  const parsed = project.source;
  const root: Origin = { file, source: parsed, path: [] };
  if (!isRecord(project.value.services) || Object.keys(project.value.services).length === 0) {
    sink.error('IMPORT_NO_SERVICES', 'The file has no services section, so it is not a compose file Berth can import. Check that you picked docker-compose.yml.', at(root, 'services'));
    return failed();
  }
  if (project.files.length > 1) {
    sink.info('IMPORT_FILES_MERGED', `${project.files.map((f) => (f.file === undefined ? `the ${f.role}` : `${f.file} (${f.role})`)).join(', ')} were merged into one app, as docker compose merges them. Each finding names the file it is about.`, root);
  }
  const doc = project.value;

  for (const key of Object.keys(doc)) {
    if (TOP_LEVEL_KEYS.has(key) || key.startsWith('x-')) continue;
    sink.warn('IMPORT_UNKNOWN_KEY', `"${key}" is not a top-level compose key Berth knows; it was not imported.`, at(root, key));
  }
  if (doc.networks !== undefined) sink.info('IMPORT_NETWORKS_MERGED', 'Top-level networks become one: Berth puts all services of an app on one network, keeping the subnet that fixed addresses need; other network settings (drivers, external networks) are not carried over.', at(root, 'networks'));

  // ---- extends ----
  const otherFiles = new Map<string, { services: ServiceMap } | { error: string }>();
  const loadServices = (path: string) => {
    const cached = otherFiles.get(path);
    if (cached) return cached;
    const text = options.loadFile?.(path);
    let loaded: { services: ServiceMap } | { error: string };
    if (text === undefined) loaded = { error: 'file not found' };
    else {
      try {
        const other = parseYaml(text, path);
        const value = interpolateTree(other.value, [], path, other, state, sink);
        loaded = isRecord(value) && isRecord(value.services) ? { services: value.services } : { error: 'no services section' };
      } catch (err) {
        if (!(err instanceof YamlParseError)) throw err;
        loaded = { error: err.message };
      }
    }
    otherFiles.set(path, loaded);
    return loaded;
  };
  const rawServices = doc.services as ServiceMap;
  const resolved = new Map<string, Record<string, unknown>>();
  for (const original of Object.keys(rawServices)) {
    const origin = at(root, 'services', original);
    const service = resolveExtends(original, rawServices, { loadServices, problem: (code, message) => sink.error(code, message, at(origin, 'extends')) });
    if (!service) {
      sink.error('IMPORT_SERVICE_INVALID', `Service "${original}" must be a mapping of compose keys.`, origin);
      continue;
    }
    resolved.set(original, service);
  }

  // ---- profiles ----
  const selected = new Set(options.profiles ?? []);
  for (const [original, service] of resolved) {
    const profiles = Array.isArray(service.profiles) ? service.profiles.map(String) : [];
    if (profiles.length === 0) continue;
    const origin = at(root, 'services', original, 'profiles');
    if (profiles.some((p) => selected.has(p))) {
      sink.info('IMPORT_PROFILE_INCLUDED', `"${original}" belongs to profile ${profiles.join(', ')}, which you selected; Berth deploys it with the rest of the app.`, origin);
    } else {
      resolved.delete(original);
      sink.warn('IMPORT_PROFILE_EXCLUDED', `"${original}" belongs to profile ${profiles.join(', ')}, which is not selected, so it was left out. Select the profile (--profile ${profiles[0]}) to import it.`, origin);
    }
  }
  if (resolved.size === 0 && !sink.hasErrors) {
    sink.error('IMPORT_NO_SERVICES', 'No service is left to import once profiles are applied; select a profile.', at(root, 'services'));
  }

  // ---- names: DNS-1123, collisions are errors ----
  const serviceNames = new Map<string, string>();
  const owners = new Map<string, string>();
  for (const original of resolved.keys()) {
    const name = toDnsLabel(original, 'service');
    const origin = at(root, 'services', original);
    const clash = owners.get(name);
    if (clash !== undefined) {
      sink.error('IMPORT_NAME_COLLISION', `Services "${clash}" and "${original}" both become "${name}" as DNS-1123 names (lowercase letters, digits, dashes). Rename one of them.`, origin, `services.${name}`);
      continue;
    }
    owners.set(name, original);
    serviceNames.set(original, name);
    if (name !== original) {
      sink.warn('IMPORT_NAME_NORMALISED', `Service "${original}" is now "${name}": names must be DNS-1123 labels to work on every target. Where other services use the old host name, it is kept as an alias; better, change them to "${name}".`, origin, `services.${name}`);
    }
  }

  const appName = toDnsLabel(options.name ?? (typeof doc.name === 'string' && doc.name !== '' ? doc.name : (options.defaultName ?? 'app')));
  if (options.name !== undefined && appName !== options.name) sink.warn('IMPORT_NAME_NORMALISED', `The app name "${options.name}" is now "${appName}" (a DNS-1123 label).`, undefined, 'name');

  // ---- volumes ----
  const topVolumes = isRecord(doc.volumes) ? doc.volumes : {};
  const volumes: Record<string, { size?: string }> = {};
  const volumeOwners = new Map<string, string>();
  const usedVolumes = new Set<string>();
  const useVolume = (source: string, origin: Origin) => {
    usedVolumes.add(source);
    const name = toDnsLabel(source, 'data');
    const owner = volumeOwners.get(name);
    if (owner !== undefined && owner !== source) {
      sink.error('IMPORT_VOLUME_NAME_COLLISION', `Volumes "${owner}" and "${source}" both become "${name}" as DNS-1123 names. Rename one of them.`, origin, `volumes.${name}`);
    } else if (owner === undefined) {
      volumeOwners.set(name, source);
      volumes[name] = {};
      if (name !== source) sink.info('IMPORT_VOLUME_NAME_NORMALISED', `Volume "${source}" is now "${name}" (a DNS-1123 label).`, origin, `volumes.${name}`);
      const def = topVolumes[source];
      if (isRecord(def)) {
        for (const key of Object.keys(def)) {
          sink.warn(`IMPORT_UNSUPPORTED_VOLUME_${key.toUpperCase()}`, `volumes.${source}.${key} is not carried over: Berth creates and owns the app's volumes (1Gi unless you set a size).`, at(root, 'volumes', source, key), `volumes.${name}`);
        }
      }
    }
    return name;
  };

  // .env secrets own their names in the store; a literal credential with the same name and another value gets a qualified one.
  for (const secret of secretVars) secrets.values[secret] = dotenv[secret]!;
  const converted = new Map<string, ConvertedService>();
  const network: NetworkSettings = {};
  for (const [original, raw] of resolved) {
    const name = serviceNames.get(original);
    if (!name) continue;
    converted.set(name, convertService(raw, {
      sink,
      origin: at(root, 'services', original),
      name,
      serviceNames,
      useVolume,
      dotenv,
      lookup: state.lookup,
      files: { loadFile: options.loadFile, loadBytes: options.loadBytes, listDir: options.listDir },
      topSecrets: isRecord(doc.secrets) ? doc.secrets : {},
      topConfigs: isRecord(doc.configs) ? doc.configs : {},
      topNetworks: isRecord(doc.networks) ? doc.networks : {},
      network,
      secrets,
      interpolate: (text, origin) => String(interpolateTree(text, origin.path, origin.file, parsed, state, sink)),
    }));
  }
  for (const source of Object.keys(topVolumes)) {
    if (!usedVolumes.has(source)) sink.info('IMPORT_VOLUME_UNUSED', `Volume "${source}" is declared but no imported service mounts it; it was left out.`, at(root, 'volumes', source));
  }

  for (const [name, origin] of state.unset) {
    sink.warn('IMPORT_VARIABLE_UNSET', `\${${name}} has no value (it is not in the .env file), so it became an empty string as in compose. Add it to .env and import again, or edit the value.`, origin);
  }

  const routeRefs = new Map<string, Set<string>>();
  for (const [original, ids] of state.routeRefs) {
    const name = serviceNames.get(original);
    if (name) routeRefs.set(name, ids);
  }
  const services = assignRoutesAndPorts(converted, routeRefs, sink);
  const originals = new Map([...serviceNames].map(([original, name]) => [name, original]));
  settleReachability({
    services,
    originals,
    healthPorts: new Map([...converted].map(([name, c]) => [name, c.healthPort])),
    restartWritten: new Set([...converted].filter(([, c]) => c.restartWritten).map(([name]) => name)),
    originOf: (name) => (originals.has(name) ? at(root, 'services', originals.get(name)!) : undefined),
    sink,
  });

  templateEmbeddedSecrets(services, secrets.values, sink);
  referenceSecretsInShellLines(services, secrets.values, sink);
  const uses = collectSecretUses(services);
  for (const [secret, places] of uses) {
    if (isGeneratedSecret(secret) && !(secret in dotenv)) {
      sink.info('IMPORT_GENERATED_SECRET', `${secret} is a value Coolify generates; it is now a secret reference (${places.join(', ')}), and Berth generates a value for it on first deploy unless you set one.`, undefined, 'services');
    } else if (secretVars.has(secret)) {
      sink.info('IMPORT_SECRET_FROM_ENV_FILE', `${secret} from the .env file is a secret, so its value goes to the secret store and the definition only references it (${places.join(', ')}).`, undefined, 'services');
    }
  }

  for (const secret of secretVars) if (!uses.has(secret) && secrets.values[secret] === dotenv[secret]) delete secrets.values[secret];

  const leaked = new Set<string>();
  const input = unmarkDeep({ apiVersion: APP_API_VERSION, kind: 'App', name: appName, services, volumes, ...(network.subnet || network.ipv6Subnet ? { network } : {}) }, leaked);
  if (leaked.size > 0) sink.warn('IMPORT_SECRET_OUTSIDE_ENV', `Secrets ${[...leaked].join(', ')} are used where Berth cannot reference a secret; they are written as \${NAME} so no value is in the definition. Move them into environment variables.`);

  const checked = App.safeParse(input);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const original = issue.path[0] === 'services' ? owners.get(String(issue.path[1])) : undefined;
      const origin = original !== undefined ? at(root, 'services', original) : undefined;
      sink.error('IMPORT_INVALID_DEFINITION', `The imported definition is not valid at ${issue.path.join('.') || 'the top level'}: ${issue.message}. Fix the compose file there and import again.`, origin, issue.path.join('.'));
    }
  }
  if (sink.hasErrors || !checked.success) return { app: null, diagnostics: sink.items, secrets: secrets.values };
  return { app: checked.data, diagnostics: sink.items, secrets: secrets.values };
}
