import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const TSX = path.resolve(here, '../../node_modules/.bin/tsx');
const MAIN = path.join(here, 'kube-in-netns-main.ts');
const FAKE = path.join(here, 'fake-kube/index.ts');

export interface KubeInNetns {
  url: string;
  caPem: string;
  token: string;
  stop(): Promise<void>;
}

export interface KubeInNetnsOptions {
  /** Network namespace name (/var/run/netns/<netns>). */
  netns: string;
  host?: string;
  port?: number;
  /** Where to write a k3s-style kubeconfig for the fake (the namespace shares this filesystem). */
  kubeconfig?: string;
  /** The server URL written into it; the fake's own URL by default. */
  server?: string;
  context?: string;
  /** File mode of the kubeconfig, octal; 600 as k3s writes it by default. */
  mode?: string;
}

export function fakeKubeUnavailableReason(): string | undefined {
  if (!fs.existsSync(FAKE)) return `the fake Kubernetes API server (${path.relative(process.cwd(), FAKE)}) does not exist yet`;
  if (!fs.existsSync(TSX)) return `no ${TSX} (npm install)`;
  return undefined;
}

/**
 * Starts the fake Kubernetes API server inside a network namespace, listening
 * only where asked (127.0.0.1:6443 of that namespace by default), so nothing
 * outside the namespace reaches it but through an SSH tunnel.
 */
export async function startKubeInNetns(options: KubeInNetnsOptions): Promise<KubeInNetns> {
  const args = [
    `--net=/var/run/netns/${options.netns}`,
    '--', TSX, MAIN,
    '--host', options.host ?? '127.0.0.1',
    '--port', String(options.port ?? 6443),
    ...(options.kubeconfig ? ['--kubeconfig', options.kubeconfig] : []),
    ...(options.server ? ['--server', options.server] : []),
    ...(options.context ? ['--context', options.context] : []),
    ...(options.mode ? ['--mode', options.mode] : []),
  ];
  const child: ChildProcess = spawn('nsenter', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const info = await new Promise<{ url: string; caPem: string; token: string }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the fake API server did not start within 60 s:\n${stderr}`));
    }, 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.slice(0, nl)));
      } catch (err) {
        reject(new Error(`the fake API server printed ${out.slice(0, nl)}: ${(err as Error).message}\n${stderr}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the fake API server exited with ${code}:\n${stderr}`));
    });
  });
  return {
    ...info,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
