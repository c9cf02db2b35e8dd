import fs from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline/promises';
import { load as loadYaml } from 'js-yaml';
import { App, DockerDestination, KubernetesDestination, type Destination } from '../../../shared/model/app.js';
import type { DeployPlanView, DeployRecord } from '../../../shared/model/deploy.js';
import { ApiError, describeIssues } from '../../../shared/api/errors.js';
import { appSecretKey } from '../../../shared/model/secret-keys.js';
import { EventBus } from '../../api/event-bus.js';
import { DestinationStore } from '../../apps/destination-store.js';
import { DeployService } from '../../deploy/deploy-service.js';
import { KubeClient } from '../../deploy/kubernetes/kube-client.js';
import { unifiedDiff } from '../../deploy/kubernetes/kube-diff.js';
import { ClusterService } from '../../kube/cluster-service.js';
import { KubeconfigSource } from '../../kube/kubeconfig-source.js';
import { cliSshClusters } from '../../kube/ssh-clusters/cli.js';
import { SSH_SOURCE_KIND } from '../../kube/ssh-clusters/context-source.js';
import { sshClusterDeployOptions } from '../../deploy/kubernetes/ssh-cluster-kube.js';
import { LocalHost } from '../../local/local-host.js';
import { nodeSecretStore } from '../../secrets/node-secret-store.js';
import { cliServerService, releaseStdin } from '../../servers/cli-services.js';
import { resolveDataDir } from '../../storage/paths.js';
import { packageVersion } from '../../web/server.js';
import { UsageError, type CliContext } from '../context.js';

/**
 * `berth deploy`, `releases`, `rollback`, `status`, `logs`, `unlock` and
 * `secrets set`: the deploy engine on the command line, for scripts and CI.
 * Nothing here prompts without a terminal.
 */

interface Flags {
  positional: string[];
  values: Map<string, string>;
  switches: Set<string>;
}

function parseFlags(argv: string[], valueFlags: string[], switchFlags: string[], usage: string): Flags {
  const flags: Flags = { positional: [], values: new Map(), switches: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') throw new UsageError(usage);
    const [name, inline] = arg.startsWith('--') ? arg.split(/=(.*)/s, 2) as [string, string | undefined] : [arg, undefined];
    if (valueFlags.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value.\n${usage}`);
      flags.values.set(name, value);
    } else if (switchFlags.includes(name)) flags.switches.add(name);
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}.\n${usage}`);
    else flags.positional.push(arg);
  }
  return flags;
}

function deployContext(ctx: CliContext, acceptNew: boolean) {
  const dataDir = resolveDataDir(undefined, ctx.env);
  const servers = cliServerService(ctx, { acceptNew });
  const events = new EventBus();
  const ssh = cliSshClusters(ctx, { acceptNew });
  const clusters = new ClusterService({ sources: [new KubeconfigSource({ env: ctx.env }), ssh.source] });
  const deploys = new DeployService({
    dataDir, secrets: nodeSecretStore(dataDir, ctx.env), events, version: packageVersion(),
    host: (id) => servers.host(id), local: new LocalHost(), env: ctx.env,
    kube: async (d) => new KubeClient(await clusters.configFor(d.context), d.context),
    // Clusters on SSH servers: builds imported into their containerd, kubectl over SSH when the tunnel is refused.
    ...sshClusterDeployOptions(ssh.service, async (context) => (await clusters.require(context)).source.kind === SSH_SOURCE_KIND),
  });
  return { dataDir, servers, events, deploys, clusters, ssh, destinations: new DestinationStore(dataDir) };
}

type DeployContext = ReturnType<typeof deployContext>;

async function destinationFrom(c: DeployContext, flags: Flags, usage: string): Promise<Destination> {
  const named = flags.values.get('--destination');
  const serverName = flags.values.get('--server');
  const context = flags.values.get('--context');
  if ([named, serverName, context].filter(Boolean).length > 1) throw new UsageError(`give one of --destination, --server or --context.\n${usage}`);
  if (named) return c.destinations.get(named);
  if (context) {
    const known = await c.clusters.require(context);
    return KubernetesDestination.parse({ type: 'kubernetes', name: context, context, namespace: flags.values.get('--namespace') ?? known.namespace ?? 'default' });
  }
  if (!serverName) throw new UsageError(`say where: --destination NAME or --server NAME.\n${usage}`);
  const server = await c.servers.find(serverName);
  const proxy = flags.values.get('--proxy');
  if (proxy && !['caddy', 'traefik', 'none'].includes(proxy)) throw new UsageError(`--proxy is caddy, traefik or none.\n${usage}`);
  return DockerDestination.parse({ type: 'docker', name: server.name, server: server.id, proxy: proxy ?? 'caddy', proxyImage: flags.values.get('--proxy-image') });
}

async function readApp(file: string): Promise<App> {
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new ApiError('NOT_FOUND', `Cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}.`);
  });
  const parsed = App.safeParse(loadYaml(text));
  if (!parsed.success) throw new ApiError('INVALID_INPUT', `${file} is not a valid app definition: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

export function formatPlan(plan: DeployPlanView): string {
  const lines = [`Plan: ${plan.kind} ${plan.app} → ${plan.destination} as release ${plan.releaseId}`];
  lines.push(`Serving now: ${plan.previousRelease ?? 'nothing'}${plan.rollbackOf ? `; restoring ${plan.rollbackOf}` : ''}`, '', 'Services:');
  for (const s of plan.services) lines.push(`  ${s.summary}`);
  if (plan.warnings.length > 0) {
    lines.push('', 'Warnings:');
    for (const w of plan.warnings) lines.push(`  ! ${w}`);
  }
  if (plan.changes) {
    const counts = (['create', 'update', 'delete', 'unchanged'] as const).map((a) => `${plan.changes!.filter((c) => c.action === a).length} ${a === 'delete' ? 'pruned' : a === 'create' ? 'created' : a === 'update' ? 'changed' : a}`);
    lines.push('', `Objects (server-side dry run): ${counts.join(', ')}`);
    for (const c of plan.changes) if (c.action !== 'unchanged') lines.push(`  ${c.action === 'create' ? '+' : c.action === 'delete' ? '-' : '~'} ${c.kind} ${c.namespace ? `${c.namespace}/` : ''}${c.name}`);
    lines.push('  (berth diff shows every change line by line)');
  }
  lines.push('', 'Steps:');
  plan.steps.forEach((step, i) => {
    lines.push(`  ${i + 1}. ${step.title}`);
    for (const note of step.notes) lines.push(`       ${note}`);
    for (const action of step.actions) {
      if (action.kind === 'exec') lines.push(`       ${action.on === 'local' ? '(this computer) ' : ''}$ ${action.display}`);
      else if (action.kind === 'pipe') lines.push(`       $ ${action.display}`);
      else if (action.kind === 'check') lines.push(`       check: ${action.display}`);
      else if (action.kind === 'api') lines.push(`       api: ${action.display}`);
      else {
        lines.push(`       upload ${action.path} (${action.bytes} bytes, mode ${action.mode})`);
        for (const l of action.preview.trimEnd().split('\n')) lines.push(`         | ${l}`);
      }
    }
    for (const action of step.undo) if (action.kind === 'exec') lines.push(`       on failure: $ ${action.display}`);
  });
  return `${lines.join('\n')}\n`;
}

async function confirm(ctx: CliContext, question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: ctx.stdin, output: ctx.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

const isTty = (ctx: CliContext) => Boolean((ctx.stdin as { isTTY?: boolean }).isTTY);

/** Runs a plan to its end, streaming the log; Ctrl-C cancels (the remote work is killed). */
async function runPlan(ctx: CliContext, c: DeployContext, planId: string): Promise<number> {
  const unsubscribe = c.events.subscribe((event, payload) => {
    if (event === 'deploy.log') ctx.stdout.write((payload as { data: string }).data.replace(/\r\n/g, '\n'));
  });
  const record = await c.deploys.start(planId);
  const onSigint = () => c.deploys.cancel(record.id);
  process.on('SIGINT', onSigint);
  try {
    const final: DeployRecord = await c.deploys.wait(record.id);
    if (final.outcome === 'succeeded') return 0;
    ctx.stderr.write(`berth: ${final.kind} ${final.outcome} in step "${final.failedStep ?? '?'}": ${(final.error ?? '').split('\n')[0]}\n`);
    return final.outcome === 'cancelled' ? 130 : 1;
  } finally {
    process.off('SIGINT', onSigint);
    unsubscribe();
  }
}

async function withContext(ctx: CliContext, acceptNew: boolean, body: (c: DeployContext) => Promise<number>): Promise<number> {
  const c = deployContext(ctx, acceptNew);
  try {
    return await body(c);
  } finally {
    await c.deploys.dispose();
    c.clusters.dispose();
    await c.ssh.dispose();
    await c.servers.dispose();
    if (!isTty(ctx)) releaseStdin(ctx.stdin);
  }
}

const WHERE = '(--destination NAME | --server NAME | --context CTX [--namespace NS])';
const WHERE_FLAGS = ['--destination', '--server', '--context', '--namespace'];
const DEPLOY_USAGE = `usage: deploy <app-file> ${WHERE} [--proxy caddy|traefik|none] [--proxy-image IMAGE] [--build-on server|local] [--force-conflicts] [--plan] [--yes] [--accept-new]`;

export async function deploy(ctx: CliContext): Promise<number> {
  const flags = parseFlags(ctx.argv, [...WHERE_FLAGS, '--proxy', '--proxy-image', '--build-on'], ['--plan', '--yes', '--accept-new', '--force-conflicts'], DEPLOY_USAGE);
  if (flags.positional.length !== 1) throw new UsageError(DEPLOY_USAGE);
  const buildOn = flags.values.get('--build-on');
  if (buildOn && buildOn !== 'server' && buildOn !== 'local') throw new UsageError(`--build-on is server or local.\n${DEPLOY_USAGE}`);
  return withContext(ctx, flags.switches.has('--accept-new'), async (c) => {
    const app = await readApp(flags.positional[0]!);
    const destination = await destinationFrom(c, flags, DEPLOY_USAGE);
    const { planId, plan } = await c.deploys.plan({ kind: 'deploy', app, destination, buildOn: buildOn as 'server' | 'local' | undefined, force: flags.switches.has('--force-conflicts'), appDir: path.dirname(path.resolve(flags.positional[0]!)) });
    return confirmAndRun(ctx, c, flags, planId, plan);
  });
}

const DIFF_USAGE = `usage: diff <app-file> (--destination NAME | --context CTX [--namespace NS])   what a deploy would change, from a server-side dry run (exit 1 when something changes)`;

/** The plan's object changes as a unified diff; applies nothing. */
export async function diff(ctx: CliContext): Promise<number> {
  const flags = parseFlags(ctx.argv, WHERE_FLAGS, ['--accept-new'], DIFF_USAGE);
  if (flags.positional.length !== 1) throw new UsageError(DIFF_USAGE);
  return withContext(ctx, flags.switches.has('--accept-new'), async (c) => {
    const app = await readApp(flags.positional[0]!);
    const destination = await destinationFrom(c, flags, DIFF_USAGE);
    if (destination.type !== 'kubernetes') throw new UsageError(`diff compares with a Kubernetes cluster; for Docker, berth deploy --plan shows what would run.\n${DIFF_USAGE}`);
    const { plan } = await c.deploys.plan({ kind: 'deploy', app, destination });
    const changes = (plan.changes ?? []).map((ch) => ({ ref: { apiVersion: ch.apiVersion, kind: ch.kind, name: ch.name, ...(ch.namespace ? { namespace: ch.namespace } : {}) }, action: ch.action, live: ch.live, desired: ch.desired }));
    const text = unifiedDiff(changes);
    for (const w of plan.warnings) ctx.stderr.write(`! ${w}\n`);
    ctx.stdout.write(text);
    return text === '' ? 0 : 1;
  });
}

async function confirmAndRun(ctx: CliContext, c: DeployContext, flags: Flags, planId: string, plan: DeployPlanView): Promise<number> {
  if (flags.switches.has('--plan')) {
    ctx.stdout.write(formatPlan(plan));
    return 0;
  }
  // Scripts and CI have no terminal: they run without asking, as they asked.
  if (isTty(ctx) && !flags.switches.has('--yes')) {
    ctx.stderr.write(formatPlan(plan));
    if (!(await confirm(ctx, `\n${plan.kind === 'rollback' ? 'Roll back' : 'Deploy'}? [y/N] `))) {
      ctx.stderr.write('Nothing was changed.\n');
      return 1;
    }
  }
  return runPlan(ctx, c, planId);
}

const ROLLBACK_USAGE = `usage: rollback <app> ${WHERE} [--to RELEASE] [--plan] [--yes] [--accept-new]`;

export async function rollback(ctx: CliContext): Promise<number> {
  const flags = parseFlags(ctx.argv, [...WHERE_FLAGS, '--to'], ['--plan', '--yes', '--accept-new'], ROLLBACK_USAGE);
  if (flags.positional.length !== 1) throw new UsageError(ROLLBACK_USAGE);
  return withContext(ctx, flags.switches.has('--accept-new'), async (c) => {
    const destination = await destinationFrom(c, flags, ROLLBACK_USAGE);
    const { planId, plan } = await c.deploys.plan({ kind: 'rollback', appName: flags.positional[0]!, destination, to: flags.values.get('--to') });
    return confirmAndRun(ctx, c, flags, planId, plan);
  });
}

const RELEASES_USAGE = `usage: releases <app> ${WHERE} [--json] [--accept-new]`;

export async function releases(ctx: CliContext): Promise<number> {
  const flags = parseFlags(ctx.argv, WHERE_FLAGS, ['--json', '--accept-new'], RELEASES_USAGE);
  if (flags.positional.length !== 1) throw new UsageError(RELEASES_USAGE);
  return withContext(ctx, flags.switches.has('--accept-new'), async (c) => {
    const { releases: list, lock } = await c.deploys.releases(flags.positional[0]!, await destinationFrom(c, flags, RELEASES_USAGE));
    if (flags.switches.has('--json')) {
      ctx.stdout.write(`${JSON.stringify({ releases: list, lock }, null, 2)}\n`);
      return 0;
    }
    if (lock) ctx.stdout.write(`locked by ${lock.by} (${lock.releaseId}${lock.stale ? ', stale' : ''})\n`);
    for (const r of list) {
      const source = r.kind === 'rollback' ? `rollback of ${r.rollbackOf}` : r.source.commit ? `commit ${r.source.commit.slice(0, 12)}` : r.images.map((i) => i.ref).join(', ');
      ctx.stdout.write(`${r.id}  ${r.state.padEnd(11)}  ${source}  ${r.createdAt}  ${r.by}\n`);
    }
    if (list.length === 0) ctx.stdout.write('no releases\n');
    return 0;
  });
}

const STATUS_USAGE = `usage: status <app> ${WHERE} [--json] [--accept-new]`;

export async function status(ctx: CliContext): Promise<number> {
  const flags = parseFlags(ctx.argv, WHERE_FLAGS, ['--json', '--accept-new'], STATUS_USAGE);
  if (flags.positional.length !== 1) throw new UsageError(STATUS_USAGE);
  return withContext(ctx, flags.switches.has('--accept-new'), async (c) => {
    const containers = await c.deploys.status(flags.positional[0]!, await destinationFrom(c, flags, STATUS_USAGE));
    if (flags.switches.has('--json')) ctx.stdout.write(`${JSON.stringify(containers, null, 2)}\n`);
    else for (const k of containers) ctx.stdout.write(`${k.service.padEnd(16)} ${k.state.padEnd(10)} ${(k.health ?? '-').padEnd(10)} restarts ${k.restarts}  ${k.release ?? ''}  ${k.image}  ${k.name}\n`);
    return 0;
  });
}

const LOGS_USAGE = `usage: logs <app> ${WHERE} [--service S] [--follow] [--tail N] [--accept-new]`;

export async function logs(ctx: CliContext): Promise<number> {
  const flags = parseFlags(ctx.argv, [...WHERE_FLAGS, '--service', '--tail'], ['--follow', '--accept-new'], LOGS_USAGE);
  if (flags.positional.length !== 1) throw new UsageError(LOGS_USAGE);
  const tail = Number(flags.values.get('--tail') ?? '100');
  if (!Number.isInteger(tail) || tail < 0) throw new UsageError(`--tail is a number of lines.\n${LOGS_USAGE}`);
  return withContext(ctx, flags.switches.has('--accept-new'), async (c) => {
    const abort = new AbortController();
    const onSigint = () => abort.abort();
    process.on('SIGINT', onSigint);
    try {
      await c.deploys.logs(flags.positional[0]!, await destinationFrom(c, flags, LOGS_USAGE), { service: flags.values.get('--service'), tail, follow: flags.switches.has('--follow'), signal: abort.signal }, (text) => ctx.stdout.write(text));
      return 0;
    } finally {
      process.off('SIGINT', onSigint);
    }
  });
}

const UNLOCK_USAGE = `usage: unlock <app> ${WHERE} [--force] [--accept-new]`;

export async function unlock(ctx: CliContext): Promise<number> {
  const flags = parseFlags(ctx.argv, WHERE_FLAGS, ['--force', '--accept-new'], UNLOCK_USAGE);
  if (flags.positional.length !== 1) throw new UsageError(UNLOCK_USAGE);
  return withContext(ctx, flags.switches.has('--accept-new'), async (c) => {
    const { removed } = await c.deploys.unlock(flags.positional[0]!, await destinationFrom(c, flags, UNLOCK_USAGE), flags.switches.has('--force'));
    ctx.stdout.write(removed ? `Removed the lock held by ${removed.by} (${removed.releaseId}).\n` : `${flags.positional[0]} was not locked.\n`);
    return 0;
  });
}

const SECRETS_USAGE = 'usage: secrets set <app> <NAME>   (the value is read from stdin)';

export async function secrets(ctx: CliContext): Promise<number> {
  const [verb, app, name, ...rest] = ctx.argv;
  if (verb !== 'set' || !app || !name || rest.length > 0) throw new UsageError(SECRETS_USAGE);
  const store = nodeSecretStore(resolveDataDir(undefined, ctx.env), ctx.env);
  if (!store.persistent) {
    ctx.stderr.write(`berth secrets: ${store.reason ?? 'secrets are not kept here'}\nA deploy from scripts can take the value from BERTH_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')} instead.\n`);
    return 1;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.stdin) chunks.push(Buffer.from(chunk as Buffer));
  const value = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (!value) throw new UsageError('the value on stdin is empty.');
  await store.set(appSecretKey(app, name), value);
  ctx.stdout.write(`Stored ${name} for ${app}.\n`);
  return 0;
}
