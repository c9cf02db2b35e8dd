import fs from 'node:fs';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeContext } from '../../shared/model/cluster.js';
import type { KubeContextSource, SourceListing } from './context-source.js';
import { authKindOf, withPluginEnvironment } from './credentials.js';
import { kubeconfigFiles, loadKubeconfig, singleContextConfig, type LoadedKubeconfig } from './kubeconfig.js';
import { LoginShellPath } from './login-shell-path.js';

interface Snapshot {
  fingerprint: string;
  loaded: Promise<LoadedKubeconfig>;
  /** One KubeConfig per context for as long as the files stay the same, so exec plugins' tokens stay cached. */
  configs: Map<string, Promise<KubeConfig | undefined>>;
}

/** Identity, size and modification time of each file: a change to any means read again. */
async function fingerprint(files: string[]): Promise<string> {
  const parts = await Promise.all(files.map(async (file) => {
    try {
      const s = await fs.promises.stat(file);
      return `${file}:${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return `${file}:-`;
    }
  }));
  return parts.join('\n');
}

function describe(loaded: LoadedKubeconfig): KubeContext[] {
  return [...loaded.contexts.values()].map(({ value: context, file }) => {
    const cluster = loaded.clusters.get(context.cluster);
    const user = context.user ? loaded.users.get(context.user) : undefined;
    const problem = !cluster
      ? `Its cluster ${context.cluster} is defined in no kubeconfig file.`
      : context.user && !user ? `Its user ${context.user} is defined in no kubeconfig file.` : undefined;
    return {
      name: context.name,
      cluster: context.cluster,
      server: cluster?.value.server ?? '',
      user: context.user ?? '',
      ...(context.namespace ? { namespace: context.namespace } : {}),
      current: context.name === loaded.currentContext,
      source: { kind: 'kubeconfig', file },
      auth: authKindOf(user?.raw),
      ...(problem ? { problem } : {}),
    };
  });
}

/** The user's kubeconfig files, read as kubectl reads them; never written. */
export class KubeconfigSource implements KubeContextSource {
  readonly kind = 'kubeconfig';
  private snapshot?: Snapshot;
  private readonly loginPath: LoginShellPath;

  constructor(private readonly options: { env?: NodeJS.ProcessEnv; loginPath?: LoginShellPath } = {}) {
    this.loginPath = options.loginPath ?? new LoginShellPath({ env: options.env });
  }

  private get files(): string[] {
    return kubeconfigFiles(this.options.env ?? process.env);
  }

  private async current(): Promise<Snapshot> {
    const files = this.files;
    const now = await fingerprint(files);
    if (this.snapshot?.fingerprint !== now) this.snapshot = { fingerprint: now, loaded: loadKubeconfig(files), configs: new Map() };
    return this.snapshot;
  }

  async list(): Promise<SourceListing> {
    const loaded = await (await this.current()).loaded;
    return { contexts: describe(loaded), files: loaded.files, problems: loaded.problems.map((p) => ({ source: this.kind, ...p })) };
  }

  async config(name: string): Promise<KubeConfig | undefined> {
    const snapshot = await this.current();
    let config = snapshot.configs.get(name);
    if (!config) {
      config = snapshot.loaded.then((loaded) => this.build(loaded, name));
      snapshot.configs.set(name, config);
    }
    return config;
  }

  forget(name: string): void {
    this.snapshot?.configs.delete(name);
  }

  private async build(loaded: LoadedKubeconfig, name: string): Promise<KubeConfig | undefined> {
    const context = loaded.contexts.get(name)?.value;
    if (!context) return undefined;
    const user = context.user ? loaded.users.get(context.user)?.value : undefined;
    // The login shell is started only for a context whose user runs a plugin.
    const loginPath = user?.exec ? await this.loginPath.get() : undefined;
    const cluster = loaded.clusters.get(context.cluster)?.value;
    return singleContextConfig(loaded, name, (u) => (loginPath === undefined ? u : withPluginEnvironment(u, loginPath, cluster)));
  }

  /** Watches the directories (editors and kubectl replace files by renaming) and reports only real changes. */
  watch(onChange: () => void): () => void {
    const files = this.files;
    const byDir = new Map<string, Set<string>>();
    for (const file of files) {
      const names = byDir.get(path.dirname(file)) ?? new Set<string>();
      names.add(path.basename(file));
      byDir.set(path.dirname(file), names);
    }
    let last: Promise<string> = fingerprint(files);
    let timer: NodeJS.Timeout | undefined;
    const settle = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const before = last;
        last = fingerprint(files);
        void Promise.all([before, last]).then(([a, b]) => {
          if (a !== b) onChange();
        });
      }, 150);
    };
    const watchers: fs.FSWatcher[] = [];
    for (const [dir, names] of byDir) {
      try {
        const watcher = fs.watch(dir, { persistent: false }, (_event, name) => {
          if (!name || names.has(String(name))) settle();
        });
        watcher.on('error', () => watcher.close());
        watchers.push(watcher);
      } catch {
        // A directory that does not exist yet: list() still notices the file once it appears.
      }
    }
    return () => {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    };
  }
}
