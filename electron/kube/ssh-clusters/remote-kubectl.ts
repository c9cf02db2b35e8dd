import { ApiError } from '../../../shared/api/errors.js';
import type { ExecChannel, Host } from '../../hosts/host.js';
import type { Distribution } from './schema.js';
import { withSudo } from './read-kubeconfig.js';

export interface RemoteKubectlOptions {
  host: Host;
  /** Picks the distribution's own kubectl (`k3s kubectl`, `microk8s kubectl`, `k0s kubectl`), which finds its admin kubeconfig itself. */
  distribution?: Distribution;
  /** An explicit kubectl argv prefix instead, e.g. ['kubectl']. */
  command?: readonly string[];
  /** Run through `sudo -n` (the admin kubeconfig is often root's only). */
  sudo?: boolean;
  /** --kubeconfig on the server, when kubectl should not use its default. */
  kubeconfig?: string;
}

/** DNS-1123 names and label values: what a Kubernetes object name can be; never an option. */
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** Resource types as kubectl takes them: deployment, deployments.apps, deploy/web. */
const RESOURCE = /^[A-Za-z][A-Za-z0-9.-]*(\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$/;
const SELECTOR = /^[A-Za-z0-9._/=!,() -]+$/;
const DURATION = /^\d+(ms|s|m|h)$/;

function check(value: string, pattern: RegExp, what: string): string {
  if (value.length > 253 || !pattern.test(value)) throw new ApiError('INVALID_INPUT', `"${value}" is not a valid ${what}.`);
  return value;
}

/** Options travel as `--flag=value`, so no value can ever be read as another option. */
function namespaceArgs(namespace: string | undefined): string[] {
  return namespace === undefined ? [] : [`--namespace=${check(namespace, NAME, 'namespace')}`];
}

export interface KubectlResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The fallback for a cluster whose API only the server can reach (sshd with
 * AllowTcpForwarding no): kubectl runs on the server over SSH. Every call is
 * an argument list that Host.exec quotes; names are checked to be Kubernetes
 * names, so none can smuggle in an option such as --kubeconfig or --server.
 */
export class RemoteKubectl {
  readonly prefix: readonly string[];

  constructor(private readonly options: RemoteKubectlOptions) {
    const base = options.command ?? (options.distribution ? [options.distribution, 'kubectl'] : ['kubectl']);
    const withConfig = options.kubeconfig ? [...base, `--kubeconfig=${options.kubeconfig}`] : base;
    this.prefix = options.sudo ? withSudo(withConfig) : withConfig;
  }

  /** The full argv for kubectl arguments, for the deploy plan to show. */
  argv(args: readonly string[]): string[] {
    return [...this.prefix, ...args];
  }

  /** `kubectl apply --server-side -f -` with the manifests on stdin. */
  async apply(manifests: string, opts: { namespace?: string; fieldManager?: string; forceConflicts?: boolean; dryRun?: boolean; signal?: AbortSignal } = {}): Promise<string> {
    const args = [
      'apply', '--server-side', `--field-manager=${check(opts.fieldManager ?? 'berth', NAME, 'field manager')}`,
      ...(opts.forceConflicts ? ['--force-conflicts'] : []),
      ...(opts.dryRun ? ['--dry-run=server'] : []),
      ...namespaceArgs(opts.namespace),
      '-f', '-',
    ];
    return (await this.must(args, { stdin: manifests, signal: opts.signal })).stdout;
  }

  /**
   * `kubectl rollout status`, its progress lines streamed to onOutput. Resolves
   * with whether the rollout finished; a timeout or failed rollout is false
   * with kubectl's own words in `output`.
   */
  async rolloutStatus(resource: string, opts: { namespace?: string; timeout?: string; onOutput?: (chunk: string) => void; signal?: AbortSignal } = {}): Promise<{ ok: boolean; output: string }> {
    const args = ['rollout', 'status', check(resource, RESOURCE, 'resource (kind/name)'), ...namespaceArgs(opts.namespace), `--timeout=${check(opts.timeout ?? '5m', DURATION, 'timeout')}`];
    const channel = await this.options.host.spawn(this.argv(args), { signal: opts.signal }).catch((err: unknown) => {
      throw this.launchError(err);
    });
    channel.endStdin();
    let output = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      opts.onOutput?.(text);
    };
    channel.stdout.on('data', collect);
    channel.stderr.on('data', collect);
    const { exitCode } = await channel.done;
    if (exitCode === 127) throw this.notFound(output);
    return { ok: exitCode === 0, output };
  }

  /** `kubectl get -o json`, parsed. */
  async getJson(resource: string, opts: { name?: string; namespace?: string; allNamespaces?: boolean; selector?: string; showManagedFields?: boolean; signal?: AbortSignal } = {}): Promise<unknown> {
    const args = [
      'get', check(resource, RESOURCE, 'resource type'),
      ...(opts.name ? [check(opts.name, NAME, 'name')] : []),
      ...(opts.allNamespaces ? ['--all-namespaces'] : namespaceArgs(opts.namespace)),
      ...(opts.selector ? [`--selector=${check(opts.selector, SELECTOR, 'label selector')}`] : []),
      // kubectl hides managedFields unless asked; a diff against the live object needs them.
      ...(opts.showManagedFields ? ['--show-managed-fields'] : []),
      '--output=json',
    ];
    const { stdout } = await this.must(args, { signal: opts.signal });
    try {
      return JSON.parse(stdout) as unknown;
    } catch {
      throw new ApiError('INTERNAL', `kubectl on ${this.options.host.label} printed something that is not JSON for ${args.join(' ')}.`);
    }
  }

  /** `kubectl logs`: a stream (follow keeps it open until killed or the pod ends). */
  async logs(target: string, opts: { namespace?: string; container?: string; follow?: boolean; tail?: number; timestamps?: boolean; allContainers?: boolean; prefix?: boolean; signal?: AbortSignal } = {}): Promise<ExecChannel> {
    const args = [
      'logs', check(target, RESOURCE, 'pod or kind/name'),
      ...namespaceArgs(opts.namespace),
      ...(opts.container ? [`--container=${check(opts.container, NAME, 'container name')}`] : []),
      ...(opts.allContainers ? ['--all-containers=true'] : []),
      ...(opts.prefix ? ['--prefix=true'] : []),
      ...(opts.follow ? ['--follow'] : []),
      ...(opts.tail !== undefined ? [`--tail=${Math.trunc(opts.tail)}`] : []),
      ...(opts.timestamps ? ['--timestamps'] : []),
    ];
    // A PTY makes kubectl die with the channel, so stopping a follow stops it on the server too.
    const channel = await this.options.host.spawn(this.argv(args), { signal: opts.signal, pty: opts.follow === true }).catch((err: unknown) => {
      throw this.launchError(err);
    });
    channel.endStdin();
    return channel;
  }

  /**
   * Any kubectl arguments as a stream (`get --watch`, `logs --follow`), in a
   * process group of its own so kill() ends kubectl on the server too,
   * without a PTY (stdout and stderr stay apart, lines keep their \n).
   */
  async stream(args: readonly string[], opts: { signal?: AbortSignal } = {}): Promise<ExecChannel> {
    const channel = await this.options.host.spawn(this.argv(args), { signal: opts.signal, processGroup: true }).catch((err: unknown) => {
      throw this.launchError(err);
    });
    channel.endStdin();
    return channel;
  }

  /** Any other kubectl arguments, collected; for read-only calls the runner does not wrap yet. */
  async run(args: readonly string[], opts: { stdin?: string; signal?: AbortSignal } = {}): Promise<KubectlResult> {
    return this.options.host.exec(this.argv(args), opts).catch((err: unknown) => {
      throw this.launchError(err);
    });
  }

  /** This computer reports a missing program as a spawn error where a server's shell exits 127. */
  private launchError(err: unknown): unknown {
    return err instanceof ApiError && err.code === 'NOT_FOUND' ? this.notFound(err.message) : err;
  }

  private async must(args: readonly string[], opts: { stdin?: string; signal?: AbortSignal }): Promise<KubectlResult> {
    const result = await this.run(args, opts);
    if (result.exitCode === 0) return result;
    if (result.exitCode === 127) throw this.notFound(result.stderr);
    if (this.options.sudo && /^sudo: .*(a password is required|a terminal is required)/im.test(result.stderr)) {
      throw new ApiError('AUTH_FAILED', `kubectl on ${this.options.host.label} runs through sudo, and sudo there asks for a password, which Berth never types. Allow \`${this.prefix.slice(3).join(' ')}\` without a password in /etc/sudoers.d.`);
    }
    throw new ApiError('INTERNAL', `kubectl ${args[0]} on ${this.options.host.label} failed (exit ${result.exitCode}): ${result.stderr.trim() || result.stdout.trim()}`);
  }

  private notFound(output: string): ApiError {
    const program = this.options.sudo ? this.prefix[3] : this.prefix[0];
    return new ApiError('UNAVAILABLE', `${program} is not installed on ${this.options.host.label} or not on the SSH user's PATH (${output.trim().split('\n').pop() ?? ''}).`);
  }
}
