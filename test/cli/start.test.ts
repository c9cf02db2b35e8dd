// The CLI ships as built JavaScript (out/cli, built on install): it starts fast,
// behaves as the sources do, and falls back to them only when they changed.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtCliState } from '../../bin/built-cli.mjs';
import { main } from '../../electron/cli/main.js';
import { median } from '../../bench/support/stats.js';
import { BERTH_BIN, ensureBuiltCli, SOURCE_FALLBACK_NOTICE, TWO_SERVICE_APP } from '../support/built-cli.js';


function spawnTimed(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - start }));
  });
}

async function inProcess(args: string[], env: NodeJS.ProcessEnv) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(args, { stdout, stderr, env });
  return { code, stdout: out, stderr: err };
}

describe('the built CLI', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    await ensureBuiltCli();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-start-'));
    env = { PATH: process.env.PATH, HOME: dir, BERTH_HOME: path.join(dir, 'home') };
    await fs.writeFile(path.join(dir, 'berth.yaml'), TWO_SERVICE_APP);
    await fs.writeFile(path.join(dir, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n    restrat: always\n    ports: [{ target: "x" }]\n');
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('prints what the sources print, precompiled schemas included', async () => {
    for (const args of [
      ['render', path.join(dir, 'berth.yaml'), '--target', 'compose'],
      ['render', path.join(dir, 'berth.yaml'), '--target', 'kubernetes'],
      ['validate', path.join(dir, 'compose.yaml')],
    ]) {
      const built = await spawnTimed([BERTH_BIN, ...args], env);
      expect(built.stderr).not.toContain(SOURCE_FALLBACK_NOTICE);
      const { code, stdout, stderr } = built;
      expect({ code, stdout, stderr }).toEqual(await inProcess(args, env));
    }
  });

  it('starts `berth render` of a two-service app within a few times `node -e 0`', async () => {
    const render = [BERTH_BIN, 'render', path.join(dir, 'berth.yaml'), '--target', 'compose'];
    const floor: number[] = [];
    const berth: number[] = [];
    for (let round = 0; round < 5; round++) {
      floor.push((await spawnTimed(['-e', '0'], env)).ms);
      const r = await spawnTimed(render, env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain(SOURCE_FALLBACK_NOTICE);
      berth.push(r.ms);
    }
    // Through tsx it takes 50-90x the floor; built, 6-9x (see `npm run bench -- cli-start`).
    // The bound is loose because other processes share this machine.
    expect(median(berth) / median(floor), `berth ${median(berth).toFixed(0)} ms, node -e 0 ${median(floor).toFixed(0)} ms`).toBeLessThan(15);
  });
});

describe('builtCliState (how bin/berth.mjs decides)', () => {
  let root: string;
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-built-'));
  });
  afterAll(() => fs.rm(root, { recursive: true, force: true }));

  it('is fresh until a bundled source changes or disappears', async () => {
    expect(builtCliState(root)).toMatchObject({ fresh: false, reason: expect.stringContaining('not built') });
    const source = path.join(root, 'electron', 'a.ts');
    await fs.mkdir(path.dirname(source), { recursive: true });
    await fs.writeFile(source, 'export {};\n');
    const past = new Date(Date.now() - 60_000);
    await fs.utimes(source, past, past);
    await fs.mkdir(path.join(root, 'out', 'cli'), { recursive: true });
    await fs.writeFile(path.join(root, 'out', 'cli', 'berth.mjs'), 'export const main = async () => 0;\n');
    await fs.writeFile(path.join(root, 'out', 'cli', 'build.json'), JSON.stringify({ builtAt: Date.now() - 1000, inputs: ['electron/a.ts'] }));
    expect(builtCliState(root)).toEqual({ fresh: true, entry: path.join(root, 'out', 'cli', 'berth.mjs') });

    await fs.writeFile(source, 'export const edited = 1;\n');
    expect(builtCliState(root)).toEqual({ fresh: false, reason: 'electron/a.ts changed since the CLI was built' });
    await fs.rm(source);
    expect(builtCliState(root)).toEqual({ fresh: false, reason: 'electron/a.ts was removed since the CLI was built' });
  });
});
