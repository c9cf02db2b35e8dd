import { test as base } from '@playwright/test';
import { startSshd, sshdUnavailableReason, type SshdHandle } from '../test/support/sshd.js';
import { skipUnlessAvailable } from '../test/support/infra.js';
import { startWebHostProcess, type WebHostProcess } from './web-host-process.js';

/**
 * Worker-scoped infrastructure for UI tests: a web host on a fresh data
 * directory serving the built renderer (out/renderer), and a real sshd.
 */
export const test = base.extend<object, { webHost: WebHostProcess; sshd: SshdHandle }>({
  webHost: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires a destructuring pattern even with no dependencies
    async ({}, use) => {
      const host = await startWebHostProcess();
      await use(host);
      await host.stop();
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
});

export { expect } from '@playwright/test';
