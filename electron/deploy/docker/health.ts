import type Docker from 'dockerode';
import { demuxLogs } from './docker-api.js';
import type { RunContext } from '../engine/step.js';
import { serverOf } from '../engine/step.js';

export class HealthFailure extends Error {}

export interface GateTarget {
  service: string;
  project: string;
  /** Container port to accept a TCP connection on when there is no health check (the routed port). */
  tcpPort?: number;
  /** A service whose restart policy is "no" or "on-failure" may finish; exit 0 then counts as success. */
  mayExit: boolean;
  timeoutSeconds: number;
  readinessSeconds: number;
  network: string;
}

/**
 * Waits until every container of the service is ready: healthy by its health
 * check, or, without one, running unrestarted for the readiness delay and
 * accepting a TCP connection on its routed port. Docker's own health status
 * is read through the Engine API; no `compose up --wait` (v1 lacks it).
 * On failure the error carries what the user needs: probe history, exit
 * code, OOM flag and the container's last 50 log lines.
 */
export async function waitReady(api: Docker, target: GateTarget, run: RunContext): Promise<string> {
  const deadline = Date.now() + target.timeoutSeconds * 1000;
  let containers: Docker.ContainerInfo[];
  for (;;) {
    run.signal.throwIfAborted();
    containers = await api.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${target.project}`, `com.docker.compose.service=${target.service}`] } });
    if (containers.length > 0) break;
    if (Date.now() > deadline) throw new HealthFailure(`${target.service}: no container was started in project ${target.project}.`);
    await sleep(500, run.signal);
  }
  const results: string[] = [];
  for (const info of containers) results.push(await waitContainer(api, info.Id, target, deadline, run));
  return results.join('; ');
}

async function waitContainer(api: Docker, id: string, target: GateTarget, deadline: number, run: RunContext): Promise<string> {
  const container = api.getContainer(id);
  let firstRestartCount: number | undefined;
  let lastHealth = '';
  for (;;) {
    run.signal.throwIfAborted();
    const state = await container.inspect();
    const s = state.State;
    firstRestartCount ??= state.RestartCount;
    const name = state.Name.replace(/^\//, '');
    if (s.Status === 'exited' || s.Status === 'dead') {
      if (target.mayExit && s.ExitCode === 0) return `${name} completed`;
      throw new HealthFailure(await explain(api, id, `${name} exited with code ${s.ExitCode}${s.OOMKilled ? ' (killed: out of memory)' : ''}`));
    }
    if (state.RestartCount > firstRestartCount || s.Restarting) {
      throw new HealthFailure(await explain(api, id, `${name} keeps restarting (restart count ${state.RestartCount}, last exit code ${s.ExitCode}${s.OOMKilled ? ', out of memory' : ''})`));
    }
    if (s.Health) {
      lastHealth = s.Health.Status;
      if (s.Health.Status === 'healthy') return `${name} healthy`;
      if (s.Health.Status === 'unhealthy') throw new HealthFailure(await explain(api, id, `${name} is unhealthy`));
    } else if (s.Running) {
      const upSeconds = (Date.now() - Date.parse(s.StartedAt)) / 1000;
      if (upSeconds >= target.readinessSeconds) {
        if (target.tcpPort === undefined) return `${name} running for ${Math.round(upSeconds)} s`;
        const address = state.NetworkSettings.Networks[target.network]?.IPAddress;
        if (address && (await accepts(run, address, target.tcpPort))) return `${name} running and accepting connections on port ${target.tcpPort}`;
      }
    }
    if (Date.now() > deadline) {
      const why = s.Health ? `still "${lastHealth}" after ${target.timeoutSeconds} s` : `not accepting connections on port ${target.tcpPort ?? '?'} after ${target.timeoutSeconds} s`;
      throw new HealthFailure(await explain(api, id, `${name} is ${why}`));
    }
    await sleep(1000, run.signal);
  }
}

async function accepts(run: RunContext, address: string, port: number): Promise<boolean> {
  try {
    const socket = await Promise.race([serverOf(run).connectTcp(address, port), sleep(3000).then(() => undefined)]);
    if (!socket) return false;
    socket.destroy();
    return true;
  } catch {
    return false;
  }
}

/** The failure, with the health probe history, exit state and the last 50 log lines. */
export async function explain(api: Docker, id: string, headline: string): Promise<string> {
  const container = api.getContainer(id);
  const lines = [headline];
  try {
    const state = await container.inspect();
    const probes = state.State.Health?.Log ?? [];
    if (probes.length > 0) {
      lines.push('Health check history (newest last):');
      for (const p of probes.slice(-5)) lines.push(`  ${p.Start} exit ${p.ExitCode}: ${p.Output.trim().split('\n').slice(-3).join(' | ') || '(no output)'}`);
    }
    lines.push(`State: ${state.State.Status}, exit code ${state.State.ExitCode}, OOM killed: ${state.State.OOMKilled ? 'yes' : 'no'}, restarts: ${state.RestartCount}`);
    const raw = (await container.logs({ stdout: true, stderr: true, tail: 50, follow: false })) as unknown as Buffer;
    const log = (state.Config.Tty ? raw.toString('utf8') : demuxLogs(raw)).trimEnd();
    lines.push(log ? `Last 50 log lines of ${state.Name.replace(/^\//, '')}:\n${log}` : 'The container printed nothing.');
  } catch (err) {
    lines.push(`(Could not read the container's state: ${(err as Error).message})`);
  }
  return lines.join('\n');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason instanceof Error ? signal!.reason : new Error('Cancelled'));
    };
    // Removed once the timer fires: a gate polls every second and must not pile listeners on the deploy's signal.
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
