import { ApiError } from '../../../../shared/api/errors.js';
import { check, exec, type Step, serverOf } from '../../engine/step.js';
import { readLock } from '../server-facts.js';
import type { DockerPlanContext } from '../plan-context.js';

/** The pooled SSH connection is already open (the plan was read through it); this proves it still is. */
export function connectStep(): Step {
  return {
    id: 'connect',
    title: 'Connect',
    notes: ['Uses the one pooled SSH connection to the server for every command, upload and Docker API call.'],
    actions: [exec(['true'])],
    undo: [],
  };
}

export function checkDockerStep(ctx: DockerPlanContext): Step {
  const { cli } = ctx.facts;
  const notes = [`Docker daemon ${ctx.facts.dockerVersion}; compose ${cli.compose.version} (${cli.compose.kind === 'plugin' ? 'docker compose plugin' : 'legacy docker-compose v1'}).`];
  if (cli.compose.kind === 'standalone') notes.push('Compose v1 is no longer maintained; Berth runs it with --compatibility and waits for health itself. Install the compose plugin when you can.');
  return {
    id: 'check-docker',
    title: 'Check Docker',
    notes,
    // The daemon must answer now, not only when the plan was read; compose was found then (v1 is slow to start twice).
    actions: [exec(cli.docker('version', '--format', '{{.Server.Version}}'))],
    undo: [],
  };
}

/**
 * `mkdir` is atomic on every filesystem: whoever creates the lock directory
 * holds the app until it is removed. The holder, its release and a heartbeat
 * live inside, so a second deploy is refused by name and a crashed one shows
 * as stale.
 */
export function lockStep(ctx: DockerPlanContext): Step {
  const appDir = ctx.facts.layout.appDir(ctx.app.name);
  const lockDir = ctx.facts.layout.lockDir(ctx.app.name);
  const info = { by: ctx.by, berthVersion: ctx.berthVersion, releaseId: ctx.releaseId, startedAt: new Date().toISOString() };
  const json = `${JSON.stringify(info, null, 2)}\n`;
  return {
    id: 'lock',
    title: 'Acquire the app lock',
    notes: [
      `One deploy of ${ctx.app.name} at a time, across installations: ${lockDir}`,
      ...(ctx.ownDeadLock ? [`The lock left by this computer's interrupted deploy ${ctx.ownDeadLock} is removed first.`] : []),
    ],
    actions: [
      ...(ctx.ownDeadLock ? [exec(['rm', '-rf', lockDir])] : []),
      exec(['mkdir', '-p', `${appDir}/releases`, `${appDir}/files`]),
      check(`mkdir ${lockDir} (fails if another deploy holds it)`, async (run) => {
        const result = await serverOf(run).exec(['mkdir', lockDir]);
        if (result.exitCode === 0) return;
        const holder = await readLock(serverOf(run), lockDir);
        throw lockedError(ctx.app.name, holder);
      }),
      check(`the serving release is still ${ctx.previous?.id ?? '(none)'}, as when the plan was made`, async (run) => {
        const { stdout } = await serverOf(run).exec(['sh', '-c', 'grep -l \'"state": "serving"\' "$1"/*/release.json 2>/dev/null; true', 'sh', `${appDir}/releases`]);
        const serving = stdout.split('\n').map((line) => line.split('/').at(-2)).filter(Boolean);
        const expected = ctx.previous?.state === 'serving' ? [ctx.previous.id] : [];
        if (serving.join() !== expected.join()) {
          await serverOf(run).exec(['rm', '-rf', lockDir]);
          throw new ApiError('CONFLICT', `The server changed since this plan was made (serving now: ${serving.join(', ') || 'nothing'}). Make a new plan and deploy again.`);
        }
      }),
      { kind: 'upload', path: `${lockDir}/info.json`, content: json, preview: json, mode: 0o644 },
      exec(['touch', `${lockDir}/heartbeat`]),
    ],
    undo: [],
  };
}

export function heartbeatCommand(ctx: DockerPlanContext): string[] {
  return ['touch', `${ctx.facts.layout.lockDir(ctx.app.name)}/heartbeat`];
}

/** Removes the lock only if this deploy holds it, so a refused deploy never frees someone else's. */
export function unlockStep(ctx: DockerPlanContext): Step {
  const lockDir = ctx.facts.layout.lockDir(ctx.app.name);
  return {
    id: 'unlock',
    title: 'Release the app lock',
    notes: [],
    actions: [exec(['sh', '-c', 'grep -q "\\"releaseId\\": \\"$2\\"" "$1/info.json" 2>/dev/null && rm -rf "$1"; true', 'sh', lockDir, ctx.releaseId])],
    undo: [],
    always: true,
  };
}

export function lockedError(app: string, holder: Awaited<ReturnType<typeof readLock>>): ApiError {
  if (!holder) return new ApiError('LOCKED', `Another deploy of ${app} just started and released its lock; deploy again.`);
  const age = holder.heartbeatAgeSeconds === undefined ? 'no heartbeat' : `last heartbeat ${holder.heartbeatAgeSeconds} s ago`;
  if (holder.stale) {
    return new ApiError('LOCKED', `${app} is locked by ${holder.by} (release ${holder.releaseId}, started ${holder.startedAt}), but that deploy looks dead (${age}). If no Berth is deploying ${app}, break the lock: berth unlock ${app} --server <server>, or "Break lock" in the app's Deploy panel.`);
  }
  return new ApiError('LOCKED', `${app} is being deployed by ${holder.by} (release ${holder.releaseId}, started ${holder.startedAt}, ${age}). Wait for it to finish, then deploy again.`);
}

/** Containers an interrupted deploy left running are removed first, so every deploy starts from a known state. */
export function recoverStep(ctx: DockerPlanContext): Step | undefined {
  const dead = ctx.facts.releases.filter((r) => r.state === 'running');
  if (ctx.facts.leftovers.length === 0 && dead.length === 0) return undefined;
  const ids = ctx.facts.leftovers.flatMap((l) => l.containers);
  return {
    id: 'recover',
    title: 'Clean up an interrupted deploy',
    notes: [
      ...ctx.facts.leftovers.map((l) => `${l.project}: ${l.containers.length} container(s) of a release that never went live`),
      ...dead.map((r) => `${r.id}: its deploy never finished; recorded as interrupted`),
    ],
    actions: [
      ...dead.map((r) => check(`record ${r.id} as interrupted`, async (run) => {
        await serverOf(run).writeFile(`${ctx.facts.layout.releaseDir(ctx.app.name, r.id)}/release.json`, `${JSON.stringify({ ...r, state: 'interrupted', error: r.error ?? 'The deploy stopped before it finished (connection lost or Berth closed).' }, null, 2)}\n`, 0o644);
      })),
      ...(ids.length > 0 ? [exec(ctx.facts.cli.docker('rm', '-f', ...ids))] : []),
      ...ctx.facts.leftovers.map((l) => exec(ctx.facts.cli.docker('network', 'rm', `${l.project}_default`), { okExitCodes: [1] })),
    ],
    undo: [],
  };
}
