import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

/** The real Compose v1 that Debian ships: the source of truth for how Compose reads a file. */
export const DOCKER_COMPOSE = '/usr/bin/docker-compose';
const DRIVER = path.resolve(import.meta.dirname, 'compose-config.py');

export interface ConfigJob {
  /** Compose files in merge order (the file, then its overrides), absolute. */
  files: string[];
  projectDir: string;
  envFile?: string;
}

export interface ConfigResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Why the real Compose cannot run here, or undefined when it can. */
export function composeConfigUnavailable(): string | undefined {
  if (!fs.existsSync(DOCKER_COMPOSE)) return `${DOCKER_COMPOSE} not found (apt-get install docker-compose)`;
  const interpreter = interpreterOf();
  if (!interpreter || !fs.existsSync(interpreter)) return `${DOCKER_COMPOSE} has no usable interpreter`;
  return undefined;
}

function interpreterOf(): string | undefined {
  const first = fs.readFileSync(DOCKER_COMPOSE, 'utf8').split('\n', 1)[0] ?? '';
  return /^#!\s*(\S+)/.exec(first)?.[1];
}

export function configArgv(job: ConfigJob): string[] {
  return [...job.files.flatMap((f) => ['-f', f]), '--project-directory', job.projectDir, ...(job.envFile ? ['--env-file', job.envFile] : []), 'config'];
}

/** Compose reads the caller's environment too; give it nothing of ours, and no Docker client config or metrics socket. */
function cleanEnv(): Record<string, string> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-compose-home-'));
  return { PATH: '/usr/bin:/bin', HOME: home, DOCKER_CONFIG: home, METRICS_SOCKET_FILE: `http+unix://${path.join(home, 'no-metrics.sock')}` };
}

/**
 * `docker-compose config` for every job, `concurrency` workers at a time. Each
 * worker is one Python process running docker-compose's own entry point per
 * job (compose-config.py): a process per file costs ~0.45 s, a job ~30 ms.
 */
export async function runComposeConfig(jobs: ConfigJob[], concurrency = 2): Promise<{ results: ConfigResult[]; cpuMs: number }> {
  const interpreter = interpreterOf();
  if (!interpreter) throw new Error(composeConfigUnavailable());
  const env = cleanEnv();
  const results: ConfigResult[] = new Array(jobs.length);
  let next = 0;
  let cpuMs = 0;
  const worker = () => new Promise<void>((resolve, reject) => {
    const child = spawn(interpreter, [DRIVER], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`compose-config worker exited ${code}: ${stderr.slice(-2000)}`))));
    const send = () => {
      if (next >= jobs.length) return child.stdin.end();
      const id = next++;
      const job = jobs[id]!;
      child.stdin.write(`${JSON.stringify({ id, argv: configArgv(job), cwd: job.projectDir, env })}\n`);
    };
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const reply = JSON.parse(line) as (ConfigResult & { id: number }) | { cpu: number };
      if ('cpu' in reply) {
        cpuMs += reply.cpu * 1000;
        return;
      }
      results[reply.id] = { code: reply.code, stdout: reply.stdout, stderr: reply.stderr };
      send();
    });
    send();
  });
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, jobs.length)) }, worker));
  fs.rmSync(env.HOME!, { recursive: true, force: true });
  return { results, cpuMs };
}

/** One job through /usr/bin/docker-compose itself, a process of its own: the cross-check of the worker. */
export function composeConfigCli(job: ConfigJob): ConfigResult {
  const env = cleanEnv();
  const run = spawnSync(DOCKER_COMPOSE, configArgv(job), { cwd: job.projectDir, env, encoding: 'utf8' });
  fs.rmSync(env.HOME!, { recursive: true, force: true });
  return { code: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}
