import { useEditorStore } from '../model/editor-store';
import { fieldKey } from '../model/draft';
import { CheckField, FieldError, TextField } from './fields';
import { ServiceCard } from './ServiceCard';

function freeName(taken: Record<string, unknown>, base: string): string {
  if (!(base in taken)) return base;
  let n = 2;
  while (`${base}-${n}` in taken) n++;
  return `${base}-${n}`;
}

/** The app definition as a form: name, services, volumes. */
export function AppForm() {
  const services = (useEditorStore((s) => s.draft?.services) ?? {}) as Record<string, unknown>;
  const volumes = (useEditorStore((s) => s.draft?.volumes) ?? {}) as Record<string, unknown>;
  const setField = useEditorStore((s) => s.setField);
  const renameEntry = useEditorStore((s) => s.renameEntry);

  return (
    <form className="apps-form" aria-label="App definition" onSubmit={(e) => e.preventDefault()}>
      <div className="apps-row">
        <TextField path={['name']} label="App name" optional={false} wide />
      </div>
      <FieldError path={['services']} />
      {Object.keys(services).map((name) => <ServiceCard key={name} name={name} />)}
      <button type="button" className="apps-add" onClick={() => setField(['services', freeName(services, 'worker')], { image: 'busybox:1.37', command: ['sleep', 'infinity'] })}>
        Add service
      </button>
      <fieldset className="apps-list">
        <legend>Volumes</legend>
        {Object.keys(volumes).length === 0 && <p className="apps-hint">No named volumes. Mounts that name a volume need it declared here.</p>}
        {Object.keys(volumes).map((name) => (
          <div className="apps-row" key={name}>
            <div className="apps-field">
              <label>Name</label>
              <input
                aria-label="Volume name"
                data-field={fieldKey(['volumes', name])}
                defaultValue={name}
                spellCheck={false}
                onBlur={(e) => e.target.value.trim() && renameEntry(['volumes'], name, e.target.value.trim())}
              />
            </div>
            <TextField path={['volumes', name, 'size']} label="Size" placeholder="1Gi" />
            <CheckField path={['volumes', name, 'shared']} label="Shared (ReadWriteMany)" />
            <button type="button" className="apps-icon-button" aria-label={`Remove volume ${name}`} onClick={() => setField(['volumes', name], undefined)}>×</button>
          </div>
        ))}
        <button type="button" className="apps-add" onClick={() => setField(['volumes', freeName(volumes, 'data')], { size: '1Gi', shared: false })}>Add volume</button>
      </fieldset>
    </form>
  );
}
