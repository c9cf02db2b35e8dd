import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { App } from '../shared/model/app.js';
import type { DeployRecord } from '../shared/model/deploy.js';
import type { Host } from '../electron/hosts/host.js';
import { buildTestImages, startDockerServer, TEST_IMAGES, type DockerServer } from '../test/support/docker-server.js';
import { createDeployWorld, type DeployWorld } from '../test/deploy/deploy-world.js';
import { median } from './support/stats.js';
import { machineTimes, type MachineTimes } from './support/thread-cpu.js';
import type { BenchRow } from './types.js';

// `berth deploy` of an image already on the server against the same compose
// file run by hand: `ssh host docker-compose … up -d`, a loop of
// `ssh host docker inspect` until the container is healthy, and
// `ssh host docker-compose … down` of the previous run. Both sides run on one
// real server (network namespace + sshd + dockerd) and alternate, round by round.

/** Berth and baseline deploys alternate this many times (after one unmeasured warm-up of each). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const APP_NAME = 'bench';
const IMAGE = 'bench/web:1';
const DOMAIN = 'bench.test';
/** Berth's health gate polls the container once a second; the hand-written loop does the same. */
const POLL_MS = 1000;
const HEALTH_TIMEOUT_MS = 60_000;
const execFileAsync = promisify(execFile);

function benchApp(round: number): App {
  return App.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'App',
    name: APP_NAME,
    services: {
      web: {
        image: IMAGE,
        command: ['sh', '-c', 'exec httpd -f -p 8080 -h /www'],
        ports: [{ port: 8080 }],
        routes: [{ domain: DOMAIN, port: 8080, https: false }],
        healthcheck: { http: { path: '/', port: 8080 }, intervalSeconds: 1, timeoutSeconds: 2, retries: 3 },
        // A new value each round, so every deploy is a new release with new containers.
        env: { ROUND: String(round) },
        // busybox httpd as PID 1 ignores SIGTERM; a short grace keeps each retire quick.
        stopGracePeriodSeconds: 1,
      },
    },
  });
}

/** The prebuilt image the app runs, made once on the server from the test busybox image. */
async function buildImage(server: DockerServer): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-bench-image-'));
  try {
    await fs.mkdir(path.join(dir, 'www'));
    await fs.writeFile(path.join(dir, 'www', 'index.html'), 'bench\n');
    await fs.writeFile(path.join(dir, 'Dockerfile'), [`FROM ${TEST_IMAGES.busybox}`, 'COPY www /www', 'CMD ["httpd","-f","-p","8080","-h","/www"]', ''].join('\n'));
    const built = await server.docker(['build', '-q', '-t', IMAGE, dir], { timeoutMs: 120_000 });
    if (built.code !== 0) throw new Error(`docker build of ${IMAGE} exited with ${built.code}: ${built.stderr.trim()}`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** What sshd logged between two points: logins and channels opened, by type. */
interface SshdActivity {
  logins: number;
  channels: number;
  byType: Record<string, number>;
}

async function logSize(file: string): Promise<number> {
  return (await fs.stat(file)).size;
}

async function sshdActivitySince(file: string, offset: number): Promise<SshdActivity> {
  const handle = await fs.open(file, 'r');
  let text: string;
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    await handle.read(buffer, 0, buffer.length, offset);
    text = buffer.toString('utf8');
  } finally {
    await handle.close();
  }
  const byType: Record<string, number> = {};
  let logins = 0;
  let channels = 0;
  for (const line of text.split('\n')) {
    if (line.includes('Accepted publickey')) logins++;
    // sshd at LogLevel DEBUG1 logs each channel a client opens: "server_input_channel_open: ctype session rchan 3 …".
    const open = /server_input_channel_open: ctype (\S+)/.exec(line);
    if (open) {
      channels++;
      byType[open[1]!] = (byType[open[1]!] ?? 0) + 1;
    }
    // An SFTP session is a "session" channel that then asks for the subsystem.
    if (line.includes("Starting session: subsystem 'sftp'")) byType['sftp (of session)'] = (byType['sftp (of session)'] ?? 0) + 1;
  }
  return { logins, channels, byType };
}

/** Calls Berth makes on the server's Host (each one opens an SSH channel), counted by kind. */
interface HostCalls {
  exec: number;
  spawn: number;
  writeFile: number;
  connectUnix: number;
  connectTcp: number;
  heartbeats: number;
}

const totalCalls = (c: HostCalls) => c.exec + c.spawn + c.writeFile + c.connectUnix + c.connectTcp;

/** Routes every Host the world hands out through a counter (SshHost.exec's internal spawn is not counted twice). */
function countHostCalls(world: DeployWorld): HostCalls {
  const calls: HostCalls = { exec: 0, spawn: 0, writeFile: 0, connectUnix: 0, connectTcp: 0, heartbeats: 0 };
  const original = world.servers.host.bind(world.servers);
  world.servers.host = async (id: string): Promise<Host> => {
    const host = await original(id);
    const isHeartbeat = (argv: readonly string[]) => argv[0] === 'touch' && argv.length === 2 && argv[1]!.endsWith('/lock/heartbeat');
    return {
      id: host.id,
      label: host.label,
      exec: (argv, options) => (calls.exec++, host.exec(argv, options)),
      spawn: (argv, options) => {
        calls.spawn++;
        if (isHeartbeat(argv)) calls.heartbeats++;
        return host.spawn(argv, options);
      },
      openShell: (size) => host.openShell(size),
      writeFile: (file, data, mode) => (calls.writeFile++, host.writeFile(file, data, mode)),
      connectUnix: (socket) => (calls.connectUnix++, host.connectUnix(socket)),
      connectTcp: (address, port) => (calls.connectTcp++, host.connectTcp(address, port)),
    };
  };
  return calls;
}

interface BerthRound {
  ms: number;
  planMs: number;
  record: DeployRecord;
  sshd: SshdActivity;
  calls: HostCalls;
}

/** One `berth deploy`: a fresh installation (a CLI run has its own process and pooled connection), plan + start + wait. */
async function berthDeploy(server: DockerServer, round: number): Promise<BerthRound> {
  const world = await createDeployWorld(server, { drainSeconds: 0, readinessSeconds: 0 });
  const calls = countHostCalls(world);
  const logPath = server.ssh!.logPath;
  const offset = await logSize(logPath);
  let ms: number;
  let planMs: number;
  let record: DeployRecord;
  try {
    const start = performance.now();
    const { planId } = await world.deploys.plan({ kind: 'deploy', app: benchApp(round), destination: world.destination });
    planMs = performance.now() - start;
    record = await world.deploys.wait((await world.deploys.start(planId)).id);
    ms = performance.now() - start;
    if (record.outcome !== 'succeeded') throw new Error(`Berth deploy ${round} ${record.outcome} at ${record.failedStep}: ${record.error}\n${(world.logs.get(record.id) ?? '').slice(-3000)}`);
  } finally {
    await world.dispose();
  }
  // The connection's sshd process writes its last lines as the connection closes.
  await new Promise((r) => setTimeout(r, 200));
  return { ms, planMs, record, sshd: await sshdActivitySince(logPath, offset), calls };
}

interface Baseline {
  ssh(command: string): Promise<{ stdout: string; stderr: string }>;
  /** Copies the release's compose file for a baseline project; returns the copy's path on the server. */
  prepare(releaseId: string, project: string): Promise<string>;
}

async function makeBaseline(server: DockerServer, dir: string): Promise<Baseline> {
  const ssh = server.ssh!;
  const knownHosts = path.join(dir, 'known_hosts');
  await fs.writeFile(knownHosts, `${ssh.host} ${ssh.hostPublicKey}\n`);
  const args = ['-F', '/dev/null', '-i', ssh.clientKeyPath, '-p', String(ssh.port), '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`, `${ssh.user}@${ssh.host}`];
  const baseDir = path.join(server.home, 'bench-baseline');
  await fs.mkdir(baseDir, { recursive: true });
  await fs.chown(baseDir, server.uid, server.gid);
  return {
    ssh: (command) => execFileAsync('ssh', [...args, command], { maxBuffer: 16 * 1024 * 1024 }),
    async prepare(releaseId, project) {
      const releaseDir = path.join(server.home, '.berth/apps', APP_NAME, 'releases', releaseId);
      const projectDir = path.join(baseDir, project);
      await fs.mkdir(projectDir);
      // The same file, with two changes so the baseline and Berth leave each other alone: the alias on the proxy
      // network names this project (the proxy keeps routing to Berth's release), and the berth.* labels are renamed
      // (Berth would take containers labelled berth.app=bench outside its serving release for leftovers to remove).
      const compose = (await fs.readFile(path.join(releaseDir, 'release.yaml'), 'utf8'))
        .replaceAll(`${APP_NAME}-web-${releaseId}`, `${APP_NAME}-web-${project}`)
        .replaceAll('berth.app', 'bench-baseline.app')
        .replaceAll('berth.release', 'bench-baseline.release');
      await fs.writeFile(path.join(projectDir, 'compose.yaml'), compose);
      // Env files sit beside the compose file, as in the release directory.
      for (const name of await fs.readdir(releaseDir)) {
        if (name.startsWith('.env')) await fs.copyFile(path.join(releaseDir, name), path.join(projectDir, name));
      }
      for (const name of await fs.readdir(projectDir)) await fs.chown(path.join(projectDir, name), server.uid, server.gid);
      await fs.chown(projectDir, server.uid, server.gid);
      return path.join(projectDir, 'compose.yaml');
    },
  };
}

interface BaselineRun {
  project: string;
  file: string;
}

/** The hand-written deploy: up, wait until healthy, down the previous run. Returns how many ssh commands it ran. */
async function baselineDeploy(baseline: Baseline, next: BaselineRun, previous: BaselineRun | undefined): Promise<number> {
  let commands = 0;
  const ssh = (command: string) => (commands++, baseline.ssh(command));
  await ssh(`docker-compose --compatibility -p ${next.project} -f ${next.file} up -d`);
  const container = `${next.project}_web_1`;
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  for (;;) {
    const status = (await ssh(`docker inspect -f '{{.State.Health.Status}}' ${container}`)).stdout.trim();
    if (status === 'healthy') break;
    if (status === 'unhealthy' || Date.now() > deadline) throw new Error(`baseline container ${container} is ${status}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  if (previous) await ssh(`docker-compose --compatibility -p ${previous.project} -f ${previous.file} down --remove-orphans`);
  return commands;
}

const busyCpus = (before: MachineTimes | undefined, after: MachineTimes | undefined) =>
  before && after && after.total > before.total ? ((after.busy - before.busy) / (after.total - before.total)) * os.availableParallelism() : undefined;

/** Milliseconds per step id, from a record's startedAt/finishedAt. */
function stepDurations(record: DeployRecord): Map<string, { title: string; ms: number }> {
  const out = new Map<string, { title: string; ms: number }>();
  for (const s of record.steps) {
    if (s.startedAt && s.finishedAt) out.set(s.id, { title: s.title, ms: Date.parse(s.finishedAt) - Date.parse(s.startedAt) });
  }
  return out;
}

function spread(values: number[]): string {
  const min = Math.min(...values);
  const max = Math.max(...values);
  return min === max ? `${min} every deploy` : `${min}–${max}`;
}

export async function benchDeployOverhead(): Promise<BenchRow[]> {
  const server = await startDockerServer();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-bench-deploy-'));
  try {
    await buildTestImages(server);
    await buildImage(server);
    const baseline = await makeBaseline(server, dir);

    // Warm-up: the first Berth deploy creates the networks and the proxy; the first baseline run has no predecessor
    // to take down. Measured rounds are steady-state redeploys on both sides.
    const warm = await berthDeploy(server, 0);
    let previous: BaselineRun = { project: 'bench-baseline-0', file: await baseline.prepare(warm.record.id, 'bench-baseline-0') };
    await baselineDeploy(baseline, previous, undefined);

    const berth: BerthRound[] = [];
    const baselineMs: number[] = [];
    const baselineCommands: number[] = [];
    const berthBusy: number[] = [];
    const baselineBusy: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      process.stderr.write(`  round ${round}/${ROUNDS}\n`);
      const machineBefore = await machineTimes();
      const b = await berthDeploy(server, round);
      const machineAfter = await machineTimes();
      berth.push(b);
      const busy = busyCpus(machineBefore, machineAfter);
      if (busy !== undefined) berthBusy.push(busy);

      const project = `bench-baseline-${round}`;
      const next: BaselineRun = { project, file: await baseline.prepare(b.record.id, project) };
      const baseBefore = await machineTimes();
      const start = performance.now();
      baselineCommands.push(await baselineDeploy(baseline, next, previous));
      baselineMs.push(performance.now() - start);
      const baseBusy = busyCpus(baseBefore, await machineTimes());
      if (baseBusy !== undefined) baselineBusy.push(baseBusy);
      previous = next;
    }
    await baseline.ssh(`docker-compose --compatibility -p ${previous.project} -f ${previous.file} down --remove-orphans`).catch(() => undefined);

    const berthMs = median(berth.map((r) => r.ms));
    const baseMs = median(baselineMs);
    const logins = berth.map((r) => r.sshd.logins);
    const channels = berth.map((r) => r.sshd.channels);
    const calls = berth.map((r) => totalCalls(r.calls));
    const heartbeats = berth.map((r) => r.calls.heartbeats);
    const types = Object.keys(Object.assign({}, ...berth.map((r) => r.sshd.byType)) as Record<string, number>).sort();
    const typeNote = types.map((t) => `${t} ${median(berth.map((r) => r.sshd.byType[t] ?? 0))}`).join(', ');
    const kinds = (['exec', 'spawn', 'writeFile', 'connectUnix', 'connectTcp'] as const).map((k) => `${k} ${median(berth.map((r) => r.calls[k]))}`).join(', ');

    // Where Berth's time goes: the median of each step across rounds, largest first.
    const perStep = new Map<string, { title: string; ms: number[] }>();
    for (const r of berth) {
      for (const [id, s] of stepDurations(r.record)) {
        // Titles may name a release ("…previous release (r2026…)"), which differs per round.
        const entry = perStep.get(id) ?? { title: s.title.replace(/ \(r\d{8}-\d{6}-\w+\)$/, ''), ms: [] };
        entry.ms.push(s.ms);
        perStep.set(id, entry);
      }
    }
    const steps = [...perStep].map(([id, s]) => ({ id, title: s.title, ms: median(s.ms) })).sort((a, b) => b.ms - a.ms);
    process.stderr.write(`  berth steps, median ms per deploy: plan ${median(berth.map((r) => r.planMs)).toFixed(0)}, ${steps.map((s) => `${s.id} ${s.ms}`).join(', ')}\n`);
    const rounds = `${ROUNDS} alternating rounds, median`;
    const rows: BenchRow[] = [
      { name: 'berth deploy (plan + run)', value: berthMs, unit: 'ms', note: `${rounds}; fresh installation and connection per deploy; image on the server; drain 0 s` },
      { name: 'baseline: ssh docker-compose up + health loop + down', value: baseMs, unit: 'ms', note: `${rounds}; same compose file; OpenSSH, a new connection per command; polls every ${POLL_MS} ms as Berth does` },
      { name: 'berth / baseline', value: berthMs / baseMs, unit: 'ratio', note: 'target ≤ 1.3' },
      { name: 'ssh logins per berth deploy', value: median(logins), unit: 'logins', note: `target 1; "Accepted publickey" in sshd's log (${spread(logins)})` },
      { name: 'ssh logins per baseline deploy', value: median(baselineCommands), unit: 'logins', note: `one per command: up, each health poll, down (${spread(baselineCommands)})` },
      { name: 'round trips per berth deploy: channels', value: median(channels), unit: 'channels', note: `opened, as sshd logs them (${spread(channels)}): ${typeNote}` },
      { name: 'round trips per berth deploy: host calls', value: median(calls), unit: 'calls', note: `each opens a channel (${spread(calls)}): ${kinds}; of which ${median(heartbeats)} lock heartbeats (every 2 s in the bench, 10 s in the CLI)` },
      { name: 'berth plan', value: median(berth.map((r) => r.planMs)), unit: 'ms', note: 'reading the server before anything changes; inside the deploy time above' },
      ...steps.slice(0, 4).map((s) => ({ name: `berth step ${s.id}`, value: s.ms, unit: 'ms', note: `${s.title}; median per deploy` })),
    ];
    if (berthBusy.length) rows.push({ name: 'whole machine busy during berth deploys', value: median(berthBusy), unit: 'CPUs', note: `of ${os.availableParallelism()}; server, sshd and dockerd share these CPUs` });
    if (baselineBusy.length) rows.push({ name: 'whole machine busy during baseline deploys', value: median(baselineBusy), unit: 'CPUs', note: `of ${os.availableParallelism()}` });
    return rows;
  } finally {
    await server.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
