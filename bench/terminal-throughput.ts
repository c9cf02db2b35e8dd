import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { createCore } from '../electron/core.js';
import { MemorySecretStore } from '../electron/secrets/secret-store.js';
import { HIGH_WATERMARK } from '../electron/terminal/flow-control.js';
import { FRAME_MAX_BYTES } from '../electron/terminal/output-framer.js';
import { startWebHost } from '../electron/web/server.js';
import type { EventPayload } from '../shared/api/contract.js';
import { startSshd, type SshdHandle } from '../test/support/sshd.js';
import type { BenchRow } from './types.js';

/** `seq 1 LINES` prints about 52 MB. */
const LINES = 6_500_000;
const END_MARKER = 'BENCH-2-END';

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

async function typeCommand(page: Page, line: string) {
  await page.locator('.terminal-view:not([hidden]) .terminal-screen').click();
  await page.keyboard.type(line);
}

async function typeLine(page: Page, line: string) {
  await typeCommand(page, line);
  await page.keyboard.press('Enter');
}

async function waitForLastLines(page: Page, check: (lines: string[]) => boolean, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = await page.evaluate(() => window.__berthBench!.lastLines(4));
    if (check(lines)) return lines;
    if (Date.now() > deadline) throw new Error(`Timed out; the terminal ends with ${JSON.stringify(lines)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
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
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const server = await core.servers.add({ name: 'bench', host: sshd.host, port: sshd.port, user: sshd.user, auth: { method: 'key', keyPath: sshd.clientKeyPath } });
    await core.servers.test(server.id);

    const rawMs = await rawSsh(sshd);

    const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
    await page.goto(`${web.url}&bench=1`);
    await page.getByRole('article', { name: 'bench' }).getByRole('button', { name: 'Terminal' }).click();
    await typeLine(page, `echo ready-$((20+1))`);
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
    await ceiling(Math.floor(LINES / 20));
    const { ms: ceilingMs, longestTaskMs: ceilingLongestTaskMs } = await ceiling(LINES);

    await page.evaluate(() => window.__berthBench!.reset());
    // Typing the command is keystroke round trips, not throughput: the clock starts at Enter.
    await typeCommand(page, `seq 1 ${LINES}; echo BENCH-$((1+1))-END`);
    await waitForLastLines(page, (lines) => lines.some((l) => l.endsWith('-END')), 30_000);
    const start = performance.now();
    await page.keyboard.press('Enter');
    const tail = await waitForLastLines(page, (lines) => lines.some((l) => l === END_MARKER), 10 * 60_000);
    const berthMs = performance.now() - start;
    const { newlines, longestTaskMs } = await page.evaluate(() => ({ newlines: window.__berthBench!.newlines, longestTaskMs: window.__berthBench!.longestTaskMs }));

    const lastNumber = tail[tail.indexOf(END_MARKER) - 1];
    if (lastNumber !== String(LINES)) throw new Error(`The last line before the marker is ${JSON.stringify(lastNumber)}, not ${LINES}`);
    // Every seq line, the echoed command line and the marker line end in a line feed.
    if (newlines < LINES + 2) throw new Error(`Only ${newlines} line feeds reached xterm; expected at least ${LINES + 2}`);

    const raw = mbPerSecond(bytes, rawMs);
    const ceilingRate = mbPerSecond(bytes, ceilingMs);
    const berth = mbPerSecond(bytes, berthMs);
    const mb = `${(bytes / 1e6).toFixed(1)} MB of seq output`;
    return [
      { name: 'raw ssh → /dev/null', value: raw, unit: 'MB/s', note: mb },
      { name: 'xterm.js in page, no network (ceiling)', value: ceilingRate, unit: 'MB/s', note: 'same bytes with CRLF, same 64 KiB frames and slicing, a flow-control window in flight' },
      { name: 'longest main-thread task during ceiling run', value: ceilingLongestTaskMs, unit: 'ms', note: 'xterm alone' },
      { name: 'Berth end to end', value: berth, unit: 'MB/s', note: `web host → Chromium → xterm with acks; ${newlines} line feeds, last line ${lastNumber}` },
      { name: 'longest main-thread task during Berth run', value: longestTaskMs, unit: 'ms', note: 'PerformanceObserver longtask: wall time, so it includes waits for a CPU on a loaded machine' },
      { name: 'Berth / xterm ceiling', value: berth / ceilingRate, unit: 'ratio' },
      { name: 'Berth / raw ssh', value: berth / raw, unit: 'ratio' },
    ];
  } finally {
    await browser.close();
    await web.close();
    await core.dispose();
    await sshd.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
