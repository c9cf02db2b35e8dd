import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createCore } from '../electron/core.js';
import { MemorySecretStore } from '../electron/secrets/secret-store.js';
import { HIGH_WATERMARK } from '../electron/terminal/flow-control.js';
import { FRAME_MAX_BYTES } from '../electron/terminal/output-framer.js';
import { startWebHost } from '../electron/web/server.js';
import type { EventPayload } from '../shared/api/contract.js';
import { startSshd, type SshdHandle } from '../test/support/sshd.js';
import { openHeadlessPage, type HeadlessPage } from './support/headless-page.js';
import { median } from './support/stats.js';
import { busiestRenderer, machineTimes, threadTimes, timesSince, type ThreadTimes } from './support/thread-cpu.js';
import type { BenchRow } from './types.js';

/** `seq 1 LINES` prints about 52 MB. */
const LINES = 6_500_000;
/** Ceiling and Berth runs alternate this many times; one pair is too noisy on a shared 2-core machine. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);


/** Bytes `seq 1 n` prints, newlines included. */
function seqBytes(n: number): number {
  let total = 0;
  for (let digits = 1, low = 1; low <= n; digits++, low *= 10) total += (Math.min(n, low * 10 - 1) - low + 1) * (digits + 1);
  return total;
}

const mbPerSecond = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

/** OpenSSH client straight to /dev/null: the network and sshd's own ceiling. */
async function rawSsh(sshd: SshdHandle): Promise<number> {
  const devNull = await fs.open('/dev/null', 'w');
  const start = performance.now();
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        'ssh',
        ['-T', '-p', String(sshd.port), '-i', sshd.clientKeyPath, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `${sshd.user}@${sshd.host}`, 'seq', '1', String(LINES)],
        { stdio: ['ignore', devNull.fd, 'pipe'] },
      );
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ssh exited with ${code}: ${stderr}`))));
    });
    return performance.now() - start;
  } finally {
    await devNull.close();
  }
}

const lastLines = (page: HeadlessPage) => page.evaluate((count) => window.__berthBench!.lastLines(count), 4);

async function waitForLastLines(page: HeadlessPage, check: (lines: string[]) => boolean, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = await lastLines(page);
    if (check(lines)) return lines;
    if (Date.now() > deadline) throw new Error(`Timed out; the terminal ends with ${JSON.stringify(lines)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Round {
  ceiling: number;
  berth: number;
  berthMs: number;
  ceilingTask: number;
  berthTask: number;
  newlines: number;
  ceilingThread?: ThreadTimes;
  berthThread?: ThreadTimes;
  /** CPUs' worth of work the whole machine did during the Berth run. */
  berthMachineBusy?: number;
}

/**
 * Splits the Berth/ceiling ratio into its two causes: how much page CPU
 * Berth spends per byte compared with xterm alone (Berth's own overhead),
 * and how long the page waited for a CPU while the rest of the pipeline
 * (web host, sshd, the remote program, the browser's other processes) ran
 * on the same cores, which a remote server would not share.
 */
function mainThreadRows(rounds: Round[], bytes: number): BenchRow[] {
  const measuredRounds = rounds.filter((r) => r.ceilingThread && r.berthThread);
  if (!measuredRounds.length) return [];
  const msPerMb = (t: ThreadTimes) => t.runNs / 1e6 / (bytes / 1e6);
  const ceilingCost = median(measuredRounds.map((r) => msPerMb(r.ceilingThread!)));
  const berthCost = median(measuredRounds.map((r) => msPerMb(r.berthThread!)));
  const waiting = median(measuredRounds.map((r) => r.berthThread!.waitNs / 1e6 / r.berthMs));
  const running = median(measuredRounds.map((r) => r.berthThread!.runNs / 1e6 / r.berthMs));
  const busyRounds = measuredRounds.flatMap((r) => (r.berthMachineBusy === undefined ? [] : [r.berthMachineBusy]));
  const busy = busyRounds.length ? median(busyRounds) : undefined;
  return [
    { name: 'page main thread CPU per MB, ceiling', value: ceilingCost, unit: 'ms/MB', note: 'Linux schedstat of the renderer main thread' },
    { name: 'page main thread CPU per MB, Berth', value: berthCost, unit: 'ms/MB', note: 'includes receiving frames and sending acks' },
    { name: 'ceiling / Berth main-thread cost per MB', value: ceilingCost / berthCost, unit: 'ratio', note: "Berth's throughput ratio if the page had a CPU to itself" },
    { name: 'page main thread on a CPU during Berth run', value: running, unit: 'share', note: 'of the run\'s wall time' },
    { name: 'page main thread waiting for a CPU during Berth run', value: waiting, unit: 'share', note: 'runnable while other processes held every CPU: the stand-in server (sshd, seq), the web host, the browser\'s other processes' },
    ...(busy === undefined ? [] : [{ name: 'whole machine busy during Berth run', value: busy, unit: 'CPUs', note: `of ${os.availableParallelism()}; the stand-in server runs on the same CPUs as the page` }]),
  ];
}

/**
 * Terminal throughput, three ways in one run over the same 52 MB of `seq`
 * output from a real sshd: the OpenSSH client to /dev/null; xterm.js in the
 * page fed locally (the terminal's own ceiling); and Berth end to end (SSH →
 * core → web host → Chromium → xterm, with acks and flow control).
 */
export async function benchTerminalThroughput(): Promise<BenchRow[]> {
  const bytes = seqBytes(LINES);
  const sshd = await startSshd();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-bench-term-'));
  const core = createCore({ host: 'web', secrets: new MemorySecretStore(), dataDir, version: 'bench' });
  core.events.subscribe((event, payload) => {
    if (event !== 'prompt') return;
    const prompt = payload as EventPayload<'prompt'>;
    core.prompts.answer(prompt.promptId, { accept: prompt.kind === 'hostKey' && prompt.fingerprint === sshd.hostKeyFingerprint });
  });
  const web = await startWebHost({ port: 0, core });
  let opened: HeadlessPage | undefined;
  try {
    const server = await core.servers.add({ name: 'bench', host: sshd.host, port: sshd.port, user: sshd.user, auth: { method: 'key', keyPath: sshd.clientKeyPath } });
    await core.servers.test(server.id);

    const rawMs = await rawSsh(sshd);

    const page = (opened = await openHeadlessPage(`${web.url}&bench=1`, { width: 1280, height: 820 }));
    // The server row's Terminal button, found as the e2e tests find it (by the row's accessible name).
    const clickTerminal = (name: string) => {
      // Berth opens on its Overview; the servers are a page away.
      const servers = [...document.querySelectorAll<HTMLButtonElement>('nav[aria-label="Main"] button')].find((b) => b.textContent?.trim() === 'Servers');
      if (servers && servers.getAttribute('aria-current') !== 'page') servers.click();
      const button = [...document.querySelectorAll<HTMLButtonElement>(`article[aria-label="${name}"] button`)].find((b) => b.textContent?.includes('Terminal'));
      if (!window.__berthBench || !button) return false;
      button.click();
      return true;
    };
    await page.waitFor(clickTerminal, 'bench', 30_000, 'the server list');
    await page.waitFor(() => document.querySelector('.terminal-view:not([hidden]) .xterm') !== null, null, 30_000, 'the terminal');
    await page.evaluate((line) => window.__berthBench!.type(line), 'echo ready-$((20+1))\r');
    await waitForLastLines(page, (lines) => lines.includes('ready-21'), 30_000);

    // The ceiling: the bytes a PTY would deliver (CRLF line ends), cut into frames as the core cuts
    // them and written into the same xterm through the same slicing, with a flow-control window in flight.
    // A short untimed run first, so neither measurement pays for JIT warm-up.
    const ceiling = (lines: number) =>
      page.evaluate(
        async ([count, totalBytes, frameBytes, inFlightBytes]) => {
          // One buffer and views into it: the ceiling's own memory must not weigh on the measurement.
          const output = new Uint8Array(totalBytes);
          const encoder = new TextEncoder();
          let offset = 0;
          let text = '';
          for (let i = 1; i <= count; i++) {
            text += `${i}\r\n`;
            if (text.length >= 1 << 20 || i === count) {
              offset += encoder.encodeInto(text, output.subarray(offset)).written;
              text = '';
            }
          }
          if (offset !== totalBytes) throw new Error(`Generated ${offset} bytes, expected ${totalBytes}`);
          const frames: Uint8Array[] = [];
          for (let start = 0; start < output.length; start += frameBytes) frames.push(output.subarray(start, start + frameBytes));
          const bench = window.__berthBench!;
          bench.reset();
          const ms = await bench.writeLocal(frames, inFlightBytes);
          return { ms, longestTaskMs: bench.longestTaskMs };
        },
        // CRLF line ends: one more byte per line than seq prints.
        [lines, seqBytes(lines) + lines, FRAME_MAX_BYTES, HIGH_WATERMARK] as const,
      );
    // One Berth run: the clock starts at Enter (typing is keystroke round trips, not throughput) and
    // stops when the page has drawn the marker the shell prints after seq.
    const berthRun = async (round: number) => {
      const marker = `END-${round}-BENCH`;
      await page.evaluate((m) => {
        window.__berthBench!.reset();
        window.__berthBench!.expectOutput(m);
      }, marker);
      // The arithmetic keeps the marker itself out of the echoed command line.
      await page.evaluate((line) => window.__berthBench!.type(line), `seq 1 ${LINES}; echo END-$((${round}))-BENCH`);
      await waitForLastLines(page, (lines) => lines.some((l) => l.endsWith(`$((${round}))-BENCH`)), 30_000);
      const start = performance.now();
      await page.evaluate(() => window.__berthBench!.type('\r'), null);
      await page.evaluate(() => window.__berthBench!.outputSeen(), null);
      const ms = performance.now() - start;
      const tail = await waitForLastLines(page, (lines) => lines.includes(marker), 30_000);
      const { newlines, longestTaskMs } = await page.evaluate(() => ({ newlines: window.__berthBench!.newlines, longestTaskMs: window.__berthBench!.longestTaskMs }), null);
      const lastNumber = tail[tail.indexOf(marker) - 1];
      if (lastNumber !== String(LINES)) throw new Error(`The last line before the marker is ${JSON.stringify(lastNumber)}, not ${LINES}`);
      // Every seq line, the echoed command line and the marker line end in a line feed.
      if (newlines < LINES + 2) throw new Error(`Only ${newlines} line feeds reached xterm; expected at least ${LINES + 2}`);
      return { ms, longestTaskMs, newlines };
    };

    // Rounds alternate the two so drifts in this machine's speed hit both alike; medians are reported.
    await ceiling(Math.floor(LINES / 20));
    // The page's main thread: how long it ran and how long it sat runnable waiting for a CPU (Linux only).
    const renderer = await busiestRenderer(page.profileDir);
    const measured = async <T extends object>(run: () => Promise<T>): Promise<T & { thread?: ThreadTimes; machineBusy?: number }> => {
      const threadBefore = renderer ? await threadTimes(renderer) : undefined;
      const machineBefore = await machineTimes();
      const result: T = await run();
      const machineAfter = await machineTimes();
      return {
        ...result,
        thread: threadBefore && renderer ? timesSince(threadBefore, await threadTimes(renderer)) : undefined,
        machineBusy: machineBefore && machineAfter ? ((machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total)) * os.availableParallelism() : undefined,
      };
    };
    const rounds: Round[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const c = await measured(() => ceiling(LINES));
      const b = await measured(() => berthRun(round));
      rounds.push({ ceiling: mbPerSecond(bytes, c.ms), berth: mbPerSecond(bytes, b.ms), ceilingTask: c.longestTaskMs, berthTask: b.longestTaskMs, newlines: b.newlines, ceilingThread: c.thread, berthThread: b.thread, berthMs: b.ms, berthMachineBusy: b.machineBusy });
    }
    const ratios = rounds.map((r) => r.berth / r.ceiling);
    const raw = mbPerSecond(bytes, rawMs);
    const berth = median(rounds.map((r) => r.berth));
    const spread = (values: number[]) => `${ROUNDS} rounds, ${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
    const mb = `${(bytes / 1e6).toFixed(1)} MB of seq output`;
    return [
      { name: 'raw ssh → /dev/null', value: raw, unit: 'MB/s', note: mb },
      { name: 'xterm.js in page, no network (ceiling)', value: median(rounds.map((r) => r.ceiling)), unit: 'MB/s', note: `median of ${spread(rounds.map((r) => r.ceiling))}; same bytes with CRLF, same 64 KiB frames and slicing, a flow-control window in flight` },
      { name: 'longest main-thread task during ceiling runs', value: Math.max(...rounds.map((r) => r.ceilingTask)), unit: 'ms', note: 'xterm alone' },
      { name: 'Berth end to end', value: berth, unit: 'MB/s', note: `median of ${spread(rounds.map((r) => r.berth))}; web host → Chromium → xterm with acks; every run drew all ${LINES} lines and the marker (${Math.min(...rounds.map((r) => r.newlines))}+ line feeds)` },
      { name: 'longest main-thread task during Berth runs', value: Math.max(...rounds.map((r) => r.berthTask)), unit: 'ms', note: 'PerformanceObserver longtask: wall time, so it includes waits for a CPU on a loaded machine' },
      { name: 'Berth / xterm ceiling', value: median(ratios), unit: 'ratio', note: `median of each round's ratio (${spread(ratios)})` },
      { name: 'Berth / raw ssh', value: berth / raw, unit: 'ratio' },
      ...mainThreadRows(rounds, bytes),
    ];
  } finally {
    await opened?.close();
    await web.close();
    await core.dispose();
    await sshd.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
