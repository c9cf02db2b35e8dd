import { useId, useState } from 'react';
import { api } from '../../../api/api';
import type { App } from '../../../../../shared/model/app';
import type { Diagnostic } from '../../../../../shared/model/diagnostic';
import { errorMessage } from '../../../lib/errors';
import { YAML_LIMITS } from '../../../../../shared/yaml/bounded-yaml';
import { composeFileIn, suggestName } from './import-name';
import { trackImport } from '../../activity/activity-store';

const mib = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MiB`;

/** Said before anything is sent: the host would refuse it anyway (YAML_LIMITS.maxChars). */
function tooLarge(what: string, size: number): string | null {
  if (size <= YAML_LIMITS.maxChars) return null;
  return `${what} is ${mib(size)}; Berth imports compose files of up to ${mib(YAML_LIMITS.maxChars)}. Remove what is not needed (large embedded files, long comments) or split it, then import again.`;
}

/** Up to this many findings are listed at once; more start folded under their counts, so the dialog stays short. */
const FINDINGS_SHOWN_OPEN = 6;

function findingsSummary(diagnostics: Diagnostic[]): string {
  const count = (severity: Diagnostic['severity']) => diagnostics.filter((d) => d.severity === severity).length;
  const parts = [['error', count('error')], ['warning', count('warning')], ['note', count('info')]] as const;
  return `${diagnostics.length} finding${diagnostics.length === 1 ? '' : 's'}: ${parts.filter(([, n]) => n > 0).map(([w, n]) => `${n} ${w}${n === 1 ? '' : 's'}`).join(', ')}`;
}

/** Paste or pick a docker-compose file; the import's findings are shown with their codes before opening the app. */
export function ImportDialog({ onOpen, onCancel }: { onOpen: (app: App) => void; onCancel: () => void }) {
  const id = useId();
  const [content, setContent] = useState('');
  const [envFile, setEnvFile] = useState('');
  // compose.override.yaml and the like: merged over the compose file, as docker compose does.
  const [override, setOverride] = useState<{ name: string; content: string } | null>(null);
  const [name, setName] = useState('');
  // Why no name was suggested for the picked file (compose.yaml without its folder), until the user types one.
  const [nameWhy, setNameWhy] = useState<string | null>(null);
  const [result, setResult] = useState<{ app: App | null; diagnostics: Diagnostic[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const pickFile = async (file: File | undefined) => {
    if (!file) return;
    const problem = tooLarge(file.name, file.size);
    setError(problem);
    setResult(null);
    if (problem) return;
    setContent(await file.text());
    if (name) return;
    const suggested = suggestName(file);
    setName(suggested.name);
    setNameWhy(suggested.why ?? null);
  };

  const pickFolder = (files: FileList | null) => {
    if (!files || files.length === 0) return;
    const file = composeFileIn([...files]);
    if (file) return void pickFile(file);
    setResult(null);
    setError(`No compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml at the top of ${files[0]!.webkitRelativePath.split('/')[0]}.`);
  };

  const pickOverride = async (file: File | undefined) => {
    setResult(null);
    const problem = file ? tooLarge(file.name, file.size) : null;
    setError(problem);
    setOverride(file && !problem ? { name: file.name, content: await file.text() } : null);
  };

  const run = async () => {
    const problem = tooLarge('The pasted text', content.length);
    setError(problem);
    if (problem) return;
    setBusy(true);
    const activity = trackImport(name || undefined);
    try {
      const imported = await api.call('apps.importCompose', { content, ...(name ? { name } : {}), ...(envFile ? { envFile } : {}), ...(override ? { overrideFiles: [override] } : {}) });
      activity.ended(imported);
      setResult(imported);
    } catch (err) {
      activity.failed(errorMessage(err));
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="apps-dialog apps-import" aria-label="Import docker-compose" onSubmit={(e) => { e.preventDefault(); void run(); }}>
      <div className="apps-field">
        <label htmlFor={`${id}-file`}>Choose a file</label>
        <input id={`${id}-file`} type="file" accept=".yml,.yaml,text/yaml" onChange={(e) => void pickFile(e.target.files?.[0])} />
      </div>
      <div className="apps-field">
        {/* A folder tells the browser its name, which names the app when the file is just compose.yaml. */}
        <label htmlFor={`${id}-folder`}>…or choose its folder</label>
        <input id={`${id}-folder`} type="file" {...{ webkitdirectory: '' }} onChange={(e) => pickFolder(e.target.files)} />
      </div>
      <div className="apps-field apps-field-wide">
        <label htmlFor={`${id}-content`}>…or paste it</label>
        <textarea id={`${id}-content`} rows={12} spellCheck={false} value={content} onChange={(e) => { setContent(e.target.value); setResult(null); }} placeholder={'services:\n  web:\n    image: nginx:1.27\n    ports: ["8080:80"]'} />
      </div>
      <div className="apps-field">
        <label htmlFor={`${id}-override`}>Override file (optional, e.g. compose.override.yaml)</label>
        <input id={`${id}-override`} type="file" accept=".yml,.yaml,text/yaml" onChange={(e) => void pickOverride(e.target.files?.[0])} />
      </div>
      <details>
        <summary>.env file (optional, for {"${VAR}"} substitution)</summary>
        <textarea aria-label=".env file" rows={4} spellCheck={false} value={envFile} onChange={(e) => setEnvFile(e.target.value)} />
      </details>
      <div className="apps-field">
        <label htmlFor={`${id}-name`}>App name</label>
        <input id={`${id}-name`} value={name} placeholder="from the file" spellCheck={false} aria-describedby={nameWhy && !name ? `${id}-name-why` : undefined} onChange={(e) => setName(e.target.value)} />
        {nameWhy && !name && <p id={`${id}-name-why`} className="apps-hint">{nameWhy}</p>}
      </div>
      {error && <p className="apps-field-error" role="alert">{error}</p>}
      {result && (
        <div className="apps-import-result" role="region" aria-label="Import findings">
          {result.diagnostics.length === 0 ? <p className="apps-hint">Imported without findings.</p> : (
            <details className="apps-import-findings" open={result.diagnostics.length <= FINDINGS_SHOWN_OPEN}>
              <summary>{findingsSummary(result.diagnostics)}</summary>
              <ul className="apps-items">
                {result.diagnostics.map((d, i) => (
                  <li key={i} className={`apps-problem apps-problem-${d.severity}`}>
                    <span className="apps-severity">{d.severity}</span> <code>{d.code}</code> {d.message}
                    {d.line !== undefined && <span className="apps-muted"> · {d.file ? `${d.file} ` : ''}line {d.line}</span>}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
      <div className="apps-dialog-actions">
        <button type="button" onClick={onCancel}>Cancel</button>
        {result?.app ? (
          <button type="button" className="apps-primary" onClick={() => onOpen(result.app!)}>Open {result.app.name}</button>
        ) : (
          <button type="submit" className="apps-primary" disabled={!content.trim() || busy}>{busy ? 'Importing…' : 'Import'}</button>
        )}
      </div>
    </form>
  );
}
