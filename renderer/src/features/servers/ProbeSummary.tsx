import { dockerState, type ProbeResult } from '../../../../shared/model/server';
import { formatBytes } from '../../lib/format';

interface Fact {
  label: string;
  value: string;
  missing?: boolean;
  /** Long text (a daemon error) spans two cells instead of wrapping in one. */
  wide?: boolean;
}

/** Only the daemon's version means Docker runs; an installed CLI whose daemon is down is said as such, with the reason. */
function dockerFact(probe: ProbeResult): Fact {
  const state = dockerState(probe);
  if (state === 'running') return { label: 'Docker', value: probe.docker! };
  if (state === 'not-answering') {
    return { label: 'Docker', value: `Docker installed, daemon not reachable: ${probe.dockerError ?? 'it did not answer'}`, missing: true, wide: true };
  }
  return { label: 'Docker', value: 'not installed', missing: true };
}

function composeFact(probe: ProbeResult): Fact {
  if (!probe.compose) return { label: 'Compose', value: 'not installed', missing: true };
  if (probe.compose.flavor === 'plugin') return { label: 'Compose', value: `${probe.compose.version} (plugin)` };
  return { label: 'Compose', value: `${probe.compose.version} (docker-compose v1, legacy)` };
}

/** What the last probe found, as quiet facts; missing tools are named so the user knows what to install. */
export function ProbeSummary({ probe }: { probe: ProbeResult }) {
  const facts: Fact[] = [
    { label: 'System', value: [probe.os, probe.arch].filter(Boolean).join(' · ') || 'unknown', missing: !probe.os },
    dockerFact(probe),
    composeFact(probe),
    { label: 'kubectl', value: probe.kubectl ?? 'not installed', missing: !probe.kubectl },
    { label: 'Kubernetes', value: probe.kubernetes.length ? probe.kubernetes.join(', ') : 'none found', missing: probe.kubernetes.length === 0 },
    { label: 'Free disk', value: probe.freeDiskBytes === null ? 'unknown' : formatBytes(probe.freeDiskBytes), missing: probe.freeDiskBytes === null },
  ];
  return (
    <>
      <dl className="probe" data-testid="probe">
        {facts.map((f) => (
          <div key={f.label} className={`probe-fact${f.missing ? ' probe-missing' : ''}${f.wide ? ' probe-fact-wide' : ''}`} data-testid={`probe-${f.label.toLowerCase()}`}>
            <dt>{f.label}</dt>
            <dd>{f.value}</dd>
          </div>
        ))}
      </dl>
      {probe.compose?.flavor === 'standalone' && (
        // Same facts as the deploy plan's note (preflight.ts) and docs/deploys.md.
        <p className="probe-note" data-testid="probe-compose-note">
          docker-compose {probe.compose.version} is the legacy Compose v1, no longer maintained. Deploys still work: Berth runs it with
          --compatibility (so replicas and resource limits apply) and waits for health checks itself. Install the Compose plugin
          (docker compose, v2) when you can.
        </p>
      )}
    </>
  );
}
