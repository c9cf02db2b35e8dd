import { useId, useState } from 'react';
import { api } from '../../../api/api';
import type { App } from '../../../../../shared/model/app';
import type { Diagnostic } from '../../../../../shared/model/diagnostic';
import { errorMessage } from '../../../lib/errors';
import { YAML_LIMITS } from '../../../../../shared/yaml/bounded-yaml';

const mib = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MiB`;

/** Said before anything is sent: the host would refuse it anyway (YAML_LIMITS.maxChars). */
function tooLarge(what: string, size: number): string | null {
  if (size <= YAML_LIMITS.maxChars) return null;
  return `${what} is ${mib(size)}; Berth imports compose files of up to ${mib(YAML_LIMITS.maxChars)}. Remove what is not needed (large embedded files, long comments) or split it, then import again.`;
}

/** Paste or pick a docker-compose file; the import's findings are shown with their codes before opening the app. */
export function ImportDialog({ onOpen, onCancel }: { onOpen: (app: App) => void; onCancel: () => void }) {
  const id = useId();
  const [content, setContent] = useState('');
  const [envFile, setEnvFile] = useState('');
  const [name, setName] = useState('');
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
    if (!name) setName(file.name.replace(/\.(ya?ml)$/i, '').replace(/^(docker-)?compose$/i, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, ''));
  };

  const run = async () => {
    const problem = tooLarge('The pasted text', content.length);
    setError(problem);
    if (problem) return;
    setBusy(true);
    try {
      setResult(await api.call('apps.importCompose', { content, ...(name ? { name } : {}), ...(envFile ? { envFile } : {}) }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="apps-dialog apps-import" aria-label="Import docker-compose" onSubmit={(e) => { e.preventDefault(); void run(); }}>
      <h3>Import a docker-compose file</h3>
      <div className="apps-field">
        <label htmlFor={`${id}-file`}>Choose a file</label>
        <input id={`${id}-file`} type="file" accept=".yml,.yaml,text/yaml" onChange={(e) => void pickFile(e.target.files?.[0])} />
      </div>
      <div className="apps-field apps-field-wide">
        <label htmlFor={`${id}-content`}>…or paste it</label>
        <textarea id={`${id}-content`} rows={12} spellCheck={false} value={content} onChange={(e) => { setContent(e.target.value); setResult(null); }} placeholder={'services:\n  web:\n    image: nginx:1.27\n    ports: ["8080:80"]'} />
      </div>
      <details>
        <summary>.env file (optional, for {"${VAR}"} substitution)</summary>
        <textarea aria-label=".env file" rows={4} spellCheck={false} value={envFile} onChange={(e) => setEnvFile(e.target.value)} />
      </details>
      <div className="apps-field">
        <label htmlFor={`${id}-name`}>App name</label>
        <input id={`${id}-name`} value={name} placeholder="from the file" spellCheck={false} onChange={(e) => setName(e.target.value)} />
      </div>
      {error && <p className="apps-field-error" role="alert">{error}</p>}
      {result && (
        <div className="apps-import-result" aria-label="Import findings">
          {result.diagnostics.length === 0 ? <p className="apps-hint">Imported without findings.</p> : (
            <ul className="apps-items">
              {result.diagnostics.map((d, i) => (
                <li key={i} className={`apps-problem apps-problem-${d.severity}`}>
                  <span className="apps-severity">{d.severity}</span> <code>{d.code}</code> {d.message}
                  {d.line !== undefined && <span className="apps-muted"> · line {d.line}</span>}
                </li>
              ))}
            </ul>
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
