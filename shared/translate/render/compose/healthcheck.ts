import type { HealthCheck } from '../../../model/app.js';
import type { Diagnostic } from '../../../model/diagnostic.js';

const seconds = (n: number) => `${n}s`;

/**
 * Docker runs health checks inside the container, so http and tcp checks
 * need a tool from the image. The command tries curl, then wget (busybox
 * has it), then nc; images with none of them report unhealthy, which the
 * HEALTHCHECK_NEEDS_TOOL note tells the user.
 */
export function composeHealthcheck(check: HealthCheck, field: string): { healthcheck: Record<string, unknown>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  // The image's own HEALTHCHECK stays off: compose takes disable alone.
  if (check.disable) return { healthcheck: { disable: true }, diagnostics };
  let test: string[];
  if (check.command !== undefined) {
    test = typeof check.command === 'string' ? ['CMD-SHELL', check.command] : ['CMD', ...check.command];
  } else if (check.http) {
    const url = `http://127.0.0.1:${check.http.port}${check.http.path}`;
    test = ['CMD-SHELL', `curl -fsS -o /dev/null '${url}' || wget -q -O /dev/null '${url}' || exit 1`];
    diagnostics.push(toolNote(field, 'curl or wget'));
  } else {
    const port = check.tcp!.port;
    test = ['CMD-SHELL', `nc -z 127.0.0.1 ${port} || exit 1`];
    diagnostics.push(toolNote(field, 'nc'));
  }
  const healthcheck: Record<string, unknown> = {
    test,
    interval: seconds(check.intervalSeconds),
    timeout: seconds(check.timeoutSeconds),
    retries: check.retries,
  };
  if (check.startPeriodSeconds > 0) healthcheck.start_period = seconds(check.startPeriodSeconds);
  return { healthcheck, diagnostics };
}

function toolNote(field: string, tool: string): Diagnostic {
  return {
    severity: 'info',
    code: 'HEALTHCHECK_NEEDS_TOOL',
    message: `On Docker this health check runs ${tool} inside the container; if the image lacks it, use a command health check instead.`,
    field,
  };
}
