import { useEditorStore } from '../model/editor-store';
import { fieldKey, type Path } from '../model/draft';
import { CheckField, NumberField, SelectField, TextField } from './fields';
import { ListSection } from './ListSection';
import { EnvEditor } from './EnvEditor';
import { HealthEditor } from './HealthEditor';
import { ExtrasField } from './ExtrasField';
import { MountsSection } from './MountsSection';
import { ServiceNameInput } from './ServiceNameInput';

const restartOptions = [['unless-stopped', 'unless stopped'], ['always', 'always'], ['on-failure', 'on failure'], ['no', 'never']] as const;
const wwwOptions = [['none', 'no redirect'], ['to-www', 'bare → www'], ['to-apex', 'www → bare']] as const;
const protocolOptions = [['tcp', 'tcp'], ['udp', 'udp']] as const;

export function ServiceCard({ name }: { name: string }) {
  const path: Path = ['services', name];
  const setField = useEditorStore((s) => s.setField);
  const count = useEditorStore((s) => Object.keys((s.draft?.services as object | undefined) ?? {}).length);

  return (
    <section className="apps-service" aria-label={`Service ${name}`}>
      <header className="apps-service-header">
        <ServiceNameInput name={name} />
        {count > 1 && (
          <button type="button" className="apps-small-button" onClick={() => setField(path, undefined)}>Remove service</button>
        )}
      </header>
      <div className="apps-row">
        <TextField path={[...path, 'image']} label="Image" placeholder="ghcr.io/me/app:1.0" wide />
      </div>
      <div className="apps-row">
        <NumberField path={[...path, 'replicas']} label="Replicas" />
        <SelectField path={[...path, 'restart']} label="Restart" options={restartOptions} />
      </div>
      <ListSection
        title="Ports"
        path={[...path, 'ports']}
        empty="No ports. Routed web traffic needs the container port here or on a route."
        make={() => ({ port: 8080, protocol: 'tcp' })}
        row={(p) => (
          <>
            <NumberField path={[...p, 'port']} label="Container port" />
            <SelectField path={[...p, 'protocol']} label="Protocol" options={protocolOptions} />
            <NumberField path={[...p, 'publish']} label="Publish on host" placeholder="not published" />
          </>
        )}
      />
      <ListSection
        title="Routes"
        path={[...path, 'routes']}
        empty="No routes. Add one to serve the service on a domain."
        make={() => ({ domain: 'app.example.com', path: '/', port: 80, https: true, www: 'none', stripPrefix: false })}
        row={(p) => (
          <>
            <TextField path={[...p, 'domain']} label="Domain" optional={false} />
            <TextField path={[...p, 'path']} label="Path" optional={false} />
            <NumberField path={[...p, 'port']} label="Port" />
            <SelectField path={[...p, 'www']} label="www" options={wwwOptions} />
            <CheckField path={[...p, 'https']} label="HTTPS" />
            <CheckField path={[...p, 'stripPrefix']} label="Strip path" />
          </>
        )}
      />
      <EnvEditor servicePath={path} />
      <MountsSection servicePath={path} />
      <HealthEditor servicePath={path} />
      <fieldset className="apps-list" data-field={fieldKey([...path, 'resources'])}>
        <legend>Resources</legend>
        <div className="apps-row">
          <NumberField path={[...path, 'resources', 'limits', 'cpus']} label="CPU limit" placeholder="none" />
          <TextField path={[...path, 'resources', 'limits', 'memory']} label="Memory limit" placeholder="512Mi" />
          <NumberField path={[...path, 'resources', 'reservations', 'cpus']} label="CPU reserved" placeholder="none" />
          <TextField path={[...path, 'resources', 'reservations', 'memory']} label="Memory reserved" placeholder="256Mi" />
        </div>
      </fieldset>
      <ExtrasField servicePath={path} />
    </section>
  );
}
