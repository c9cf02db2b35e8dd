import { KubernetesDestination } from '../../../shared/model/app.js';
import { KubeObjectName } from '../../../shared/model/port-forward.js';
import { DestinationStore } from '../../apps/destination-store.js';
import { KubeClient } from '../../deploy/kubernetes/kube-client.js';
import { PortForwards } from '../../deploy/kubernetes/port-forward.js';
import { ClusterService } from '../../kube/cluster-service.js';
import { KubeconfigSource } from '../../kube/kubeconfig-source.js';
import { cliSshClusters } from '../../kube/ssh-clusters/cli.js';
import { releaseStdin } from '../../servers/cli-services.js';
import { resolveDataDir } from '../../storage/paths.js';
import { UsageError, type CliContext } from '../context.js';

const USAGE = 'usage: port-forward <app> (--destination NAME | --context CTX [--namespace NS]) (--service S | --pod P) --port PORT [--local-port PORT] [--accept-new]';
const VALUE_FLAGS = ['--destination', '--context', '--namespace', '--service', '--pod', '--port', '--local-port'];

function parse(argv: string[]): { app: string; values: Map<string, string>; acceptNew: boolean } {
  const values = new Map<string, string>();
  const positional: string[] = [];
  let acceptNew = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') throw new UsageError(USAGE);
    if (arg === '--accept-new') {
      acceptNew = true;
      continue;
    }
    const [name, inline] = arg.startsWith('--') ? (arg.split(/=(.*)/s, 2) as [string, string | undefined]) : [arg, undefined];
    if (VALUE_FLAGS.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value.\n${USAGE}`);
      values.set(name, value);
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}.\n${USAGE}`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError(USAGE);
  return { app: positional[0]!, values, acceptNew };
}

function port(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535 || (n === 0 && flag === '--port')) throw new UsageError(`${flag} is a port number.\n${USAGE}`);
  return n;
}

/**
 * `berth port-forward`: a local port on 127.0.0.1 to a port of one of the
 * app's Services (through a ready pod behind it) or pods, until Ctrl-C. Each
 * connection is its own stream; one that fails is reported and the forward
 * goes on.
 */
export async function run(ctx: CliContext): Promise<number> {
  let stop = () => undefined as void;
  const interrupted = new Promise<void>((resolve) => (stop = resolve));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    return await forward(ctx, interrupted);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** The command, forwarding until `until` resolves (Ctrl-C for `run`; tests pass their own). */
export async function forward(ctx: CliContext, until: Promise<void>): Promise<number> {
  const { app, values, acceptNew } = parse(ctx.argv);
  const service = values.get('--service');
  const pod = values.get('--pod');
  if (!!service === !!pod) throw new UsageError(`give --service or --pod.\n${USAGE}`);
  for (const name of [service, pod]) if (name !== undefined && !KubeObjectName.safeParse(name).success) throw new UsageError(`${name} is not a Kubernetes name.\n${USAGE}`);
  const remote = port(values.get('--port'), '--port');
  if (remote === undefined) throw new UsageError(`--port is required: the Service's port (or the pod's container port).\n${USAGE}`);
  const localPort = port(values.get('--local-port'), '--local-port');
  if (values.has('--destination') && values.has('--context')) throw new UsageError(`give one of --destination or --context.\n${USAGE}`);

  const dataDir = resolveDataDir(undefined, ctx.env);
  const ssh = cliSshClusters(ctx, { acceptNew });
  const clusters = new ClusterService({ sources: [new KubeconfigSource({ env: ctx.env }), ssh.source] });
  const destinationName = values.get('--destination');
  const context = values.get('--context');
  let forwards: PortForwards | undefined;
  try {
    let destination: KubernetesDestination;
    if (destinationName) {
      const found = await new DestinationStore(dataDir).get(destinationName);
      if (found.type !== 'kubernetes') throw new UsageError(`${destinationName} is a Docker destination; port-forward works on Kubernetes destinations.`);
      destination = found;
    } else if (context) {
      const known = await clusters.require(context);
      destination = KubernetesDestination.parse({ type: 'kubernetes', name: context, context, namespace: values.get('--namespace') ?? known.namespace ?? 'default' });
    } else throw new UsageError(`say where: --destination NAME or --context CTX.\n${USAGE}`);

    const client = new KubeClient(await clusters.configFor(destination.context), destination.context);
    forwards = new PortForwards({ client: async () => ({ client, namespace: destination.namespace }), log: (line) => ctx.stderr.write(`${line}\n`) });
    const info = await forwards.start({ app, destination: destination.name, port: remote, ...(service ? { service } : { pod }), ...(localPort ? { localPort } : {}) });
    const what = service ? `service ${service}:${remote} (pod ${info.pod}:${info.podPort})` : `pod ${pod}:${remote}`;
    ctx.stdout.write(`Forwarding ${info.url} → ${what} in ${destination.namespace}. Ctrl-C to stop.\n`);

    await until;
    ctx.stdout.write('Stopped.\n');
    return 0;
  } finally {
    await forwards?.dispose();
    clusters.dispose();
    await ssh.dispose();
    releaseStdin(ctx.stdin);
  }
}
