import type { HealthCheck } from '../../../model/app.js';

const whole = (n: number) => Math.max(1, Math.ceil(n));

/**
 * Probes keep Docker's timing semantics: period = interval, timeout =
 * timeout, failureThreshold = retries. Docker ignores failures during the
 * start period; a startup probe gives the same grace before liveness starts.
 */
export function probes(check: HealthCheck): Record<string, unknown> {
  const handler = probeHandler(check);
  const timing = { periodSeconds: whole(check.intervalSeconds), timeoutSeconds: whole(check.timeoutSeconds), failureThreshold: check.retries };
  const result: Record<string, unknown> = {
    readinessProbe: { ...handler, ...timing },
    livenessProbe: { ...handler, ...timing },
  };
  if (check.startPeriodSeconds > 0) {
    result.startupProbe = { ...handler, ...timing, failureThreshold: Math.ceil(check.startPeriodSeconds / whole(check.intervalSeconds)) + check.retries };
  }
  return result;
}

function probeHandler(check: HealthCheck): Record<string, unknown> {
  if (check.http) return { httpGet: { path: check.http.path, port: check.http.port } };
  if (check.tcp) return { tcpSocket: { port: check.tcp.port } };
  const command = check.command!;
  return { exec: { command: typeof command === 'string' ? ['/bin/sh', '-c', command] : command } };
}
