import { PassThrough, type Readable } from 'node:stream';
import { ApiError } from '../../../shared/api/errors.js';
import type { RemoteKubectl } from '../../kube/ssh-clusters/remote-kubectl.js';
import type { KubeApi, KubeRef } from './kube-api.js';
import { FIELD_MANAGER, conflictError, describe, type KubeObject } from './kube-client.js';

/** Kubernetes names and label selectors, as RemoteKubectl checks them: none can be read as an option. */
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;
const API_VERSION = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v[0-9][a-z0-9]*$/;
const SELECTOR = /^[A-Za-z0-9._/=!,() -]+$/;

function checked(value: string, pattern: RegExp, what: string): string {
  if (value.length > 253 || !pattern.test(value)) throw new ApiError('INVALID_INPUT', `"${value}" is not a valid ${what}.`);
  return value;
}

/** kubectl's fully qualified resource argument: `deployment.v1.apps`, or the kind alone in the core group (`secret`). */
export function resourceArg(apiVersion: string, kind: string): string {
  checked(apiVersion, API_VERSION, 'apiVersion');
  const lower = checked(kind, KIND, 'kind').toLowerCase();
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') as [string, string] : ['', apiVersion];
  return group ? `${lower}.${version}.${group}` : lower;
}

/** A watch path as the rollout watch asks for it (`/apis/apps/v1/namespaces/shop/deployments`) as kubectl arguments. */
export function watchTarget(path: string): { resource: string; namespace?: string } {
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([a-z0-9]+)$/.exec(path);
  if (!m) throw new ApiError('INVALID_INPUT', `Cannot watch ${path} through kubectl.`);
  const [, core, group, version, namespace, resource] = m;
  const name = core ? resource! : `${resource}.${checked(version!, /^v[0-9][a-z0-9]*$/, 'version')}.${checked(group!, NAME, 'group')}`;
  return { resource: name, ...(namespace ? { namespace: checked(namespace, NAME, 'namespace') } : {}) };
}

const ns = (namespace: string | undefined) => (namespace ? [`--namespace=${checked(namespace, NAME, 'namespace')}`] : []);

/**
 * Splits concatenated JSON documents (what `kubectl get --watch -o json`
 * prints, each one pretty-printed over many lines) as they arrive.
 */
export class JsonStreamSplitter {
  private buffer = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private start = -1;

  constructor(private readonly onDocument: (value: unknown) => void) {}

  push(text: string): void {
    const offset = this.buffer.length;
    this.buffer += text;
    for (let i = offset; i < this.buffer.length; i++) {
      const c = this.buffer[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
        continue;
      }
      if (c === '"') this.inString = true;
      else if (c === '{' || c === '[') {
        if (this.depth === 0) this.start = i;
        this.depth++;
      } else if ((c === '}' || c === ']') && this.depth > 0) {
        this.depth--;
        if (this.depth === 0 && this.start >= 0) {
          const doc = this.buffer.slice(this.start, i + 1);
          this.buffer = this.buffer.slice(i + 1);
          i = -1;
          this.start = -1;
          try {
            this.onDocument(JSON.parse(doc));
          } catch {
            // Not JSON after all (a warning line with braces): skip it.
          }
        }
      }
    }
    if (this.depth === 0) this.buffer = '';
  }
}

/**
 * The Kubernetes API as the deploy steps use it, through kubectl on the
 * cluster's server over SSH (RemoteKubectl): for an SSH cluster whose sshd
 * refuses TCP forwarding, so no tunnel can reach its API. Applies are
 * `kubectl apply --server-side --field-manager=berth` (with
 * `--dry-run=server` for the plan), watches are `kubectl get --watch
 * --output-watch-events -o json`, logs `kubectl logs`. kubectl's "Error from
 * server (Reason)" lines become the same ApiErrors KubeClient gives.
 */
export class RemoteKubeApi implements KubeApi {
  constructor(readonly kubectl: RemoteKubectl, readonly label: string) {}

  async version(): Promise<string> {
    const out = await this.json(['version', '--output=json'], 'reach the API server') as { serverVersion?: { gitVersion?: string } };
    if (!out.serverVersion?.gitVersion) throw new ApiError('CONNECTION_LOST', `kubectl on the server did not reach the API server of ${this.label}.`);
    return out.serverVersion.gitVersion;
  }

  async apply(object: KubeObject, options: { dryRun?: boolean; force?: boolean } = {}): Promise<KubeObject> {
    const body = { ...object, metadata: { ...object.metadata } };
    delete (body.metadata as Record<string, unknown>).managedFields;
    delete (body.metadata as Record<string, unknown>).resourceVersion;
    const args = [
      'apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, ...(options.force ? ['--force-conflicts'] : []), ...(options.dryRun ? ['--dry-run=server'] : []),
      '--output=json', '--filename=-',
    ];
    return this.json(args, `apply ${describe(object)}`, JSON.stringify(body)) as Promise<KubeObject>;
  }

  async read(ref: KubeRef): Promise<KubeObject | undefined> {
    const result = await this.run(['get', resourceArg(ref.apiVersion, ref.kind), checked(ref.name, NAME, 'name'), ...ns(ref.namespace), '--ignore-not-found', '--output=json'], `read ${describe(ref)}`);
    return result.trim() ? (this.parse(result, `read ${describe(ref)}`) as KubeObject) : undefined;
  }

  async list(apiVersion: string, kind: string, namespace: string | undefined, labelSelector?: string): Promise<KubeObject[]> {
    const args = ['get', resourceArg(apiVersion, kind), ...(namespace ? ns(namespace) : ['--all-namespaces']), ...(labelSelector ? [`--selector=${checked(labelSelector, SELECTOR, 'label selector')}`] : []), '--output=json'];
    const out = await this.json(args, `list ${kind}`) as { items?: KubeObject[] };
    return (out.items ?? []).map((item) => ({ ...item, apiVersion, kind }));
  }

  async delete(ref: KubeRef): Promise<boolean> {
    const out = await this.run(['delete', resourceArg(ref.apiVersion, ref.kind), checked(ref.name, NAME, 'name'), ...ns(ref.namespace), '--ignore-not-found', '--wait=false', '--cascade=background', '--output=name'], `delete ${describe(ref)}`);
    return out.trim().length > 0;
  }

  create(object: KubeObject): Promise<KubeObject> {
    return this.json(['create', `--field-manager=${FIELD_MANAGER}`, '--output=json', '--filename=-'], `create ${describe(object)}`, JSON.stringify(object)) as Promise<KubeObject>;
  }

  replace(object: KubeObject): Promise<KubeObject> {
    return this.json(['replace', `--field-manager=${FIELD_MANAGER}`, '--output=json', '--filename=-'], `replace ${describe(object)}`, JSON.stringify(object)) as Promise<KubeObject>;
  }

  async mergePatch(ref: KubeRef, patch: Record<string, unknown>): Promise<void> {
    await this.run(['patch', resourceArg(ref.apiVersion, ref.kind), checked(ref.name, NAME, 'name'), ...ns(ref.namespace), '--type=merge', `--field-manager=${FIELD_MANAGER}`, `--patch=${JSON.stringify(patch)}`, '--output=name'], `patch ${describe(ref)}`);
  }

  async watch(path: string, query: Record<string, string | number | boolean | undefined>, onEvent: (type: string, object: KubeObject) => void, onDone: (err: unknown) => void): Promise<AbortController> {
    const { resource, namespace } = watchTarget(path);
    const selector = typeof query.labelSelector === 'string' && query.labelSelector ? [`--selector=${checked(query.labelSelector, SELECTOR, 'label selector')}`] : [];
    const controller = new AbortController();
    const channel = await this.kubectl.stream(['get', resource, ...ns(namespace), ...selector, '--watch', '--output-watch-events', '--output=json'], { signal: controller.signal });
    const splitter = new JsonStreamSplitter((doc) => {
      const event = doc as { type?: string; object?: KubeObject };
      if (event.type && event.object) onEvent(event.type, event.object);
    });
    channel.stdout.setEncoding('utf8');
    channel.stdout.on('data', (text: string) => splitter.push(text));
    let stderr = '';
    channel.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    controller.signal.addEventListener('abort', () => channel.kill(), { once: true });
    channel.done.then(
      ({ exitCode }) => {
        if (controller.signal.aborted) return onDone(Object.assign(new Error('aborted'), { name: 'AbortError' }));
        onDone(exitCode === 0 ? null : this.errorOf(stderr, exitCode, `watch ${path}`));
      },
      (err: unknown) => onDone(controller.signal.aborted ? Object.assign(new Error('aborted'), { name: 'AbortError' }) : err),
    );
    return controller;
  }

  async podLog(namespace: string, pod: string, container: string, options: { follow: boolean; tailLines?: number; signal?: AbortSignal }): Promise<Readable> {
    const args = ['logs', `pod/${checked(pod, NAME, 'pod name')}`, ...ns(namespace), `--container=${checked(container, NAME, 'container name')}`, ...(options.follow ? ['--follow'] : []), ...(options.tailLines !== undefined ? [`--tail=${Math.trunc(options.tailLines)}`] : [])];
    const channel = await this.kubectl.stream(args, { signal: options.signal });
    options.signal?.addEventListener('abort', () => channel.kill(), { once: true });
    // The log is stdout alone; it ends when kubectl does (the container ended, or it was killed).
    const out = new PassThrough();
    channel.stdout.pipe(out);
    channel.stderr.resume();
    void channel.done.catch(() => undefined).finally(() => out.end());
    return out;
  }

  async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.translate(err, what);
    }
  }

  translate(err: unknown, what: string): ApiError {
    if (err instanceof ApiError) return err;
    return new ApiError('INTERNAL', `Could not ${what} on ${this.label}: ${err instanceof Error ? err.message : String(err)}`);
  }

  private async run(args: string[], what: string, stdin?: string): Promise<string> {
    const result = await this.kubectl.run(args, stdin !== undefined ? { stdin } : {});
    if (result.exitCode === 0) return result.stdout;
    throw this.errorOf(result.stderr || result.stdout, result.exitCode, what);
  }

  private async json(args: string[], what: string, stdin?: string): Promise<unknown> {
    return this.parse(await this.run(args, what, stdin), what);
  }

  private parse(text: string, what: string): unknown {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ApiError('INTERNAL', `kubectl on the server printed something that is not JSON when asked to ${what} on ${this.label}.`);
    }
  }

  /** kubectl's own words, sorted into the codes the deploy acts on (conflicts, missing objects, permissions). */
  errorOf(stderr: string, exitCode: number | null, what: string): ApiError {
    const text = stderr.trim();
    const message = text.replace(/^error: /i, '').replace(/^Error from server \([A-Za-z]+\)(: )?/, '').split('\n').filter(Boolean).join(' ').slice(0, 800);
    if (exitCode === 127 || /command not found|No such file or directory/.test(text) && /kubectl|k3s|k0s|microk8s/.test(text)) {
      return new ApiError('UNAVAILABLE', `kubectl is not installed on the cluster's server or not on the SSH user's PATH (${this.kubectl.prefix.join(' ')}): ${message}`);
    }
    if (/^sudo: .*(a password is required|a terminal is required)/im.test(text)) {
      return new ApiError('AUTH_FAILED', `kubectl on the server runs through sudo, and sudo there asks for a password, which Berth never types. Allow \`${this.kubectl.prefix.slice(3).join(' ')} *\` without a password in /etc/sudoers.d.`);
    }
    if (/Apply failed with \d+ conflicts?/.test(text)) return conflictError(message, what);
    const reason = /Error from server \(([A-Za-z]+)\)/.exec(text)?.[1];
    switch (reason) {
      case 'NotFound':
        return new ApiError('NOT_FOUND', `Could not ${what}: ${message}.`);
      case 'AlreadyExists':
      case 'Conflict':
        return conflictError(message, what);
      case 'Forbidden':
        return new ApiError('AUTH_FAILED', `${this.label} does not allow this user to ${what}: ${message}. Ask the cluster's admin for that permission in this namespace.`);
      case 'Unauthorized':
        return new ApiError('AUTH_FAILED', `${this.label} refused the credentials of kubectl on the server (${message}) when trying to ${what}.`);
      case 'Invalid':
      case 'BadRequest':
      case 'UnsupportedMediaType':
        return new ApiError('INVALID_INPUT', `${this.label} rejected the request to ${what}: ${message}.`);
      default:
        break;
    }
    if (/connection to the server .* was refused|Unable to connect to the server|i\/o timeout|connection refused/i.test(text)) {
      return new ApiError('CONNECTION_LOST', `kubectl on the server could not reach the API server of ${this.label} while trying to ${what}: ${message}. Check that the cluster is running, then deploy again.`);
    }
    return new ApiError('INTERNAL', `Could not ${what} on ${this.label} (kubectl exited with ${exitCode ?? 'a signal'}): ${message}`);
  }
}
