/**
 * Runs the real kubectl (1.32, /usr/bin/kubectl) against the fake Kubernetes API server: argument lists only
 * (never a shell line), a kubeconfig written by FakeKube.writeKubeconfig and a discovery cache dir of its own.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessAvailable } from '../support/infra.js';
import { startFakeKubeApiServer, type FakeKube } from '../support/fake-kube/index.js';

export const KUBECTL = '/usr/bin/kubectl';

/** true when the suite must skip (locally, kubectl missing); throws in CI. */
export function kubectlMissing(): boolean {
  return skipUnlessAvailable('kubectl against the fake Kubernetes API server', existsSync(KUBECTL) ? undefined : `${KUBECTL} not found`);
}

export interface KubectlResult { code: number; stdout: string; stderr: string }

export interface KubectlWorld {
  kube: FakeKube;
  dir: string;
  kubeconfig: string;
  run(args: string[], opts?: { input?: string; timeoutMs?: number; env?: Record<string, string> }): Promise<KubectlResult>;
  spawn(args: string[]): ChildProcess;
  stop(): Promise<void>;
}

function baseArgs(kubeconfig: string, dir: string): string[] {
  return ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache')];
}

export async function startKubectlWorld(namespace?: string): Promise<KubectlWorld> {
  const kube = await startFakeKubeApiServer();
  const dir = mkdtempSync(join(tmpdir(), 'fake-kube-kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await kube.writeKubeconfig(kubeconfig, namespace ? { namespace } : {});
  const env = { ...process.env, HOME: dir, KUBECONFIG: '' };
  return {
    kube, dir, kubeconfig,
    run(args, opts = {}) {
      return new Promise((resolve) => {
        const child = execFile(KUBECTL, [...baseArgs(kubeconfig, dir), ...args], { env: { ...env, ...opts.env }, timeout: opts.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        });
        if (opts.input !== undefined) child.stdin?.end(opts.input);
        else child.stdin?.end();
      });
    },
    spawn(args) {
      return spawn(KUBECTL, [...baseArgs(kubeconfig, dir), ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    },
    async stop() {
      await kube.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until `read()` contains `want` (polling), or fails with what was read. */
export async function waitForOutput(read: () => string, want: string | RegExp, timeoutMs = 15_000): Promise<string> {
  const start = Date.now();
  for (;;) {
    const s = read();
    if (typeof want === 'string' ? s.includes(want) : want.test(s)) return s;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${String(want)}; got:\n${s}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const deploymentYaml = (name: string, opts: { image?: string; replicas?: number; progressDeadlineSeconds?: number; env?: string } = {}) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  replicas: ${opts.replicas ?? 2}
${opts.progressDeadlineSeconds ? `  progressDeadlineSeconds: ${opts.progressDeadlineSeconds}\n` : ''}  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: ${opts.image ?? 'nginx:1.27'}
        ports:
        - containerPort: 80
        env:
        - {name: GREETING, value: "${opts.env ?? 'hello'}"}
`;

export const serviceYaml = (name: string) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: {app: ${name}}
  ports:
  - port: 80
    targetPort: 80
`;
