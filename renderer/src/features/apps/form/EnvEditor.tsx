import { useState } from 'react';
import { api } from '../../../api/api';
import { useEditorStore } from '../model/editor-store';
import { fieldKey, getIn, renameKey, setIn, type Path } from '../model/draft';
import { appSecretKey } from '../../../../../shared/model/secret-keys';
import { FieldError } from './fields';
import { errorMessage } from '../../../lib/errors';
import { OverriddenMark } from './OverriddenMark';
import { useStoredSecrets } from './useStoredSecrets';

type Entry = string | { value: string; scope?: string } | { secret: string; scope?: string };

/**
 * Environment variables. A secret is stored in the secret store the moment
 * its field loses focus; berth.yaml keeps only the reference, and the value
 * is never read back into the page.
 */
export function EnvEditor({ servicePath }: { servicePath: Path }) {
  const path = [...servicePath, 'env'];
  const env = useEditorStore((s) => getIn(s.draft, path)) as Record<string, Entry> | undefined;
  const appName = useEditorStore((s) => String(getIn(s.draft, ['name']) ?? ''));
  const draft = useEditorStore((s) => s.draft);
  const replaceDraft = useEditorStore((s) => s.replaceDraft);
  const setField = useEditorStore((s) => s.setField);
  const entries = Object.entries(env ?? {});
  const secrets = useStoredSecrets(appName);

  const rename = (from: string, to: string) => {
    if (draft && to && !(to in (env ?? {}))) replaceDraft(renameKey(draft, path, from, to));
  };
  const addVariable = () => {
    let n = entries.length + 1;
    while (`VAR_${n}` in (env ?? {})) n++;
    setField([...path, `VAR_${n}`], '');
  };
  const makeSecret = (name: string, secret: boolean) => {
    if (draft) replaceDraft(setIn(draft, [...path, name], secret ? { secret: name } : ''));
  };

  return (
    <fieldset className="apps-list">
      <legend>Environment <OverriddenMark field={fieldKey(path)} /></legend>
      <FieldError path={path} />
      {entries.length === 0 && <p className="apps-hint">No variables.</p>}
      {entries.map(([name, value]) => {
        const isSecret = typeof value === 'object' && 'secret' in value;
        const valuePath = typeof value === 'object' && !isSecret ? [...path, name, 'value'] : [...path, name];
        return (
          <div className="apps-row" key={name}>
            <input
              aria-label="Variable name"
              className="apps-env-name"
              title={name}
              data-field={fieldKey([...path, name])}
              defaultValue={name}
              spellCheck={false}
              onBlur={(e) => rename(name, e.target.value.trim())}
            />
            <select aria-label={`${name} kind`} value={isSecret ? 'secret' : 'plain'} onChange={(e) => makeSecret(name, e.target.value === 'secret')}>
              <option value="plain">plain</option>
              <option value="secret">secret</option>
            </select>
            {isSecret ? (
              <SecretInput
                name={name}
                storeKey={appSecretKey(appName, (value as { secret: string }).secret)}
                stored={secrets.stored.has((value as { secret: string }).secret)}
                onStored={() => secrets.markStored((value as { secret: string }).secret)}
              />
            ) : (
              <input
                aria-label={`${name} value`}
                className="apps-env-value"
                data-field={fieldKey(valuePath)}
                value={String(getIn(env, valuePath.slice(path.length)) ?? '')}
                spellCheck={false}
                onChange={(e) => setField(valuePath, e.target.value)}
              />
            )}
            <OverriddenMark field={fieldKey([...path, name])} />
            <button type="button" className="apps-icon-button" aria-label={`Remove ${name}`} onClick={() => setField([...path, name], undefined)}>
              ×
            </button>
          </div>
        );
      })}
      <button type="button" className="apps-add" onClick={addVariable}>Add variable</button>
    </fieldset>
  );
}

/** `stored`: the store has a value for this secret (from apps.secretStatus); the value itself never comes back. */
function SecretInput({ name, storeKey, stored, onStored }: { name: string; storeKey: string; stored: boolean; onStored(): void }) {
  const [value, setValue] = useState('');
  const [revealed, setRevealed] = useState(false);
  const [status, setStatus] = useState<'idle' | 'saving' | 'stored' | { error: string }>('idle');

  const store = async () => {
    if (!value) return;
    setStatus('saving');
    try {
      await api.call('secrets.set', { key: storeKey, value });
      setStatus('stored');
      onStored();
    } catch (err) {
      setStatus({ error: errorMessage(err) });
    }
  };

  return (
    <span className="apps-secret">
      <input
        aria-label={`${name} secret value`}
        type={revealed ? 'text' : 'password'}
        autoComplete="new-password"
        value={value}
        placeholder={stored ? 'stored; type to replace it' : 'no value yet; type to set it'}
        onChange={(e) => {
          setValue(e.target.value);
          setStatus('idle');
        }}
        onBlur={() => void store()}
      />
      <button type="button" className="apps-small-button" onClick={() => setRevealed((r) => !r)} aria-pressed={revealed}>
        {revealed ? 'Hide' : 'Reveal'}
      </button>
      <span className="apps-secret-status" title={`secret store key ${storeKey}`}>
        {status === 'saving' ? 'saving…' : status === 'stored' || (status === 'idle' && stored && value === '') ? 'stored' : typeof status === 'object' ? status.error : ''}
      </span>
    </span>
  );
}
