import { describe, expect, it } from 'vitest';
import { LocalHost } from '../../local/local-host.js';
import { classify, fixFor, plansFor, READ_PLANS, unreadableError, withSudo, type Outcome, type ReadPlan } from './read-kubeconfig.js';

const r = (exitCode: number, stderr = '', stdout = '') => ({ exitCode, stderr, stdout });

describe('reading the admin kubeconfig: what each exit code and stderr means', () => {
  it('tells a readable file, a missing one and a denied one apart', () => {
    expect(classify(r(0, '', 'apiVersion: v1\n'), false)).toEqual({ kind: 'ok', text: 'apiVersion: v1\n' });
    expect(classify(r(1, 'cat: /etc/rancher/k3s/k3s.yaml: No such file or directory'), false).kind).toBe('missing');
    expect(classify(r(1, 'cat: /etc/rancher/k3s/k3s.yaml: Permission denied'), false).kind).toBe('denied');
    expect(classify(r(127, 'sh: 1: k0s: not found'), false).kind).toBe('missing');
    expect(classify(r(1, 'Insufficient permissions to access MicroK8s.\nYou can either try again with sudo or add the user to the microk8s group:'), false).kind).toBe('denied');
    expect(classify(r(0, '', ''), false)).toEqual({ kind: 'failed', detail: 'it printed nothing' });
  });

  it("tells sudo's own refusals from the program's", () => {
    // sudo 1.9 with -n, for a user whose rule needs a password.
    expect(classify(r(1, 'sudo: a password is required'), true)).toEqual({ kind: 'sudo-password' });
    expect(classify(r(1, 'sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper'), true)).toEqual({ kind: 'sudo-password' });
    expect(classify(r(1, 'Sorry, user deploy is not allowed to execute \'/usr/bin/cat /etc/rancher/k3s/k3s.yaml\' as root on web1.'), true).kind).toBe('sudo-refused');
    expect(classify(r(1, 'deploy is not in the sudoers file.  This incident will be reported.'), true).kind).toBe('sudo-refused');
    // The shell could not find sudo, versus sudo not finding the program.
    expect(classify(r(127, 'sh: 1: sudo: not found'), true)).toEqual({ kind: 'sudo-missing' });
    expect(classify(r(127, 'bash: line 1: sudo: command not found'), true)).toEqual({ kind: 'sudo-missing' });
    expect(classify(r(1, 'sudo: k0s: command not found'), true).kind).toBe('missing');
    expect(classify(r(1, 'cat: /var/lib/k0s/pki/admin.conf: No such file or directory'), true).kind).toBe('missing');
  });

  it('runs sudo non-interactively with the program as separate arguments', () => {
    expect(withSudo(['cat', '/etc/rancher/k3s/k3s.yaml'])).toEqual(['sudo', '-n', '--', 'cat', '/etc/rancher/k3s/k3s.yaml']);
    expect(READ_PLANS.k3s.map((p) => p.argv)).toEqual([['cat', '/etc/rancher/k3s/k3s.yaml']]);
    expect(READ_PLANS.k0s.map((p) => p.argv)).toEqual([['cat', '/var/lib/k0s/pki/admin.conf'], ['k0s', 'kubeconfig', 'admin']]);
    expect(READ_PLANS.microk8s.map((p) => p.argv)).toEqual([['microk8s', 'config'], ['cat', '/var/snap/microk8s/current/credentials/client.config']]);
    // A program the probe found off the PATH (snap) is run by its full path.
    expect(plansFor('microk8s', '/snap/bin/microk8s').map((p) => p.argv)).toEqual([['/snap/bin/microk8s', 'config'], ['cat', '/var/snap/microk8s/current/credentials/client.config']]);
  });

  it('says exactly that sudo needs a password, and what to change, for k3s', () => {
    const plan: ReadPlan = READ_PLANS.k3s[0]!;
    const denied: Outcome = { kind: 'denied', detail: 'cat: /etc/rancher/k3s/k3s.yaml: Permission denied' };
    const err = unreadableError('k3s', [{ plan, direct: denied, sudo: { kind: 'sudo-password' } }], { user: 'deploy', label: 'web1' });
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toContain('sudo there asks deploy for a password, which Berth never types');
    expect(err.message).toContain('`sudo chmod 644 /etc/rancher/k3s/k3s.yaml`');
    expect(err.message).toContain('`write-kubeconfig-mode: "0644"` in /etc/rancher/k3s/config.yaml');
    expect(err.message).toContain('`deploy ALL=(root) NOPASSWD: /usr/bin/cat /etc/rancher/k3s/k3s.yaml`');
  });

  it('says when sudo is missing or refuses, and when nothing is there', () => {
    const plan = READ_PLANS.k3s[0]!;
    const denied: Outcome = { kind: 'denied', detail: 'Permission denied' };
    expect(unreadableError('k3s', [{ plan, direct: denied, sudo: { kind: 'sudo-missing' } }], { user: 'u', label: 'web1' }).message).toContain('sudo is not installed there');
    expect(unreadableError('k3s', [{ plan, direct: denied, sudo: { kind: 'sudo-refused', detail: 'u is not in the sudoers file.' } }], { user: 'u', label: 'web1' }).message).toContain('sudo refuses u (u is not in the sudoers file.)');
    const missing = unreadableError('k0s', READ_PLANS.k0s.map((p) => ({ plan: p, direct: { kind: 'missing', detail: 'not found' } as Outcome })), { user: 'u', label: 'web1' });
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain('`cat /var/lib/k0s/pki/admin.conf` and `k0s kubeconfig admin`');
    expect(fixFor('microk8s', 'u')).toContain('sudo usermod -a -G microk8s u');
  });

  it("classifies a real sudo's answer on this machine when it exists", async () => {
    const host = new LocalHost();
    const which = await host.exec(['sh', '-c', 'command -v sudo || true']);
    const result = await host.exec(withSudo(['true']));
    // Root (these machines): sudo runs the program. Without sudo installed: the shell's 127.
    if (!which.stdout.trim()) expect(classify(result, true)).toEqual({ kind: 'sudo-missing' });
    else if (process.getuid?.() === 0) expect(result.exitCode).toBe(0);
  });
});
