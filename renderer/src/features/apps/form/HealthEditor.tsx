import { useEditorStore } from '../model/editor-store';
import { OverriddenMark } from './OverriddenMark';
import { fieldKey, getIn, type Path } from '../model/draft';
import { FieldError, NumberField, TextField } from './fields';

const kinds = ['none', 'http', 'tcp', 'command'] as const;
type Kind = (typeof kinds)[number];

/** One of http, tcp or command, plus timing; switching kind keeps the timing. */
export function HealthEditor({ servicePath }: { servicePath: Path }) {
  const path = [...servicePath, 'healthcheck'];
  const health = useEditorStore((s) => getIn(s.draft, path)) as Record<string, unknown> | undefined;
  const setField = useEditorStore((s) => s.setField);
  const kind: Kind = !health ? 'none' : health.http ? 'http' : health.tcp ? 'tcp' : 'command';

  const switchTo = (next: Kind) => {
    if (next === 'none') return setField(path, undefined);
    const timing = Object.fromEntries(Object.entries(health ?? {}).filter(([k]) => k.endsWith('Seconds') || k === 'retries'));
    const probe = next === 'http' ? { http: { path: '/', port: 80 } } : next === 'tcp' ? { tcp: { port: 80 } } : { command: 'true' };
    setField(path, { ...timing, ...probe });
  };

  return (
    <fieldset className="apps-list" data-field={fieldKey(path)}>
      <legend>Health check <OverriddenMark field={fieldKey(path)} /></legend>
      <FieldError path={path} />
      <div className="apps-row">
        <div className="apps-field">
          <label>Kind</label>
          <select aria-label="Health check kind" value={kind} onChange={(e) => switchTo(e.target.value as Kind)}>
            {kinds.map((k) => <option key={k} value={k}>{k}</option>)}
          </select>
        </div>
        {kind === 'http' && (
          <>
            <TextField path={[...path, 'http', 'path']} label="Path" optional={false} />
            <NumberField path={[...path, 'http', 'port']} label="Port" />
          </>
        )}
        {kind === 'tcp' && <NumberField path={[...path, 'tcp', 'port']} label="Port" />}
        {kind === 'command' && <TextField path={[...path, 'command']} label="Shell command" wide optional={false} />}
      </div>
      {kind !== 'none' && (
        <div className="apps-row">
          <NumberField path={[...path, 'intervalSeconds']} label="Interval (s)" placeholder="30" />
          <NumberField path={[...path, 'timeoutSeconds']} label="Timeout (s)" placeholder="30" />
          <NumberField path={[...path, 'retries']} label="Retries" placeholder="3" />
          <NumberField path={[...path, 'startPeriodSeconds']} label="Start period (s)" placeholder="0" />
        </div>
      )}
    </fieldset>
  );
}
