import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test as base, type BrowserContext } from '@playwright/test';
import { startSshd, sshdUnavailableReason, type SshdHandle } from '../test/support/sshd.js';
import { skipUnlessAvailable } from '../test/support/infra.js';
import { buildTestImages, dockerServerUnavailableReason, startDockerServer, type DockerServer } from '../test/support/docker-server.js';
import { startWebHostProcess, type WebHostProcess } from './web-host-process.js';

/**
 * Worker-scoped infrastructure for UI tests: a web host on a fresh data
 * directory serving the built renderer (out/renderer), a real sshd, and (for
 * the deploy specs, started only when one asks for it) a real Docker server
 * reached over SSH in a network namespace of its own, with the test images
 * built. `dockerServer` is null where the harness cannot run (not root, no
 * dockerd): those tests skip with a notice, and fail in CI.
 */
/**
 * Every uncaught page error and every console error of any page of the test's context, as a line each. No allow-list:
 * everything the pages load comes from the web host (the CSP allows nothing else), so there is nothing external that
 * could log one; an error here is Berth's to fix.
 */
function watchPageErrors(context: BrowserContext): string[] {
  const errors: string[] = [];
  context.on('weberror', (err) => errors.push(`uncaught error: ${err.error().stack ?? err.error().message}`));
  context.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const at = msg.location();
    errors.push(`console error: ${msg.text()}${at.url ? ` (${at.url}:${at.lineNumber})` : ''}`);
  });
  return errors;
}

export const test = base.extend<{ context: BrowserContext }, { webHost: WebHostProcess; sshd: SshdHandle; dockerServer: DockerServer | null }>({
  // Fails the test after it ran when any page threw an uncaught error or logged a console error (see watchPageErrors).
  context: async ({ context }, use, testInfo) => {
    const errors = watchPageErrors(context);
    await use(context);
    if (errors.length === 0) return;
    const report = `The page reported ${errors.length} error(s):\n${errors.join('\n')}`;
    // A test that failed already keeps its own failure first; the page's errors go with it as a clue.
    if (testInfo.status !== testInfo.expectedStatus) testInfo.annotations.push({ type: 'page errors', description: report });
    else throw new Error(report);
  },
  webHost: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires a destructuring pattern even with no dependencies
    async ({}, use) => {
      // Kubernetes destinations pick a context from the kubeconfig: give the host one (nothing listens at its server).
      const kube = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-e2e-kube-'));
      const kubeconfig = path.join(kube, 'config');
      await fs.writeFile(kubeconfig, [
        'apiVersion: v1', 'kind: Config', 'current-context: test-cluster',
        'clusters:', '- name: test-cluster', '  cluster: { server: "https://test-cluster.invalid:6443" }',
        'users:', '- name: test-user', '  user: { token: test }',
        'contexts:', '- name: test-cluster', '  context: { cluster: test-cluster, user: test-user, namespace: shop }',
      ].join('\n'));
      const host = await startWebHostProcess({ env: { KUBECONFIG: kubeconfig } });
      await use(host);
      await host.stop();
      await fs.rm(kube, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  sshd: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires a destructuring pattern even with no dependencies
    async ({}, use) => {
      const missing = sshdUnavailableReason();
      if (skipUnlessAvailable('UI tests against sshd', missing)) throw new Error(`sshd unavailable: ${missing}`);
      const sshd = await startSshd();
      await use(sshd);
      await sshd.stop();
    },
    { scope: 'worker' },
  ],
  dockerServer: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires a destructuring pattern even with no dependencies
    async ({}, use) => {
      if (skipUnlessAvailable('UI tests against a Docker server', dockerServerUnavailableReason())) return use(null);
      const server = await startDockerServer();
      try {
        await buildTestImages(server);
        await use(server);
      } finally {
        await server.stop();
      }
    },
    { scope: 'worker', timeout: 300_000 },
  ],
});

export { expect } from '@playwright/test';
