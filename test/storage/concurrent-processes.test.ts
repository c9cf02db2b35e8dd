// Item: writes from several Berth processes sharing one data directory (the
// CLI, the web host and the app side by side) are never lost.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeSecretStore } from '../../electron/secrets/node-secret-store.js';
import { BERTH_BIN, ensureBuiltCli, SOURCE_FALLBACK_NOTICE } from '../support/built-cli.js';

const repo = path.resolve(import.meta.dirname, '../..');
const WORKER = path.join(repo, 'test/support/store-worker.ts');

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const worker = (dataDir: string, kind: string, prefix: string, count: number) => run(['--import', 'tsx', WORKER, dataDir, kind, prefix, String(count)]);

async function storedIds(dataDir: string, file: string, pick: (data: never) => Array<{ id?: string; name?: string }>): Promise<string[]> {
  const doc = JSON.parse(await fs.readFile(path.join(dataDir, file), 'utf8')) as { data: never };
  return pick(doc.data).map((x) => x.id ?? x.name!).sort();
}

describe('several processes writing one data directory', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-procs-'));
  });
  afterEach(() => fs.rm(dataDir, { recursive: true, force: true }));

  it('keeps every server, destination and secret that concurrent processes add', async () => {
    const results = await Promise.all([
      worker(dataDir, 'servers', 'a', 40),
      worker(dataDir, 'servers', 'b', 40),
      worker(dataDir, 'servers', 'c', 40),
      worker(dataDir, 'destinations', 'x', 30),
      worker(dataDir, 'destinations', 'y', 30),
      worker(dataDir, 'secrets', 's', 25),
      worker(dataDir, 'secrets', 't', 25),
    ]);
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0, stdout: 'done\n' });

    const servers = await storedIds(dataDir, 'servers.json', (d: { servers: Array<{ id: string }> }) => d.servers);
    expect(servers).toHaveLength(120);
    expect(new Set(servers).size).toBe(120);
    const destinations = await storedIds(dataDir, 'destinations.json', (d: Array<{ name: string }>) => d);
    expect(destinations).toHaveLength(61); // and local-docker
    const secrets = await nodeSecretStore(dataDir, { BERTH_SECRETS_PASSPHRASE: 'shared passphrase' }).keys();
    expect(secrets).toHaveLength(50);
    // Nothing is left behind: no temp files, no lock directories.
    expect((await fs.readdir(dataDir)).sort()).toEqual(['destinations.json', 'secrets.passphrase.bin', 'servers.json']);
  });

  it('two parallel loops of `berth servers add` store every server they report added', async () => {
    await ensureBuiltCli();
    const loop = async (prefix: string) => {
      const out: string[] = [];
      for (let i = 0; i < 25; i++) {
        const r = await run([BERTH_BIN, 'servers', 'add', `${prefix}-${i}`, '--host', 'example.com', '--agent'], { BERTH_HOME: dataDir });
        expect(r, r.stderr).toMatchObject({ code: 0, stdout: expect.stringContaining('Added') });
        expect(r.stderr).not.toContain(SOURCE_FALLBACK_NOTICE);
        out.push(r.stdout);
      }
      return out;
    };
    const [a, b] = await Promise.all([loop('a'), loop('b')]);
    expect(a.length + b.length).toBe(50);
    const servers = await storedIds(dataDir, 'servers.json', (d: { servers: Array<{ id: string }> }) => d.servers);
    expect(servers).toHaveLength(50);
    expect(new Set(servers).size).toBe(50);
  });
});
