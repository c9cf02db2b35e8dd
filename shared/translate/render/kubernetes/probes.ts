import type { HealthCheck } from '../../../model/app.js';
import { replaceHostUse, usesHost } from './hostnames.js';

const whole = (n: number) => Math.max(1, Math.ceil(n));

/**
 * Probes keep Docker's timing semantics: period = interval, timeout =
 * timeout, failureThreshold = retries. Docker ignores failures during the
 * start period; a startup probe gives the same grace before liveness starts.
 * A disabled check has no probes (the image's own HEALTHCHECK never applies
 * on Kubernetes anyway).
 *
 * A check that calls the service by its own name (`curl http://app:8080/health`
 * in app) would go through app's Service, which only routes to Ready pods, so
 * the pod could never become Ready; those names are rewritten to 127.0.0.1,
 * which reaches the container itself as it does on Docker. `selfNames`
 * reports each rewritten name.
 */
export function probes(check: HealthCheck, selfNames: string[] = [], rewritten: (name: string) => void = () => {}): Record<string, unknown> {
  if (check.disable) return {};
  const handler = probeHandler(check, selfNames, rewritten);
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

function probeHandler(check: HealthCheck, selfNames: string[], rewritten: (name: string) => void): Record<string, unknown> {
  if (check.http) return { httpGet: { path: check.http.path, port: check.http.port } };
  if (check.tcp) return { tcpSocket: { port: check.tcp.port } };
  const local = (text: string) => selfNames.reduce((t, name) => {
    if (!usesHost(t, name)) return t;
    rewritten(name);
    return replaceHostUse(t, name, '127.0.0.1');
  }, text);
  const command = check.command!;
  return { exec: { command: typeof command === 'string' ? ['/bin/sh', '-c', local(command)] : command.map(local) } };
}
