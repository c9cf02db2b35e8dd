import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface WebHostProcess {
  url: string;
  port: number;
  token: string;
  /** The temporary BERTH_HOME this host keeps its data in. */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Runs the web host the way `npm run web` does, in its own Node process
 * (tsx): Playwright's loader cannot import the core's CommonJS dependencies,
 * and a separate process is what users run anyway.
 */
export async function startWebHostProcess(options: { env?: NodeJS.ProcessEnv } = {}): Promise<WebHostProcess> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-e2e-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/web/start.ts', '--port', '0'], {
    cwd: path.resolve(import.meta.dirname, '..'),
    env: { ...process.env, ...options.env, BERTH_HOME: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The web host did not start within 30 s:\n${output}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      const found = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[0]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The web host exited with code ${code}:\n${output}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    port: Number(parsed.port),
    token: parsed.searchParams.get('token')!,
    dataDir,
    async stop() {
      await stopChild(child);
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
