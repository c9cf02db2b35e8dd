import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';
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
export const test = base.extend<object, { webHost: WebHostProcess; sshd: SshdHandle; dockerServer: DockerServer | null }>({
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
