import { createHash } from 'node:crypto';
import { exec, type Action, type Step } from '../../engine/step.js';
import type { BuildSettings, DockerPlanContext, ReleaseImagePlan } from '../plan-context.js';

/** One checkout per repository on the server, under the app's directory. */
export function checkoutKey(git: string): string {
  return createHash('sha256').update(git).digest('hex').slice(0, 12);
}

/**
 * Gets every image of the release onto the server: images already there are
 * used as they are (unless tagged latest or the service asks to pull always),
 * others are pulled, and services with a build source are built on the server
 * from a git checkout at the planned commit, or built on this computer and
 * streamed over the same SSH connection (no registry either way).
 */
export function sourceStep(ctx: DockerPlanContext, localCheckoutDir: (git: string) => string): Step {
  const { cli } = ctx.facts;
  const actions: Action[] = [];
  const notes: string[] = [];
  const checkedOut = new Set<string>();
  for (const image of ctx.images) {
    const s = image.source;
    if (s.kind === 'present') {
      notes.push(`${image.service}: ${image.ref} is on the server; used as is.`);
      continue;
    }
    if (s.kind === 'pull') {
      notes.push(`${image.service}: pull ${image.ref}.`);
      actions.push(exec(cli.docker('pull', image.ref), { cancellable: true }));
      continue;
    }
    if (s.kind === 'local-dir') {
      notes.push(`${image.service}: build ${image.ref} from ${s.context} in the app's folder (${s.dir}) on this computer, then send it to the server.`);
      actions.push(buildAction(image, s, s.dir, (...args: string[]) => ['docker', ...args], false, 'local'));
      actions.push({ kind: 'pipe', from: ['docker', 'save', image.ref], to: cli.docker('load'), gzip: true });
      continue;
    }
    if (s.built) {
      notes.push(`${image.service}: ${image.ref} (commit ${s.commit.slice(0, 12)}) was built before; used as is.`);
      continue;
    }
    notes.push(`${image.service}: build ${image.ref} from ${s.git} at ${s.ref} (commit ${s.commit.slice(0, 12)}) on ${s.on === 'server' ? 'the server' : 'this computer, then send it to the server'}.`);
    if (s.on === 'server') {
      const dir = ctx.facts.layout.srcDir(ctx.app.name, checkoutKey(s.git));
      if (!checkedOut.has(`${dir}@${s.commit}`)) {
        actions.push(checkout(dir, s.git, s.commit, 'server', s.deployKey));
        checkedOut.add(`${dir}@${s.commit}`);
      }
      actions.push(buildAction(image, s, dir, cli.docker.bind(cli), ctx.facts.buildkit, 'server'));
    } else {
      const dir = localCheckoutDir(s.git);
      if (!checkedOut.has(`${dir}@${s.commit}`)) {
        actions.push(checkout(dir, s.git, s.commit, 'local', s.deployKey));
        checkedOut.add(`${dir}@${s.commit}`);
      }
      actions.push(buildAction(image, s, dir, (...args: string[]) => ['docker', ...args], false, 'local'));
      actions.push({ kind: 'pipe', from: ['docker', 'save', image.ref], to: cli.docker('load'), gzip: true });
    }
  }
  if (actions.length === 0 && notes.length === 0) notes.push('Nothing to fetch.');
  return { id: 'source', title: 'Get the images', notes, actions, undo: [] };
}

/**
 * A private repository's deploy key reaches git on stdin, lives in a 0600
 * temp file only while git runs, and is removed when the script exits. The
 * git host's key must already be in the server's known_hosts (BatchMode):
 * Berth never accepts a host key on the user's behalf.
 */
export function withDeployKey(script: string): string {
  return `k=$(mktemp) && trap 'rm -f "$k"' EXIT && cat > "$k" && export GIT_SSH_COMMAND="ssh -i $k -o IdentitiesOnly=yes -o BatchMode=yes" && ${script}`;
}

export function checkout(dir: string, url: string, commit: string, on: 'server' | 'local', deployKey?: string): Action {
  // A static script with positional arguments: the URL and paths are never pasted into shell text.
  const script = 'set -e; if [ -d "$1/.git" ]; then git -C "$1" remote set-url origin "$2"; git -C "$1" fetch --quiet --tags origin "+refs/heads/*:refs/remotes/origin/*"; else mkdir -p "$(dirname "$1")"; git clone --quiet --no-checkout "$2" "$1"; fi; git -C "$1" checkout --quiet --force --detach "$3"; git -C "$1" clean -fdxq';
  if (deployKey) return exec(['sh', '-c', withDeployKey(`(${script})`), 'sh', dir, url, commit], { on, cancellable: true, secretStdin: `${deployKey.trimEnd()}\n` });
  return exec(['sh', '-c', script, 'sh', dir, url, commit], { on, cancellable: true });
}

export function buildAction(image: ReleaseImagePlan, s: BuildSettings & { commit?: string }, dir: string, docker: (...args: string[]) => string[], buildkit: boolean, on: 'server' | 'local'): Action {
  const context = `${dir}/${s.context.replace(/^\.\/?/, '')}`.replace(/\/+$/, '');
  // As in compose, the Dockerfile path is relative to the build context.
  const args = Object.entries(s.args).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
  const stage = [...(s.target ? ['--target', s.target] : []), ...(s.cacheFrom ?? []).flatMap((c) => ['--cache-from', c])];
  const label = s.commit ? ['--label', `berth.app.commit=${s.commit}`] : [];
  // --force-rm: a cancelled build leaves no intermediate containers behind.
  const build = docker('build', '--force-rm', ...label, '-t', image.ref, '-f', `${context || dir}/${s.dockerfile}`, ...stage, ...args, context || dir);
  const argv = buildkit ? ['env', 'DOCKER_BUILDKIT=1', ...build] : build;
  return exec(argv, { on, cancellable: true });
}
