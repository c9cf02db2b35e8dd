/**
 * Run by test/support/kube-in-netns.ts inside a network namespace (nsenter
 * --net): starts the fake Kubernetes API server on the namespace's loopback,
 * writes a k3s-style kubeconfig for it, prints {url, caPem, token} as one
 * JSON line on stdout, and stops the fake when stdin closes or on SIGTERM.
 *
 * argv: --host H --port P --kubeconfig FILE [--server URL] [--context NAME] [--mode OCTAL]
 */
import fs from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startFakeKubeApiServer } from './fake-kube/index.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '6443' },
    kubeconfig: { type: 'string' },
    server: { type: 'string' },
    context: { type: 'string', default: 'default' },
    mode: { type: 'string', default: '600' },
  },
});

const fake = await startFakeKubeApiServer({ host: values.host!, port: Number(values.port) });
if (values.kubeconfig) {
  await fake.writeKubeconfig(values.kubeconfig, { server: values.server ?? fake.url, context: values.context! });
  await fs.chmod(values.kubeconfig, parseInt(values.mode!, 8));
}
process.stdout.write(`${JSON.stringify({ url: fake.url, caPem: fake.caPem, token: fake.token })}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await fake.stop().catch(() => undefined);
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();
