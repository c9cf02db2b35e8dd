import { load as loadYaml } from 'js-yaml';
import { ApiError } from '../../../shared/api/errors.js';
import type { App, DockerDestination } from '../../../shared/model/app.js';
import { App as AppSchema } from '../../../shared/model/app.js';
import type { DeployPlanView, ReleaseInfo, ServiceMove } from '../../../shared/model/deploy.js';
import { stableHash } from '../../../shared/deploy/stable-hash.js';
import { inPlaceReasons, splitCompose, stateProjectName, appNetworkName, type SplitResult } from '../../../shared/deploy/compose-split.js';
import { renderFinal } from '../../../shared/translate/render/render-app.js';
import { proxyNetwork } from '../../../shared/translate/render/compose/render-compose.js';
import { dumpYaml } from '../../../shared/translate/render/serialize.js';
import type { Host } from '../../hosts/host.js';
import { viewStep, type Step } from '../engine/step.js';
import { deploySettings, type DockerPlanContext, type ReleaseFile, type ReleaseImagePlan } from './plan-context.js';
import { inspectServer, projectOf, type ServerFacts } from './server-facts.js';
import { checkDockerStep, connectStep, heartbeatCommand, lockStep, recoverStep, unlockStep } from './steps/preflight.js';
import { ensureNetworkStep, ensureProxyStep } from './steps/proxy.js';
import { sourceStep, withDeployKey } from './steps/source.js';
import {
  INFO_FILE, RELEASE_FILE, ROUTES_FILE, STATE_FILE,
  healthStep, postHooksStep, preHooksStep, pruneStep, recordStep, retireStep, startReleaseStep, startStateStep, stopPreviousFirstStep, switchStep, uploadStep,
} from './steps/release.js';

const APP_FILE = 'app.json';

export interface DockerPlanInput {
  app: App;
  destination: DockerDestination;
  server: Host;
  /** This computer, for local builds. */
  local?: Host;
  /** Secret values by secret name, all present (the caller fails first when one is missing). */
  secrets: Record<string, string>;
  by: string;
  berthVersion: string;
  releaseId: string;
  /** Where local builds check out sources. */
  localCheckoutDir: (git: string) => string;
  /**
   * The app's folder on this computer (where its compose file was imported
   * from): local-directory builds (build.git absent) use it as the base of
   * their context. The app definition does not record it, so the caller
   * says; without it such builds are refused with what to do.
   */
  appDir?: string;
  /** Overrides the destination's build location (CLI --build-on). */
  buildOn?: 'server' | 'local';
  /** Whether a lock's release id is a deploy of this installation that no longer runs. */
  isOwnDeadDeploy?: (releaseId: string) => Promise<boolean>;
}

export interface DockerPlan {
  view: DeployPlanView;
  steps: Step[];
  /** Refreshes the lock's heartbeat; repeated while the deploy runs. */
  heartbeat: string[];
  ctx: DockerPlanContext;
}

/**
 * Reads the server (nothing changes there), then fixes every step's actions.
 * What runs afterwards is exactly this list.
 */
export async function planDockerDeploy(input: DockerPlanInput): Promise<DockerPlan> {
  const { app, destination } = input;
  const settings = { ...deploySettings(destination), ...(input.buildOn ? { buildOn: input.buildOn } : {}) };
  const real = renderFinal(app, destination, { secrets: input.secrets, revealSecrets: true });
  const errors = real.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new ApiError('INVALID_INPUT', `The app cannot be deployed as rendered:\n${errors.map((e) => `- ${e.message}${e.field ? ` (${e.field})` : ''}`).join('\n')}`);
  if (real.target !== 'compose') throw new ApiError('INTERNAL', 'A Docker destination rendered something other than compose.');
  const masked = renderFinal(app, destination, { secrets: input.secrets, revealSecrets: false });
  if (masked.target !== 'compose') throw new ApiError('INTERNAL', 'A Docker destination rendered something other than compose.');

  const builds = await resolveBuilds(input, settings.buildOn);
  const imageRefs = [...Object.values(app.services).flatMap((s) => (s.image && !s.build ? [s.image] : [])), ...builds.map((b) => b.ref), settings.proxyImage];
  const facts = await inspectServer(input.server, { app: app.name, socket: destination.dockerSocket, imageRefs });
  const previous = facts.serving;

  const builtImages = Object.fromEntries(builds.map((b) => [b.service, b.ref]));
  const textFiles = real.extraFiles.filter((f) => f.encoding !== 'base64');
  const envFiles = Object.fromEntries(textFiles.map((f) => [f.path, f.content]));
  // Binary app files become content-addressed files of the app directory (as inline text files do), uploaded by the split.
  const binaryFiles = Object.fromEntries(real.extraFiles.filter((f) => f.encoding === 'base64').map((f) => [f.path, f.content]));
  const split = splitCompose({ app, compose: real.compose, caddy: real.caddy, releaseId: input.releaseId, proxyNetwork: proxyNetwork(destination), builtImages, envFiles, binaryFiles, composeV1: facts.cli.compose.major < 2 });
  const maskedFiles = new Map(masked.extraFiles.map((f) => [f.path, f.content]));
  const secretFileModes = secretFileModesOf(app);

  const files: ReleaseFile[] = [];
  if (split.stateFile) files.push(yamlFile(STATE_FILE, split.stateFile));
  if (split.releaseFile) files.push(yamlFile(RELEASE_FILE, split.releaseFile));
  for (const f of textFiles) files.push({ name: f.path, content: f.content, preview: maskedFiles.get(f.path) ?? '', mode: secretFileModes.get(f.path) ?? 0o600 });
  if (Object.keys(split.proxyRoutes).length > 0) files.push(jsonFile(ROUTES_FILE, split.proxyRoutes));
  files.push(jsonFile(APP_FILE, app));

  const images: ReleaseImagePlan[] = [];
  for (const [service, definition] of Object.entries(app.services)) {
    const build = builds.find((b) => b.service === service);
    if (build) {
      images.push({ service, ref: build.ref, source: build.source.kind === 'build' ? { ...build.source, built: facts.images.has(build.ref) } : build.source });
    } else if (definition.image) {
      const latest = !/:[^/]+$/.test(definition.image) || definition.image.endsWith(':latest');
      const pull = !facts.images.has(definition.image) || latest || definition.pull === 'always';
      images.push({ service, ref: definition.image, source: { kind: pull ? 'pull' : 'present' } });
    }
  }

  const fromGit = builds.find((b) => b.source.kind === 'build')?.source;
  const commit = fromGit?.kind === 'build' ? fromGit : undefined;
  const releaseInfo: ReleaseInfo & { project: string } = {
    id: input.releaseId,
    app: app.name,
    kind: 'deploy',
    by: input.by,
    berthVersion: input.berthVersion,
    createdAt: new Date().toISOString(),
    state: 'running',
    source: commit ? { commit: commit.commit, ref: commit.ref, repository: commit.git } : {},
    images: images.map((i) => ({ service: i.service, ref: i.ref })),
    services: Object.fromEntries(Object.entries(split.services).map(([name, s]) => [name, { hash: s.hash, stateful: s.stateful, routed: s.routed, alias: s.alias }])),
    files: [...files.map((f) => f.name), INFO_FILE],
    project: split.releaseProject,
  };

  const ctx: DockerPlanContext = {
    app, destination, settings, facts, kind: 'deploy', releaseId: input.releaseId, by: input.by, berthVersion: input.berthVersion,
    split, releaseProject: split.releaseProject, releaseDir: facts.layout.releaseDir(app.name, input.releaseId), files, images, previous,
    hooks: Object.entries(app.services).map(([service, s]) => ({ service, pre: s.hooks?.preDeploy ?? [], post: s.hooks?.postDeploy ?? [] })),
    releaseInfo,
    gated: Object.entries(split.services).filter(([name, s]) => !s.stateful || previous?.services[name]?.hash !== s.hash)
      .map(([service, s]) => ({ service, project: s.stateful ? split.stateProject : split.releaseProject, stateful: s.stateful })),
  };
  const warnings = [...split.warnings];
  for (const [name, s] of Object.entries(app.services)) {
    const buildSecrets = Object.entries(s.env).filter(([, v]) => typeof v === 'object' && ('secret' in v || 'template' in v) && v.scope !== 'runtime').map(([k]) => k);
    if (s.build && buildSecrets.length > 0) warnings.push(`${name}: build-time secrets (${buildSecrets.join(', ')}) are not passed to docker build yet; only runtime values reach the container.`);
    const published = s.ports.filter((p) => p.publish !== undefined && !s.routes.some((r) => r.port === p.port));
    if (settings.proxy !== 'none' && !split.services[name]?.stateful && published.length > 0 && previous) {
      warnings.push(`${name} publishes host port ${published.map((p) => p.publish).join(', ')}: the new release cannot bind it while the previous one runs, so this deploy will fail at "Start the new release". Route it through the proxy instead, or use a destination without a proxy.`);
    }
  }
  return assemble(ctx, input, await previousRoutes(input.server, facts, app.name, previous), warnings);
}

/** A rollback runs a kept release's own files and images again (no render, no build, no pull), as a new release. */
export async function planDockerRollback(input: Omit<DockerPlanInput, 'app' | 'secrets'> & { appName: string; to?: string }): Promise<DockerPlan> {
  const facts = await inspectServer(input.server, { app: input.appName, socket: input.destination.dockerSocket, imageRefs: [] });
  const previous = facts.serving;
  const target = input.to ? facts.releases.find((r) => r.id === input.to) : facts.releases.find((r) => r.id !== previous?.id && (r.state === 'kept' || r.state === 'rolled-back'));
  if (!target) {
    const kept = facts.releases.filter((r) => r.state === 'kept').map((r) => r.id);
    throw new ApiError('NOT_FOUND', input.to ? `Release ${input.to} of ${input.appName} is not on the server (kept: ${kept.join(', ') || 'none'}).` : `${input.appName} has no kept release to roll back to.`);
  }
  if (target.id === previous?.id) throw new ApiError('INVALID_INPUT', `${target.id} is already serving.`);
  if (target.state === 'failed' || target.state === 'interrupted' || target.state === 'cancelled') throw new ApiError('INVALID_INPUT', `${target.id} never served (${target.state}); roll back to a release that did.`);
  const dir = facts.layout.releaseDir(input.appName, target.id);
  const read = async (name: string) => {
    const result = await input.server.exec(['cat', `${dir}/${name}`]);
    if (result.exitCode !== 0) throw new ApiError('NOT_FOUND', `${dir}/${name} is missing on the server; release ${target.id} cannot be restored.`);
    return result.stdout;
  };
  const app = AppSchema.parse(JSON.parse(await read(APP_FILE)));
  const pinned = new Map(target.images.filter((i) => i.id).map((i) => [i.service, i.id!]));
  const files: ReleaseFile[] = [];
  for (const name of target.files.filter((f) => f !== INFO_FILE)) {
    let content = await read(name);
    if (name === RELEASE_FILE || name === STATE_FILE) content = pinImages(content, pinned);
    files.push({ name, content, preview: name.startsWith('.env') || name.startsWith('.secrets/') ? maskEnv(content) : content, mode: name.startsWith('.env') || name.startsWith('.secrets/') ? 0o600 : 0o644 });
  }
  const routesFile = files.find((f) => f.name === ROUTES_FILE);
  const project = projectOf(target);
  const split: SplitResult = {
    stateProject: stateProjectName(app.name),
    releaseProject: project,
    appNetwork: appNetworkName(app.name),
    stateFile: files.some((f) => f.name === STATE_FILE) ? {} : undefined,
    releaseFile: files.some((f) => f.name === RELEASE_FILE) ? {} : undefined,
    services: Object.fromEntries(Object.entries(target.services).map(([n, s]) => [n, { ...s, routed: s.routed ?? false }])),
    files: [],
    proxyRoutes: routesFile ? (JSON.parse(routesFile.content) as Record<string, Record<string, unknown>>) : {},
    warnings: [],
  };
  const releaseInfo: ReleaseInfo & { project: string } = {
    ...target, id: input.releaseId, kind: 'rollback', rollbackOf: target.id, by: input.by, berthVersion: input.berthVersion,
    createdAt: new Date().toISOString(), finishedAt: undefined, state: 'running', error: undefined, project,
    images: target.images.map((i) => ({ ...i, ref: pinned.get(i.service) ?? i.ref })),
  };
  const ctx: DockerPlanContext = {
    app, destination: input.destination, settings: deploySettings(input.destination), facts, kind: 'rollback', releaseId: input.releaseId, by: input.by, berthVersion: input.berthVersion,
    split, releaseProject: project, releaseDir: facts.layout.releaseDir(app.name, input.releaseId), files,
    images: target.images.map((i) => ({ service: i.service, ref: pinned.get(i.service) ?? i.ref, source: { kind: 'present' } })),
    previous, hooks: [], releaseInfo,
    gated: Object.entries(split.services).filter(([name, s]) => !s.stateful || previous?.services[name]?.hash !== s.hash)
      .map(([service, s]) => ({ service, project: s.stateful ? split.stateProject : project, stateful: s.stateful })),
  };
  return assemble(ctx, input, await previousRoutes(input.server, facts, app.name, previous), [`Restores ${target.id}'s files and images exactly (no build, no pull); images are pinned to the ids that release ran.`]);
}

async function assemble(ctx: DockerPlanContext, input: Pick<DockerPlanInput, 'localCheckoutDir' | 'destination' | 'isOwnDeadDeploy'>, prevRoutes: Record<string, Record<string, unknown>> | undefined, warnings: string[]): Promise<DockerPlan> {
  const lock = ctx.facts.lock;
  if (lock && (await input.isOwnDeadDeploy?.(lock.releaseId))) ctx.ownDeadLock = lock.releaseId;
  const steps = [
    connectStep(), checkDockerStep(ctx), lockStep(ctx), recoverStep(ctx), ensureNetworkStep(ctx), ensureProxyStep(ctx),
    ctx.kind === 'deploy' ? sourceStep(ctx, input.localCheckoutDir) : undefined,
    uploadStep(ctx), startStateStep(ctx), preHooksStep(ctx), stopPreviousFirstStep(ctx), startReleaseStep(ctx), healthStep(ctx),
    switchStep(ctx, prevRoutes), postHooksStep(ctx), retireStep(ctx), recordStep(ctx), pruneStep(ctx), unlockStep(ctx),
  ].filter((s): s is Step => s !== undefined);
  const allWarnings = [...warnings];
  if (ctx.settings.proxy === 'none') allWarnings.push('This destination has no proxy: ports are published on the server, so each redeploy stops the previous release before the new one starts (brief downtime).');
  if (ctx.settings.proxy === 'traefik') allWarnings.push('Traffic goes through the Traefik already running on the server (Coolify-compatible labels); old and new containers both take traffic until the previous release stops.');
  for (const step of steps) if (step.id === 'health') allWarnings.push(...step.notes);
  const view: DeployPlanView = {
    kind: ctx.kind,
    app: ctx.app.name,
    destination: input.destination.name,
    server: input.destination.server,
    releaseId: ctx.releaseId,
    previousRelease: ctx.previous?.id ?? null,
    rollbackOf: ctx.releaseInfo.rollbackOf,
    services: serviceMoves(ctx),
    warnings: allWarnings,
    steps: steps.map(viewStep),
  };
  return { view, steps, heartbeat: heartbeatCommand(ctx), ctx };
}

function serviceMoves(ctx: DockerPlanContext): ServiceMove[] {
  const reasons = inPlaceReasons(ctx.app);
  return Object.entries(ctx.split.services).map(([service, s]) => {
    const before = ctx.previous?.services[service];
    if (s.stateful) {
      // A fixed container name or address cannot exist twice: the old container stops before the new one starts.
      const why = reasons[service] ?? 'holds state';
      if (!before) return { service, mode: 'created', summary: `${service}: created (${why}: runs once, never beside another copy)` };
      return before.hash === s.hash
        ? { service, mode: 'unchanged', summary: `${service}: unchanged` }
        : { service, mode: 'recreated', summary: `${service}: recreated, brief downtime (${why}: the old container stops before the new one starts)` };
    }
    if (ctx.settings.proxy === 'none' && ctx.previous) return { service, mode: 'recreated', summary: `${service}: replaced, brief downtime (no proxy)` };
    if (!before) return { service, mode: 'created', summary: `${service}: created` };
    return { service, mode: 'beside', summary: `${service}: new containers start beside the previous release; traffic moves when healthy` };
  });
}

async function previousRoutes(server: Host, facts: ServerFacts, app: string, previous: ReleaseInfo | undefined) {
  if (!previous?.files.includes(ROUTES_FILE)) return undefined;
  const result = await server.exec(['cat', `${facts.layout.releaseDir(app, previous.id)}/${ROUTES_FILE}`]);
  if (result.exitCode !== 0) return undefined;
  try {
    return JSON.parse(result.stdout) as Record<string, Record<string, unknown>>;
  } catch {
    return undefined;
  }
}

export interface ResolvedBuild {
  service: string;
  ref: string;
  source: Extract<ReleaseImagePlan['source'], { kind: 'build' | 'local-dir' }>;
}

/**
 * Fixes each build before the plan is shown: a git build to a commit (`git
 * ls-remote` where the build will run); a local directory (no git) to the
 * app's folder on this computer, where it is built whatever the
 * destination's buildOn says, since the sources are only here.
 */
// Kubernetes deploys fix their builds the same way (kubernetes/kube-builds.ts): only these fields are read, and `server` may be absent (no server to build on).
export async function resolveBuilds(input: Pick<DockerPlanInput, 'app' | 'local' | 'appDir' | 'secrets' | 'releaseId'> & { server?: Host }, buildOn: 'server' | 'local'): Promise<ResolvedBuild[]> {
  const out: ResolvedBuild[] = [];
  const resolved = new Map<string, string>();
  for (const [service, definition] of Object.entries(input.app.services)) {
    const build = definition.build;
    if (!build) continue;
    const args: Record<string, string> = { ...build.args };
    for (const [name, value] of Object.entries(definition.env)) {
      if (typeof value === 'object' && 'value' in value && value.scope !== 'runtime') args[name] = value.value;
    }
    const settings = { dockerfile: build.dockerfile, context: build.context, args, ...(build.target ? { target: build.target } : {}), ...(build.cacheFrom?.length ? { cacheFrom: build.cacheFrom } : {}) };
    if (build.git === undefined) {
      if (!input.local) throw new ApiError('UNSUPPORTED', `${service} builds from the local directory ${build.context}, which only this computer has, and building on this computer is not available here. Set build.git to its repository URL so the server can build it.`);
      if (!input.appDir) throw new ApiError('UNSUPPORTED', `${service} builds from the local directory ${build.context}, relative to the app's folder (where its compose file was imported from), and this deploy was not told where that folder is. Deploy with the app's folder given, or set build.git to its repository URL so the server can build it.`);
      // Nothing names a directory's state the way a commit does: each release builds (the layer cache keeps an unchanged directory fast).
      out.push({ service, ref: `${input.app.name}-${service}:local-${input.releaseId}`, source: { kind: 'local-dir', dir: input.appDir, ...settings } });
      continue;
    }
    const host = buildOn === 'local' ? input.local : input.server;
    if (!host) throw new ApiError('UNSUPPORTED', 'Building on this computer is not available here.');
    const key = `${build.git}#${build.ref}`;
    let commit = resolved.get(key);
    if (!commit) {
      commit = /^[0-9a-f]{40}$/.test(build.ref) ? build.ref : await lsRemote(host, build.git, build.ref, build.deployKey ? input.secrets[build.deployKey] : undefined);
      resolved.set(key, commit);
    }
    // The tag names the commit, plus the build settings when they are not the defaults: the same commit built another way is another image.
    const custom = build.dockerfile !== 'Dockerfile' || build.context !== '.' || Object.keys(args).length > 0 || settings.target !== undefined || settings.cacheFrom !== undefined;
    const variant = settings.target === undefined && settings.cacheFrom === undefined ? { dockerfile: build.dockerfile, context: build.context, args } : settings;
    out.push({
      service,
      ref: `${input.app.name}-${service}:${commit.slice(0, 12)}${custom ? `-${stableHash(variant).slice(0, 8)}` : ''}`,
      source: { kind: 'build', on: buildOn, git: build.git, ref: build.ref, commit, built: false, deployKey: build.deployKey ? input.secrets[build.deployKey] : undefined, ...settings },
    });
  }
  return out;
}

async function lsRemote(host: Host, git: string, ref: string, deployKey?: string): Promise<string> {
  const argv = ['git', 'ls-remote', '--', git, ref, `refs/tags/${ref}^{}`];
  const result = deployKey
    ? await host.exec(['sh', '-c', withDeployKey('"$@"'), 'sh', ...argv], { stdin: `${deployKey.trimEnd()}\n` })
    : await host.exec(argv);
  if (result.exitCode !== 0 && /Host key verification failed/.test(result.stderr)) {
    throw new ApiError('NOT_FOUND', `${host.label} does not know the host key of ${git}'s server. Check its fingerprint, then add it to the known_hosts of the SSH user on ${host.label} (for example ssh-keyscan <git host> >> ~/.ssh/known_hosts after comparing the fingerprint), and deploy again.`);
  }
  if (result.exitCode !== 0) {
    throw new ApiError('NOT_FOUND', `git could not read ${git} on ${host.label}: ${result.stderr.trim().split('\n').at(-1) ?? ''}. Check the repository URL and that ${host.label} can reach it.`);
  }
  const lines = result.stdout.trim().split('\n').filter(Boolean).map((l) => l.split(/\s+/));
  // A peeled tag (^{}) names the commit; prefer it over the tag object.
  const match = lines.find(([, name]) => name?.endsWith('^{}')) ?? lines.find(([, name]) => name === `refs/heads/${ref}` || name === `refs/tags/${ref}` || name === ref) ?? lines[0];
  if (!match?.[0]) throw new ApiError('NOT_FOUND', `${git} has no branch or tag "${ref}".`);
  return match[0];
}

/**
 * Compose bind-mounts a file secret outside Swarm, so the container sees the
 * host file's mode: 0600 unless the app asks for another (secretFiles mode,
 * e.g. 0444 for an image whose process runs as a user other than root).
 */
function secretFileModesOf(app: App): Map<string, number> {
  const modes = new Map<string, number>();
  for (const service of Object.values(app.services)) {
    for (const f of service.secretFiles ?? []) if (f.mode) modes.set(`.secrets/${f.secret}`, parseInt(f.mode, 8));
  }
  return modes;
}

function yamlFile(name: string, value: Record<string, unknown>): ReleaseFile {
  const content = dumpYaml(value);
  return { name, content, preview: content, mode: 0o644 };
}

function jsonFile(name: string, value: unknown): ReleaseFile {
  const content = `${JSON.stringify(value, null, 2)}\n`;
  return { name, content, preview: content, mode: 0o644 };
}

function pinImages(yaml: string, pinned: Map<string, string>): string {
  const doc = loadYaml(yaml) as { services?: Record<string, Record<string, unknown>> };
  for (const [name, service] of Object.entries(doc.services ?? {})) {
    const id = pinned.get(name);
    if (id) service.image = id;
  }
  return dumpYaml(doc);
}

function maskEnv(content: string): string {
  return content.replace(/^([A-Za-z_][A-Za-z0-9_.-]*=).*$/gm, '$1********');
}
