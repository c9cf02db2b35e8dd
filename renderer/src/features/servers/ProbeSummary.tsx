import type { ProbeResult } from '../../../../shared/model/server';
import { formatBytes } from '../../lib/format';

/** What the last probe found, as quiet facts; missing tools are named so the user knows what to install. */
export function ProbeSummary({ probe }: { probe: ProbeResult }) {
  const facts: { label: string; value: string; missing?: boolean }[] = [
    { label: 'System', value: [probe.os, probe.arch].filter(Boolean).join(' · ') || 'unknown', missing: !probe.os },
    { label: 'Docker', value: probe.docker ?? 'not installed', missing: !probe.docker },
    {
      label: 'Compose',
      value: probe.compose ? `${probe.compose.version} (${probe.compose.flavor === 'plugin' ? 'plugin' : 'standalone'})` : 'not installed',
      missing: !probe.compose,
    },
    { label: 'kubectl', value: probe.kubectl ?? 'not installed', missing: !probe.kubectl },
    { label: 'Kubernetes', value: probe.kubernetes.length ? probe.kubernetes.join(', ') : 'none found', missing: probe.kubernetes.length === 0 },
    { label: 'Free disk', value: probe.freeDiskBytes === null ? 'unknown' : formatBytes(probe.freeDiskBytes), missing: probe.freeDiskBytes === null },
  ];
  return (
    <dl className="probe" data-testid="probe">
      {facts.map((f) => (
        <div key={f.label} className={`probe-fact${f.missing ? ' probe-missing' : ''}`}>
          <dt>{f.label}</dt>
          <dd>{f.value}</dd>
        </div>
      ))}
    </dl>
  );
}
