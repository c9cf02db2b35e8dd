import { ApiError } from '../../../shared/api/errors.js';
import type { App, KubernetesDestination } from '../../../shared/model/app.js';
import type { ReleaseInfo } from '../../../shared/model/deploy.js';
import type { KubernetesDistribution as Distribution } from '../../../shared/model/server.js';
import type { Host } from '../../hosts/host.js';
import { exec, type Action, type Step } from '../engine/step.js';
import { ServerLayout } from '../docker/docker-cli.js';
import { resolveBuilds, type ResolvedBuild } from '../docker/docker-planner.js';
import { buildAction, checkout, checkoutKey } from '../docker/steps/source.js';

/**
 * Images built from source for a Kubernetes deploy.
 *
 * A cluster on one of the user's SSH servers (k3s, k0s, microk8s) needs no
 * registry: the image is built on that server with Docker (as a Docker
 * deploy builds it, from a git checkout at the commit the plan fixed) or on
 * this computer, then `docker save` goes straight into the cluster's own
 * containerd (`k3s ctr images import -`), and the pod runs it with
 * `imagePullPolicy: IfNotPresent`. Any other cluster pulls from the
 * destination's `registry`: the image is built on this computer and pushed
 * there with `docker push` (whatever `docker login` the user has).
 */

/** The server a cluster runs on, when the destination's context is a cluster Berth reads over SSH. */
export interface KubeServer {
  host: Host;
  distribution: Distribution;
  /** The distribution's program as the probe found it (e.g. /usr/local/bin/k3s, /snap/bin/microk8s). */
  program?: string;
}

export interface KubeBuildInput {
  app: App;
  destination: KubernetesDestination;
  secrets: Record<string, string>;
  releaseId: string;
  /** Set when the destination's cluster is an SSH cluster: images are imported into its containerd. */
  server?: KubeServer;
  /** This computer, for local builds and pushes. */
  local?: Host;
  buildOn?: 'server' | 'local';
  /** Where local builds check out sources. */
  localCheckoutDir?: (git: string) => string;
  appDir?: string;
}

export interface KubeBuildPlan {
  /** For the render (option kubernetes.builtImages): the exact ref each built service runs, and whether it was imported. */
  builtImages: Record<string, { ref: string; imported: boolean }>;
  /** The build step; undefined when no service is built. */
  step?: Step;
  warnings: string[];
  /** The git source of the release, as a Docker release records it. */
  source: ReleaseInfo['source'];
}

/** `ctr` of each distribution, in the namespace the kubelet's images live in. */
export function importArgv(server: KubeServer): string[] {
  switch (server.distribution) {
    case 'k3s':
      return [server.program ?? 'k3s', 'ctr', '--namespace=k8s.io', 'images', 'import', '-'];
    case 'k0s':
      return [server.program ?? 'k0s', 'ctr', '--namespace=k8s.io', 'images', 'import', '-'];
    case 'microk8s':
      return [server.program ?? 'microk8s', 'ctr', '--namespace=k8s.io', 'image', 'import', '-'];
  }
}

/**
 * `docker save REF | IMPORT…` on the server, failing when either side fails
 * (sh has no pipefail everywhere: docker save's status goes through a file).
 * A static script with positional arguments: the ref is never shell text.
 */
export function saveAndImportArgv(ref: string, importer: string[]): string[] {
  const script = 'set -e; img=$1; shift; rc=$(mktemp); trap \'rm -f "$rc"\' EXIT; { docker save "$img"; echo $? > "$rc"; } | "$@"; [ "$(cat "$rc")" = 0 ] || { echo "docker save $img failed" >&2; exit 1; }';
  return ['sh', '-c', script, 'sh', ref, ...importer];
}

interface ServerTools {
  home: string;
  docker: boolean;
  /** The docker program exists, whether or not its daemon answers this user. */
  dockerCli: boolean;
  buildkit: boolean;
  nerdctl: boolean;
  buildctl: boolean;
}

/** One read-only look at the build server: its home, and which build tools it has. */
async function serverTools(host: Host): Promise<ServerTools> {
  const script = 'printf "home=%s\\n" "$HOME"; command -v docker >/dev/null 2>&1 && echo dockercli=1; docker version --format "docker={{.Server.Version}}" 2>/dev/null || true; docker buildx version >/dev/null 2>&1 && echo buildkit=1; command -v nerdctl >/dev/null 2>&1 && echo nerdctl=1; command -v buildctl >/dev/null 2>&1 && echo buildctl=1; true';
  const result = await host.exec(['sh', '-c', script]);
  const facts = new Map(result.stdout.split('\n').map((l) => l.split(/=(.*)/s, 2) as [string, string | undefined]));
  const home = facts.get('home');
  if (!home) throw new ApiError('INTERNAL', `Could not read the home directory of the SSH user on ${host.label}.`);
  return { home, docker: Boolean(facts.get('docker')), dockerCli: facts.has('dockercli'), buildkit: facts.has('buildkit'), nerdctl: facts.has('nerdctl'), buildctl: facts.has('buildctl') };
}

/**
 * Whether the import needs `sudo -n`: containerd's socket is root's, so
 * unless the SSH user can already talk to it (root, or a socket opened up),
 * it does. `sudo -n -l` asks whether the exact command is allowed without
 * running it; Berth never types a sudo password.
 */
async function importCommand(server: KubeServer): Promise<string[]> {
  const argv = importArgv(server);
  const ctr = argv.slice(0, 3);
  if ((await server.host.exec([...ctr, 'version'])).exitCode === 0) return argv;
  const sudo = ['sudo', '-n', '--', ...argv];
  const allowed = await server.host.exec(['sudo', '-n', '-l', '--', ...argv]);
  if (allowed.exitCode === 0) return sudo;
  throw new ApiError('AUTH_FAILED', `Importing images into ${server.distribution}'s containerd on ${server.host.label} needs root: the SSH user cannot reach containerd's socket, and sudo there ${/password is required|terminal is required/.test(allowed.stderr) ? 'asks for a password, which Berth never types' : 'does not allow it'}. Allow it without a password in /etc/sudoers.d, e.g. \`<user> ALL=(root) NOPASSWD: ${argv.join(' ')}\`, or deploy as root.`);
}

/**
 * Fixes every build of the app before the plan is shown (the commit, the
 * tag, where it is built and how it reaches the cluster) and the step that
 * does it. Fails with what to set when a built image could reach the cluster
 * no way: no SSH cluster and no registry.
 */
export async function planKubeBuilds(input: KubeBuildInput): Promise<KubeBuildPlan> {
  const built = Object.entries(input.app.services).filter(([, s]) => s.build && !s.image).map(([name]) => name);
  if (built.length === 0) return { builtImages: {}, warnings: [], source: {} };
  const { server, destination } = input;
  const registry = destination.registry?.replace(/\/+$/, '');
  if (!server && !registry) {
    throw new ApiError('INVALID_INPUT', `${built.join(', ')} ${built.length === 1 ? 'is' : 'are'} built from source, and the cluster of ${destination.name} (context ${destination.context}) cannot get ${built.length === 1 ? 'that image' : 'those images'} without a registry: it is not a cluster Berth reaches through one of your SSH servers, where images are imported straight into containerd. Set \`registry\` on the destination (e.g. ghcr.io/you) to push builds there (and \`imagePullSecret\` if it is private), or give ${built.join(', ')} an image.`);
  }
  const warnings: string[] = [];
  // Into containerd on the cluster's server (no registry), else pushed from this computer.
  const mode: 'import' | 'push' = server ? 'import' : 'push';
  if (server && registry) warnings.push(`The cluster runs on ${server.host.label}: built images are imported into its containerd, and the registry ${registry} is not used.`);
  let buildOn: 'server' | 'local' = mode === 'push' ? 'local' : (input.buildOn ?? 'server');
  let tools: ServerTools | undefined;
  if (server && buildOn === 'server') {
    tools = await serverTools(server.host);
    if (!tools.docker) {
      const others = [tools.nerdctl ? 'nerdctl' : '', tools.buildctl ? 'buildctl' : ''].filter(Boolean);
      const why = tools.dockerCli
        ? `Docker on ${server.host.label} does not answer its SSH user (is the user in the docker group?)`
        : `${server.host.label} has no Docker to build with${others.length > 0 ? ` (it has ${others.join(' and ')}, which Berth does not build with yet)` : ''}`;
      if (!input.local) throw new ApiError('UNSUPPORTED', `${why}, and building on this computer is not available here. Install Docker on ${server.host.label}.`);
      warnings.push(`${why}: the images are built on this computer and sent to the server's containerd over SSH.`);
      buildOn = 'local';
    }
  }
  if (buildOn === 'local' && !input.local) throw new ApiError('UNSUPPORTED', 'Building on this computer is not available here.');

  const builds = (await resolveBuilds({ app: input.app, local: input.local, appDir: input.appDir, secrets: input.secrets, releaseId: input.releaseId, ...(buildOn === 'server' && server ? { server: server.host } : {}) }, buildOn)).filter((b) => built.includes(b.service));
  const refOf = (b: ResolvedBuild) => (mode === 'push' ? `${registry}/${b.ref}` : b.ref);
  const importer = server ? await importCommand(server) : undefined;

  const actions: Action[] = [];
  const notes: string[] = [];
  const checkedOut = new Set<string>();
  const local = (...args: string[]) => ['docker', ...args];
  for (const b of builds) {
    const ref = refOf(b);
    const image = { service: b.service, ref, source: b.source };
    const s = b.source;
    const onServer = s.kind === 'build' && s.on === 'server';
    if (s.kind === 'local-dir') {
      notes.push(`${b.service}: build ${ref} from ${s.context} in the app's folder (${s.dir}) on this computer.`);
      actions.push(buildAction(image, s, s.dir, local, false, 'local'));
    } else {
      notes.push(`${b.service}: build ${ref} from ${s.git} at ${s.ref} (commit ${s.commit.slice(0, 12)}) on ${onServer ? server!.host.label : 'this computer'}.`);
      const dir = onServer ? new ServerLayout(tools!.home).srcDir(input.app.name, checkoutKey(s.git)) : input.localCheckoutDir?.(s.git);
      if (!dir) throw new ApiError('INTERNAL', 'No checkout directory for a build on this computer.');
      if (!checkedOut.has(`${dir}@${s.commit}`)) {
        actions.push(checkout(dir, s.git, s.commit, onServer ? 'server' : 'local', s.deployKey));
        checkedOut.add(`${dir}@${s.commit}`);
      }
      actions.push(buildAction(image, s, dir, onServer ? (...args: string[]) => ['docker', ...args] : local, onServer && tools!.buildkit, onServer ? 'server' : 'local'));
    }
    if (importer) {
      notes.push(`${b.service}: docker save ${ref} | ${importer.join(' ')}${onServer ? '' : ' (on the server, over SSH)'}: into the cluster's containerd; the pod runs it with imagePullPolicy IfNotPresent.`);
      actions.push(onServer ? exec(saveAndImportArgv(ref, importer), { cancellable: true }) : { kind: 'pipe', from: ['docker', 'save', ref], to: importer, gzip: false });
    } else {
      notes.push(`${b.service}: push ${ref} to ${registry} (with this computer's docker login).`);
      actions.push(exec(['docker', 'push', ref], { on: 'local', cancellable: true }));
    }
  }

  const fromGit = builds.find((b) => b.source.kind === 'build')?.source;
  const step: Step = {
    id: 'build',
    title: mode === 'import' ? `Build the images and import them into ${server!.distribution} on ${server!.host.label}` : `Build the images and push them to ${registry}`,
    notes,
    actions,
    undo: [],
  };
  return {
    builtImages: Object.fromEntries(builds.map((b) => [b.service, { ref: refOf(b), imported: mode === 'import' }])),
    step,
    warnings,
    source: fromGit?.kind === 'build' ? { commit: fromGit.commit, ref: fromGit.ref, repository: fromGit.git } : {},
  };
}
