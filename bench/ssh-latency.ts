import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EventBus } from '../electron/api/event-bus.js';
import type { Prompter } from '../electron/prompts/prompt-broker.js';
import { MemorySecretStore } from '../electron/secrets/secret-store.js';
import { ServerService } from '../electron/servers/server-service.js';
import { startSshd } from '../test/support/sshd.js';
import { median } from './support/stats.js';
import type { BenchRow } from './types.js';

// Per-command latency of short commands: Berth's pooled ssh2 session against
// OpenSSH with and without connection multiplexing, all to the same local sshd.

const COMMANDS = 200;
const execFileAsync = promisify(execFile);


async function timeOnce(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function timeEach(run: () => Promise<unknown>): Promise<number[]> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < COMMANDS; i++) times.push(await timeOnce(run));
  return times;
}

/** Times two ways of running a command turn about, so drifts in this machine's speed hit both alike. */
async function timeAlternately(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number[], number[]]> {
  await a();
  await b();
  const timesA: number[] = [];
  const timesB: number[] = [];
  for (let i = 0; i < COMMANDS; i++) {
    timesA.push(await timeOnce(a));
    timesB.push(await timeOnce(b));
  }
  return [timesA, timesB];
}

async function waitForMaster(check: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check().then(() => true, () => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the OpenSSH ControlMaster did not come up');
}

const refuse: Prompter = {
  ask: async () => {
    throw new Error('the benchmark never prompts');
  },
};

export async function benchSshLatency(): Promise<BenchRow[]> {
  const sshd = await startSshd();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-bench-ssh-'));
  const knownHosts = path.join(dir, 'known_hosts');
  await fs.writeFile(knownHosts, `[${sshd.host}]:${sshd.port} ${sshd.hostPublicKey}\n`);
  const service = new ServerService({ dataDir: dir, secrets: new MemorySecretStore(), prompter: refuse, events: new EventBus(), sshDir: path.join(dir, 'ssh'), userKnownHosts: [knownHosts] });
  const sshArgs = ['-F', '/dev/null', '-i', sshd.clientKeyPath, '-p', String(sshd.port), '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`];
  const controlPath = ['-o', `ControlPath=${path.join(dir, 'cm-%C')}`];
  const target = `${sshd.user}@${sshd.host}`;
  try {
    const server = await service.add({ name: 'bench', host: sshd.host, port: sshd.port, user: sshd.user, auth: { method: 'key', keyPath: sshd.clientKeyPath }, proxyJump: [] });
    const host = await service.host(server.id);
    // The master runs apart with its output detached: a master that inherits
    // our pipes would keep every execFile waiting for them to close.
    const master = spawn('ssh', [...sshArgs, ...controlPath, '-M', '-N', target], { stdio: 'ignore' });
    let berth: number;
    let mux: number;
    try {
      await waitForMaster(() => execFileAsync('ssh', [...sshArgs, ...controlPath, '-O', 'check', target]));
      const [berthTimes, muxTimes] = await timeAlternately(
        () => host.exec(['true']),
        () => execFileAsync('ssh', [...sshArgs, ...controlPath, '-o', 'ControlMaster=no', target, 'true']),
      );
      berth = median(berthTimes);
      mux = median(muxTimes);
    } finally {
      master.kill();
    }
    const plain = median(await timeEach(() => execFileAsync('ssh', [...sshArgs, target, 'true'])));
    const note = `${COMMANDS} sequential \`true\`, median`;
    const alternating = `${note}; Berth and ControlMaster commands alternate`;
    return [
      { name: 'berth pooled session', value: berth, unit: 'ms/command', note: alternating },
      { name: 'ssh ControlMaster', value: mux, unit: 'ms/command', note: `${alternating}; includes spawning ssh` },
      { name: 'ssh without multiplexing', value: plain, unit: 'ms/command', note: `${note}; new connection each time` },
      { name: 'berth / ssh ControlMaster', value: berth / mux, unit: 'ratio', note: 'below 1 means Berth is faster' },
      { name: 'berth / ssh without multiplexing', value: berth / plain, unit: 'ratio' },
    ];
  } finally {
    await service.dispose();
    await sshd.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
