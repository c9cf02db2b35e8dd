import os from 'node:os';
import path from 'node:path';
import { readFileIfExists } from '../storage/atomic-file.js';
import { loadYaml } from '../../shared/yaml/bounded-yaml.js';

export interface KubeContextInfo {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
  current: boolean;
}

interface KubeConfig {
  'current-context'?: string;
  contexts?: Array<{ name?: string; context?: { cluster?: string; user?: string; namespace?: string } }>;
}

/** Like kubectl: every file listed in $KUBECONFIG (else ~/.kube/config), merged; the first definition of a context wins. */
export async function kubeContexts(env: NodeJS.ProcessEnv = process.env): Promise<KubeContextInfo[]> {
  const files = env.KUBECONFIG ? env.KUBECONFIG.split(path.delimiter).filter(Boolean) : [path.join(os.homedir(), '.kube', 'config')];
  const out: KubeContextInfo[] = [];
  let current: string | undefined;
  for (const file of files) {
    const text = await readFileIfExists(file);
    if (text === undefined) continue;
    const config = (loadYaml(text, { filename: file }) ?? {}) as KubeConfig;
    current ??= config['current-context'];
    for (const c of config.contexts ?? []) {
      if (!c.name || out.some((o) => o.name === c.name)) continue;
      out.push({ name: c.name, cluster: c.context?.cluster ?? '', user: c.context?.user ?? '', ...(c.context?.namespace ? { namespace: c.context.namespace } : {}), current: false });
    }
  }
  return out.map((c) => ({ ...c, current: c.name === current }));
}
