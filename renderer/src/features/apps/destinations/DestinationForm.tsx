import { useEffect, useId, useState } from 'react';
import { api } from '../../../api/api';
import { Destination } from '../../../../../shared/model/app';
import type { MethodOutput } from '../../../../../shared/api/contract';
import { errorMessage } from '../../../lib/errors';
import { describeIssues } from '../../../../../shared/api/errors';

type Kind = 'docker' | 'kubernetes';

/** Creates a destination: a Docker server with its proxy, or a Kubernetes context and namespace. */
export function DestinationForm({ onSaved, onCancel }: { onSaved: (d: Destination) => void; onCancel: () => void }) {
  const id = useId();
  const [kind, setKind] = useState<Kind>('docker');
  const [values, setValues] = useState<Record<string, string | boolean>>({ name: '', server: 'local', proxy: 'caddy', network: 'berth', selinuxRelabel: false, context: '', namespace: 'default' });
  const [servers, setServers] = useState<MethodOutput<'servers.list'>>([]);
  const [contexts, setContexts] = useState<MethodOutput<'kube.contexts'>>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.call('servers.list', {}).then(setServers, () => setServers([]));
    api.call('kube.contexts', {}).then(setContexts, () => setContexts([]));
  }, []);

  const set = (key: string, value: string | boolean) => setValues((v) => ({ ...v, [key]: value }));
  const text = (key: string, label: string, placeholder?: string, list?: string) => (
    <div className="apps-field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input id={`${id}-${key}`} list={list} value={String(values[key] ?? '')} placeholder={placeholder} spellCheck={false} onChange={(e) => set(key, e.target.value)} />
    </div>
  );

  const submit = async () => {
    const opt = (key: string) => (values[key] ? String(values[key]) : undefined);
    const candidate = kind === 'docker'
      ? { type: 'docker', name: opt('name'), server: opt('server'), proxy: values.proxy, network: opt('network'), selinuxRelabel: values.selinuxRelabel }
      : { type: 'kubernetes', name: opt('name'), context: opt('context'), namespace: opt('namespace'), ingressClass: opt('ingressClass'), storageClass: opt('storageClass'), tlsIssuer: opt('tlsIssuer'), imagePullSecret: opt('imagePullSecret') };
    const parsed = Destination.safeParse(candidate);
    if (!parsed.success) return setError(describeIssues(parsed.error, 'destination'));
    try {
      onSaved(await api.call('destinations.save', { destination: parsed.data }));
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <form className="apps-dialog" aria-label="New destination" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h3>New destination</h3>
      <div className="apps-segmented" role="radiogroup" aria-label="Destination type">
        {(['docker', 'kubernetes'] as const).map((k) => (
          <label key={k} className={kind === k ? 'apps-segment-on' : ''}>
            <input type="radio" name={`${id}-kind`} checked={kind === k} onChange={() => setKind(k)} />
            {k === 'docker' ? 'Docker (server)' : 'Kubernetes (cluster)'}
          </label>
        ))}
      </div>
      {text('name', 'Name', kind === 'docker' ? 'production' : 'k3s-prod')}
      {kind === 'docker' ? (
        <>
          <div className="apps-field">
            <label htmlFor={`${id}-server`}>Server</label>
            <select id={`${id}-server`} value={String(values.server)} onChange={(e) => set('server', e.target.value)}>
              {!servers.some((s) => s.id === 'local') && <option value="local">This computer</option>}
              {servers.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
            </select>
          </div>
          <div className="apps-field">
            <label htmlFor={`${id}-proxy`}>Proxy</label>
            <select id={`${id}-proxy`} value={String(values.proxy)} onChange={(e) => set('proxy', e.target.value)}>
              <option value="caddy">Caddy (Berth's proxy)</option>
              <option value="traefik">Traefik labels (Coolify-compatible)</option>
              <option value="none">None (publish ports)</option>
            </select>
          </div>
          {text('network', 'Network', 'berth')}
          <label className="apps-check">
            <input type="checkbox" checked={values.selinuxRelabel === true} onChange={(e) => set('selinuxRelabel', e.target.checked)} />
            SELinux: relabel bind mounts (:z)
          </label>
        </>
      ) : (
        <>
          {text('context', 'Context', contexts.find((c) => c.current)?.name ?? 'my-cluster', `${id}-contexts`)}
          <datalist id={`${id}-contexts`}>
            {contexts.map((c) => <option key={c.name} value={c.name}>{`${c.cluster} (${c.user})`}</option>)}
          </datalist>
          {text('namespace', 'Namespace', 'default')}
          {text('ingressClass', 'Ingress class', 'traefik')}
          {text('storageClass', 'Storage class', 'cluster default')}
          {text('tlsIssuer', 'TLS issuer (cert-manager)', 'letsencrypt')}
          {text('imagePullSecret', 'Image pull secret', 'none')}
        </>
      )}
      {error && <p className="apps-field-error" role="alert">{error}</p>}
      <div className="apps-dialog-actions">
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="submit" className="apps-primary">Save destination</button>
      </div>
    </form>
  );
}
