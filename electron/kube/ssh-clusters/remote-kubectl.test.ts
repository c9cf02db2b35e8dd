import { describe, expect, it } from 'vitest';
import { LocalHost } from '../../local/local-host.js';
import { RemoteKubectl } from './remote-kubectl.js';

/**
 * A real program stands in for kubectl: it prints each argument it received
 * on a line of its own (and stdin after a marker), so these tests see exactly
 * what would reach kubectl on the server.
 */
const ECHO_ARGS = ['sh', '-c', 'for a in "$@"; do printf "%s\\n" "$a"; done; [ -t 0 ] || { echo "--stdin--"; cat; }', 'kubectl'];

function runner(extra: Partial<ConstructorParameters<typeof RemoteKubectl>[0]> = {}) {
  return new RemoteKubectl({ host: new LocalHost(), command: ECHO_ARGS, ...extra });
}

describe('RemoteKubectl command lines', () => {
  it("picks the distribution's own kubectl, with sudo -n when asked", () => {
    const host = new LocalHost();
    expect(new RemoteKubectl({ host, distribution: 'k3s' }).argv(['version'])).toEqual(['k3s', 'kubectl', 'version']);
    expect(new RemoteKubectl({ host, distribution: 'microk8s', sudo: true }).argv(['version'])).toEqual(['sudo', '-n', '--', 'microk8s', 'kubectl', 'version']);
    expect(new RemoteKubectl({ host }).argv(['version'])).toEqual(['kubectl', 'version']);
    expect(new RemoteKubectl({ host, kubeconfig: '/etc/k0s/admin conf' }).argv(['get'])).toEqual(['kubectl', '--kubeconfig=/etc/k0s/admin conf', 'get']);
  });

  it('applies server-side with a field manager, the manifests on stdin', async () => {
    const out = await runner().apply('kind: ConfigMap\nmetadata: {name: a}\n', { namespace: 'shop', forceConflicts: true, dryRun: true });
    expect(out.split('\n')).toEqual([
      'apply', '--server-side', '--field-manager=berth', '--force-conflicts', '--dry-run=server', '--namespace=shop', '-f', '-',
      '--stdin--', 'kind: ConfigMap', 'metadata: {name: a}', '',
    ]);
  });

  it('streams rollout status and reports the outcome by exit code', async () => {
    const seen: string[] = [];
    const ok = await runner().rolloutStatus('deployment/web', { namespace: 'shop', timeout: '90s', onOutput: (t) => seen.push(t) });
    expect(ok.ok).toBe(true);
    expect(ok.output.split('\n').slice(0, 5)).toEqual(['rollout', 'status', 'deployment/web', '--namespace=shop', '--timeout=90s']);
    expect(seen.join('')).toBe(ok.output);
    const failing = new RemoteKubectl({ host: new LocalHost(), command: ['sh', '-c', 'echo "error: deployment \\"web\\" exceeded its progress deadline" >&2; exit 1', 'kubectl'] });
    expect(await failing.rolloutStatus('deployment/web')).toEqual({ ok: false, output: 'error: deployment "web" exceeded its progress deadline\n' });
  });

  it('parses get -o json and passes selectors attached to their option', async () => {
    const json = new RemoteKubectl({ host: new LocalHost(), command: ['sh', '-c', 'printf \'{"kind":"List","args":"%s"}\' "$*"', 'kubectl'] });
    expect(await json.getJson('pods', { namespace: 'shop', selector: 'app.kubernetes.io/name=web,tier!=db' })).toEqual({
      kind: 'List',
      args: 'get pods --namespace=shop --selector=app.kubernetes.io/name=web,tier!=db --output=json',
    });
  });

  it('streams logs', async () => {
    const channel = await runner().logs('deploy/web', { namespace: 'shop', container: 'app', tail: 20, timestamps: true });
    let out = '';
    channel.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    expect((await channel.done).exitCode).toBe(0);
    expect(out.trim().split('\n').slice(0, 6)).toEqual(['logs', 'deploy/web', '--namespace=shop', '--container=app', '--tail=20', '--timestamps']);
  });

  it('refuses names that are not Kubernetes names, so none can become an option', async () => {
    const k = runner();
    await expect(k.getJson('pods', { name: '--kubeconfig=/tmp/x' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(k.getJson('-A')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(k.apply('', { namespace: '--server=https://evil' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(k.rolloutStatus('deployment/web', { timeout: '5m; rm -rf /' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(k.logs('pod/web', { container: 'a b' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it("says when kubectl is not there, and passes kubectl's own error on", async () => {
    const missing = new RemoteKubectl({ host: new LocalHost(), command: ['berth-no-such-kubectl'] });
    await expect(missing.getJson('pods')).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('berth-no-such-kubectl is not installed') });
    const failing = new RemoteKubectl({ host: new LocalHost(), command: ['sh', '-c', 'echo "Error from server (NotFound): namespaces \\"x\\" not found" >&2; exit 1', 'kubectl'] });
    await expect(failing.getJson('pods', { namespace: 'x' })).rejects.toThrow(/Error from server \(NotFound\)/);
  });
});
