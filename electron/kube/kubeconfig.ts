import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { YAMLException } from 'js-yaml';
import { loadYaml, YamlLimitError } from '../../shared/yaml/bounded-yaml.js';

/**
 * The user's kubeconfig read the way kubectl (client-go's clientcmd) reads
 * it, with client-node's KubeConfig for every entry. client-node's own
 * loadFromDefault differs from kubectl where it matters here, so the merge
 * is done here instead:
 * - a name defined in two files throws "Duplicate context" there; kubectl
 *   keeps the first file's entry, whole;
 * - there a later file's current-context replaces the first (or, with
 *   contextFromStartingConfig, a first file without one hides the rest);
 *   kubectl takes the first file that sets one;
 * - a file listed in $KUBECONFIG that does not exist throws there; kubectl
 *   skips it;
 * - there `token-file` is read relative to the process's working directory
 *   and the exec command is left as written; kubectl resolves both, like
 *   certificate paths, against the file that names them.
 * Every file also goes through Berth's bounded YAML reader first, so a
 * kubeconfig that is an alias bomb fails at once with the limit.
 */

export interface Origin<T> {
  value: T;
  /** The file that defined it. */
  file: string;
  /** The entry's YAML as written (paths resolved), for what client-node's types drop. */
  raw: Record<string, unknown>;
}

export interface LoadedKubeconfig {
  files: string[];
  clusters: Map<string, Origin<Cluster>>;
  users: Map<string, Origin<User>>;
  contexts: Map<string, Origin<Context>>;
  currentContext?: string;
  problems: Array<{ file: string; message: string }>;
}

/** $KUBECONFIG as a list (empty entries and repeats dropped, as kubectl does), else ~/.kube/config. */
export function kubeconfigFiles(env: NodeJS.ProcessEnv): string[] {
  const listed = (env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean).map((f) => path.resolve(f));
  if (listed.length > 0) return [...new Set(listed)];
  return [path.join(env.HOME || os.homedir(), '.kube', 'config')];
}

type Raw = Record<string, unknown>;
const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const entries = (v: unknown): Raw[] => (Array.isArray(v) ? v.filter(isRecord) : []);

/** clientcmd's ResolveLocalPaths: relative file references are relative to the file that names them. */
function resolveLocalPaths(config: Raw, dir: string): void {
  const resolve = (holder: Raw, key: string) => {
    const value = holder[key];
    if (typeof value === 'string' && value !== '' && !path.isAbsolute(value)) holder[key] = path.join(dir, value);
  };
  for (const entry of entries(config.clusters)) {
    if (!isRecord(entry.cluster)) continue;
    // client-go lets the inline data win over the file; client-node reads the file first.
    if (entry.cluster['certificate-authority-data']) delete entry.cluster['certificate-authority'];
    resolve(entry.cluster, 'certificate-authority');
  }
  for (const entry of entries(config.users)) {
    const user = entry.user;
    if (!isRecord(user)) continue;
    if (user['client-certificate-data']) delete user['client-certificate'];
    if (user['client-key-data']) delete user['client-key'];
    for (const key of ['client-certificate', 'client-key', 'token-file']) resolve(user, key);
    // A bare command (aws, kubelogin) is looked up on PATH; one with a slash is a path.
    if (isRecord(user.exec) && typeof user.exec.command === 'string' && user.exec.command.includes(path.sep)) resolve(user.exec, 'command');
  }
}

type FileResult = { kind: 'missing' } | { kind: 'error'; message: string } | { kind: 'ok'; config: KubeConfig; raw: Raw; problem?: string };

async function readKubeconfigFile(file: string): Promise<FileResult> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'error', message: `${file} cannot be read: ${(err as Error).message}` };
  }
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : loadYaml(text, { filename: file });
  } catch (err) {
    if (err instanceof YamlLimitError) return { kind: 'error', message: `${file} was not read: ${err.reason}` };
    const where = err instanceof YAMLException && err.mark ? ` (line ${err.mark.line + 1})` : '';
    return { kind: 'error', message: `${file} is not valid YAML: ${err instanceof YAMLException ? err.reason : (err as Error).message}${where}` };
  }
  parsed ??= {};
  if (!isRecord(parsed)) return { kind: 'error', message: `${file} is not a kubeconfig: it should be a mapping with clusters, users and contexts.` };
  resolveLocalPaths(parsed, path.dirname(path.resolve(file)));
  const json = JSON.stringify(parsed);
  const config = new KubeConfig();
  try {
    config.loadFromString(json);
    return { kind: 'ok', config, raw: parsed };
  } catch (err) {
    // One bad entry should not hide the good ones: keep those, and say what was skipped.
    config.loadFromString(json, { onInvalidEntry: 'filter' });
    return { kind: 'ok', config, raw: parsed, problem: `${file}: an entry was skipped: ${(err as Error).message}` };
  }
}

function rawByName(list: unknown): Map<string, Raw> {
  const out = new Map<string, Raw>();
  for (const entry of entries(list)) if (typeof entry.name === 'string' && !out.has(entry.name)) out.set(entry.name, entry);
  return out;
}

/** Reads and merges the files: per name the first file's entry wins whole; current-context from the first file that sets one. */
export async function loadKubeconfig(files: string[]): Promise<LoadedKubeconfig> {
  const loaded: LoadedKubeconfig = { files, clusters: new Map(), users: new Map(), contexts: new Map(), problems: [] };
  const results = await Promise.all(files.map((file) => readKubeconfigFile(file)));
  files.forEach((file, i) => {
    const result = results[i]!;
    if (result.kind === 'missing') return;
    if (result.kind === 'error') {
      loaded.problems.push({ file, message: result.message });
      return;
    }
    if (result.problem) loaded.problems.push({ file, message: result.problem });
    const { config, raw } = result;
    const current = config.getCurrentContext();
    if (loaded.currentContext === undefined && typeof current === 'string' && current !== '') loaded.currentContext = current;
    const add = <T extends { name: string }>(into: Map<string, Origin<T>>, values: T[], rawList: unknown) => {
      const rawEntries = rawByName(rawList);
      for (const value of values) if (!into.has(value.name)) into.set(value.name, { value, file, raw: rawEntries.get(value.name) ?? {} });
    };
    add(loaded.clusters, config.getClusters(), raw.clusters);
    add(loaded.users, config.getUsers(), raw.users);
    add(loaded.contexts, config.getContexts(), raw.contexts);
  });
  return loaded;
}

/** A KubeConfig holding just this context, its cluster and user: safe to use concurrently with other contexts'. */
export function singleContextConfig(loaded: LoadedKubeconfig, name: string, prepareUser: (user: User) => User = (u) => u): KubeConfig | undefined {
  const context = loaded.contexts.get(name)?.value;
  if (!context) return undefined;
  const cluster = loaded.clusters.get(context.cluster)?.value;
  const user = context.user ? loaded.users.get(context.user)?.value : undefined;
  const config = new KubeConfig();
  config.loadFromOptions({ clusters: cluster ? [cluster] : [], users: user ? [prepareUser(user)] : [], contexts: [context], currentContext: name });
  return config;
}
