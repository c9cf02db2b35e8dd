import { useCallback, useEffect, useId, useState } from 'react';
import { api } from '../../../api/api';
import { Destination } from '../../../../../shared/model/app';
import type { MethodOutput } from '../../../../../shared/api/contract';
import type { KubeContext, NamespaceList } from '../../../../../shared/model/cluster';
import { errorMessage } from '../../../lib/errors';
import { issueMessage } from '../../../../../shared/api/issue-messages';
import { toShownError } from '../../../lib/errors';

type Kind = 'docker' | 'kubernetes';

const DEFAULTS: Record<string, string | boolean> = { name: '', server: 'local', proxy: 'caddy', network: 'berth', selinuxRelabel: false, context: '', namespace: 'default' };

/** How the form labels each field, for the sentences of issue-messages.ts. */
const LABELS: Record<string, string> = { name: 'name', server: 'server', network: 'network', context: 'context', namespace: 'namespace', ingressClass: 'ingress class', storageClass: 'storage class', tlsIssuer: 'TLS issuer', imagePullSecret: 'image pull secret' };

/**
 * Creates a destination (a Docker server with its proxy, or a Kubernetes context and namespace), or with `editing`
 * changes that one: its name too, which is then a rename. Settings the form does not show are kept as they were.
 */
export function DestinationForm({ editing, onSaved, onCancel }: { editing?: Destination; onSaved: (d: Destination) => void; onCancel: () => void }) {
  const id = useId();
  const [kind, setKind] = useState<Kind>(editing?.type ?? 'docker');
  const [values, setValues] = useState<Record<string, string | boolean>>(() => ({ ...DEFAULTS, ...(editing as unknown as Record<string, string | boolean> | undefined) }));
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [servers, setServers] = useState<MethodOutput<'servers.list'>>([]);
  const [contexts, setContexts] = useState<KubeContext[] | null>(null);
  const [contextsError, setContextsError] = useState<string | null>(null);
  const [namespaces, setNamespaces] = useState<NamespaceList | null>(null);
  const [error, setError] = useState<string | null>(null);

  const pickContext = useCallback(
    (context: KubeContext | undefined) => setValues((v) => ({ ...v, context: context?.name ?? '', namespace: context?.namespace ?? 'default' })),
    [],
  );

  useEffect(() => {
    api.call('servers.list', {}).then(setServers, () => setServers([]));
    api.call('clusters.list', {}).then(
      (list) => {
        // Only contexts that can work are offered; the Clusters page shows the others with what is wrong.
        const usable = list.contexts.filter((c) => !c.problem);
        setContexts(usable);
        if (!editing || editing.type !== 'kubernetes') pickContext(usable.find((c) => c.current) ?? usable[0]);
      },
      (err: unknown) => {
        setContexts([]);
        setContextsError(errorMessage(err));
      },
    );
  }, [pickContext, editing]);

  const contextName = String(values.context ?? '');
  useEffect(() => {
    if (kind !== 'kubernetes' || !contextName) return;
    let live = true;
    api.call('clusters.namespaces', { context: contextName }).then(
      (list) => live && setNamespaces(list),
      (err: unknown) => live && setNamespaces({ context: contextName, namespaces: [], complete: false, reason: errorMessage(err) }),
    );
    return () => {
      live = false;
    };
  }, [kind, contextName]);

  const chosen = contexts?.find((c) => c.name === contextName);
  // A list for another context is stale: this one's is still on its way.
  const listed = namespaces?.context === contextName ? namespaces : null;
  // The context's own namespace is always offered: the deploy creates it when the cluster has none yet.
  const namespaceOptions = [...new Set([chosen?.namespace ?? 'default', ...(listed?.namespaces ?? [])])];

  const set = (key: string, value: string | boolean) => {
    setValues((v) => ({ ...v, [key]: value }));
    setFieldErrors(({ [key]: _fixed, ...rest }) => rest);
  };
  const note = (key: string) => fieldErrors[key] && <span className="apps-field-error" id={`${id}-${key}-error`}>{fieldErrors[key]}</span>;
  const text = (key: string, label: string, placeholder?: string) => (
    <div className={`apps-field${fieldErrors[key] ? ' apps-field-invalid' : ''}`}>
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input id={`${id}-${key}`} value={String(values[key] ?? '')} placeholder={placeholder} spellCheck={false} onChange={(e) => set(key, e.target.value)}
        aria-invalid={fieldErrors[key] ? true : undefined} aria-describedby={fieldErrors[key] ? `${id}-${key}-error` : undefined} />
      {note(key)}
    </div>
  );

  const submit = async () => {
    const opt = (key: string) => (values[key] ? String(values[key]) : undefined);
    // Settings this form does not show (deploy tuning, a registry) stay as the destination had them.
    const kept = editing?.type === kind ? editing : {};
    const candidate = kind === 'docker'
      ? { ...kept, type: 'docker', name: opt('name'), server: opt('server'), proxy: values.proxy, network: opt('network'), selinuxRelabel: values.selinuxRelabel }
      : { ...kept, type: 'kubernetes', name: opt('name'), context: opt('context'), namespace: opt('namespace'), ingressClass: opt('ingressClass'), storageClass: opt('storageClass'), tlsIssuer: opt('tlsIssuer'), imagePullSecret: opt('imagePullSecret') };
    const parsed = Destination.safeParse(candidate);
    setError(null);
    if (!parsed.success) {
      const found: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0] ?? 'name');
        found[key] ??= issueMessage(issue, LABELS[key]);
      }
      return setFieldErrors(found);
    }
    try {
      onSaved(await api.call('destinations.save', { destination: parsed.data, ...(editing ? { original: editing.name } : {}) }));
    } catch (err) {
      const shown = toShownError(err);
      if (shown.field) setFieldErrors((f) => ({ ...f, [shown.field!]: shown.message }));
      else setError(shown.message);
    }
  };

  return (
    <form className="apps-dialog" aria-label={editing ? `Edit destination ${editing.name}` : 'New destination'} noValidate onSubmit={(e) => { e.preventDefault(); void submit(); }}>
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
            {note('server')}
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
          <div className="apps-field">
            <label htmlFor={`${id}-context`}>Context</label>
            <select id={`${id}-context`} value={contextName} disabled={!contexts?.length} onChange={(e) => pickContext(contexts?.find((c) => c.name === e.target.value))}>
              {contexts === null && <option value="">Reading your kubeconfig…</option>}
              {contexts?.length === 0 && <option value="">No contexts found</option>}
              {contexts?.map((c) => <option key={c.name} value={c.name}>{`${c.name} · ${c.cluster}${c.current ? ' (current)' : ''}`}</option>)}
            </select>
            {note('context')}
          </div>
          {contexts?.length === 0 && (
            <p className="apps-field-error" role="note">
              {contextsError ?? 'Berth found no Kubernetes contexts. Add a kubeconfig at ~/.kube/config (or list files in $KUBECONFIG); the Clusters page shows what it read.'}
            </p>
          )}
          <div className="apps-field">
            <label htmlFor={`${id}-namespace`}>Namespace</label>
            <select id={`${id}-namespace`} value={String(values.namespace)} disabled={!chosen} onChange={(e) => set('namespace', e.target.value)}>
              {namespaceOptions.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
            {note('namespace')}
          </div>
          {chosen && listed === null && <p className="muted apps-field-note">Listing the cluster&apos;s namespaces…</p>}
          {chosen && listed && !listed.complete && <p className="muted apps-field-note">Only the context&apos;s namespace is offered: {listed.reason}</p>}
          {text('ingressClass', 'Ingress class', 'traefik')}
          {text('storageClass', 'Storage class', 'cluster default')}
          {text('tlsIssuer', 'TLS issuer (cert-manager)', 'letsencrypt')}
          {text('imagePullSecret', 'Image pull secret', 'none')}
        </>
      )}
      {error && <p className="apps-field-error" role="alert">{error}</p>}
      <div className="apps-dialog-actions">
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="submit" className="apps-primary" disabled={kind === 'kubernetes' && !chosen}>{editing ? 'Save changes' : 'Save destination'}</button>
      </div>
    </form>
  );
}
