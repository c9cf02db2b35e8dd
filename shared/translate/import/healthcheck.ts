import type { z } from 'zod';
import type { HealthCheck } from '../../model/app.js';
import { parseDuration } from './units.js';

type HealthCheckInput = z.input<typeof HealthCheck>;

export interface HealthCheckImport {
  healthcheck?: HealthCheckInput;
  disabled: boolean;
  /** A port the check talks to (`curl http://localhost:8080/…`), usable as the service's port. */
  port?: number;
  problems: Array<{ code: string; message: string; key?: string }>;
}

const LOCAL_PORT = /(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]):(\d{2,5})\b/;
const NC_PORT = /\bnc\b[^|;&]*?\s(?:localhost|127\.0\.0\.1)\s+(\d{2,5})\b/;

function probePort(words: string[] | string): number | undefined {
  const text = Array.isArray(words) ? words.join(' ') : words;
  const m = LOCAL_PORT.exec(text) ?? NC_PORT.exec(text);
  const port = m ? Number(m[1]) : NaN;
  return port >= 1 && port <= 65535 ? port : undefined;
}

/**
 * Compose `healthcheck` → Berth's. Shell forms (`CMD-SHELL x`, or a plain string) stay a
 * shell line, which the Kubernetes renderer runs as ["/bin/sh","-c",x]; the exec form
 * drops "CMD". Unset timings keep Docker's defaults rather than Kubernetes' (1s timeout).
 */
export function importHealthCheck(raw: Record<string, unknown>): HealthCheckImport {
  const problems: HealthCheckImport['problems'] = [];
  if (raw.disable === true) return { disabled: true, problems };
  const test = raw.test;
  let command: string | string[] | undefined;
  if (typeof test === 'string') {
    command = test;
  } else if (Array.isArray(test) && test.length > 0) {
    const [form, ...rest] = test.map((t) => String(t));
    if (form === 'NONE') return { disabled: true, problems };
    if (form === 'CMD-SHELL') command = rest.join(' ');
    else if (form === 'CMD') command = rest;
    else problems.push({ code: 'IMPORT_HEALTHCHECK_TEST_INVALID', message: `The health check test starts with "${form}"; compose expects CMD, CMD-SHELL or NONE. Rewrite it as ["CMD", ...] or ["CMD-SHELL", "..."].`, key: 'test' });
  } else if (test === undefined) {
    problems.push({ code: 'IMPORT_HEALTHCHECK_NO_TEST', message: 'The health check sets only timings and relies on the image\'s own check, which Berth cannot read. Add a test command.' });
  }
  if (command === undefined || command.length === 0) return { disabled: false, problems };

  const timing = (key: string, field: 'intervalSeconds' | 'timeoutSeconds' | 'startPeriodSeconds', positive: boolean) => {
    if (raw[key] === undefined) return {};
    const seconds = parseDuration(raw[key]);
    if (seconds === undefined || (positive && seconds <= 0)) {
      problems.push({ code: 'IMPORT_HEALTHCHECK_DURATION_INVALID', message: `healthcheck.${key} "${String(raw[key])}" is not a duration such as 30s or 1m30s; Docker's default is used.`, key });
      return {};
    }
    return { [field]: seconds };
  };
  const retries = raw.retries === undefined ? undefined : Number(raw.retries);
  if (retries !== undefined && !(Number.isInteger(retries) && retries >= 1)) {
    problems.push({ code: 'IMPORT_HEALTHCHECK_RETRIES_INVALID', message: `healthcheck.retries "${String(raw.retries)}" is not a whole number of at least 1; Docker's default (3) is used.`, key: 'retries' });
  }
  if (raw.start_interval !== undefined) {
    problems.push({ code: 'IMPORT_UNSUPPORTED_HEALTHCHECK_START_INTERVAL', message: 'healthcheck.start_interval has no equivalent; the regular interval applies during the start period.', key: 'start_interval' });
  }
  const healthcheck: HealthCheckInput = {
    command,
    intervalSeconds: 30,
    timeoutSeconds: 30,
    retries: retries !== undefined && Number.isInteger(retries) && retries >= 1 ? retries : 3,
    startPeriodSeconds: 0,
    ...timing('interval', 'intervalSeconds', true),
    ...timing('timeout', 'timeoutSeconds', true),
    ...timing('start_period', 'startPeriodSeconds', false),
  };
  const port = probePort(command);
  return { healthcheck, disabled: false, ...(port !== undefined ? { port } : {}), problems };
}
