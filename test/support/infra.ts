/**
 * Suites that need real infrastructure (sshd, Docker, Chromium) call this.
 * Locally a missing piece skips the suite with a visible notice; in CI
 * (CI=true) or with BERTH_REQUIRE_INFRA=1 it is a failure instead, so CI can
 * never pass by skipping.
 */
export function infraRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === 'true' || env.CI === '1' || env.BERTH_REQUIRE_INFRA === '1';
}

/** Returns true when the suite should skip; throws when skipping is not allowed. */
export function skipUnlessAvailable(what: string, missing: string | undefined): boolean {
  if (!missing) return false;
  if (infraRequired()) throw new Error(`${what} is required in CI but unavailable: ${missing}`);
  console.warn(`\n*** SKIPPING ${what}: ${missing}. Install it (see .ci/run) to run these tests. ***\n`);
  return true;
}
