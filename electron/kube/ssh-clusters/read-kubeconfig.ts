import { ApiError } from '../../../shared/api/errors.js';
import type { ExecResult, Host } from '../../hosts/host.js';
import type { Distribution } from './schema.js';

/** One way of printing a distribution's admin kubeconfig on its server, as an argument list. */
export interface ReadPlan {
  argv: string[];
  /** A file (cat) or a command printing the kubeconfig; decides the wording of messages. */
  kind: 'file' | 'command';
}

/** Where each distribution keeps its admin kubeconfig, most direct first. */
export const READ_PLANS: Record<Distribution, ReadPlan[]> = {
  k3s: [{ kind: 'file', argv: ['cat', '/etc/rancher/k3s/k3s.yaml'] }],
  k0s: [
    { kind: 'file', argv: ['cat', '/var/lib/k0s/pki/admin.conf'] },
    { kind: 'command', argv: ['k0s', 'kubeconfig', 'admin'] },
  ],
  microk8s: [
    { kind: 'command', argv: ['microk8s', 'config'] },
    { kind: 'file', argv: ['cat', '/var/snap/microk8s/current/credentials/client.config'] },
  ],
};

/** sudo that never prompts: without a password rule it fails at once instead of waiting for input no one types. */
export function withSudo(argv: readonly string[]): string[] {
  return ['sudo', '-n', '--', ...argv];
}

export type Outcome =
  | { kind: 'ok'; text: string }
  /** The file or program does not exist there. */
  | { kind: 'missing'; detail: string }
  /** It exists, but this user may not read or run it. */
  | { kind: 'denied'; detail: string }
  | { kind: 'sudo-missing' }
  /** sudo would work only with a password, which Berth never types. */
  | { kind: 'sudo-password' }
  /** sudo refuses this user or this command outright. */
  | { kind: 'sudo-refused'; detail: string }
  | { kind: 'failed'; detail: string };

/** What one attempt's exit code and stderr mean; sudo's own complaints are told apart from the program's. */
export function classify(result: Pick<ExecResult, 'exitCode' | 'stdout' | 'stderr'>, viaSudo: boolean): Outcome {
  const stderr = result.stderr.trim();
  const detail = stderr.split('\n').slice(-3).join(' ') || `exit code ${result.exitCode}`;
  if (result.exitCode === 0 && result.stdout.trim()) return { kind: 'ok', text: result.stdout };
  if (viaSudo) {
    if (/^sudo: .*(a password is required|a terminal is required)/im.test(stderr)) return { kind: 'sudo-password' };
    if (/not in the sudoers|is not allowed to (execute|run)|may not run sudo/i.test(stderr)) return { kind: 'sudo-refused', detail };
    // The shell's 127 ("sh: 1: sudo: not found"); sudo itself reports a missing program as "sudo: k0s: command not found".
    if (result.exitCode === 127 && !/^sudo: [^:\n]+: command not found/m.test(stderr)) return { kind: 'sudo-missing' };
  }
  if (result.exitCode === 127 || /no such file or directory|command not found|not found/i.test(stderr)) return { kind: 'missing', detail };
  if (/permission denied|insufficient permissions|operation not permitted|must be run as root|you need to be root/i.test(stderr)) return { kind: 'denied', detail };
  if (result.exitCode === 0) return { kind: 'failed', detail: 'it printed nothing' };
  return { kind: 'failed', detail };
}

export interface ReadResult {
  text: string;
  /** The argument list that printed it (with sudo when it was needed). */
  argv: string[];
}

export interface ReadContext {
  /** The SSH user, for the message that says what to change. */
  user: string;
  /** The server's name or address, for messages. */
  label: string;
  /** The distribution's program where the probe found it, used for the plans that run it. */
  program?: string;
}

/** The plans, with the program's full path where the probe found one off the PATH. */
export function plansFor(distribution: Distribution, program?: string): ReadPlan[] {
  return READ_PLANS[distribution].map((plan) => (plan.kind === 'command' && program && plan.argv[0] === distribution ? { ...plan, argv: [program, ...plan.argv.slice(1)] } : plan));
}

/**
 * Prints the admin kubeconfig over the host's connection: each plan without
 * sudo first, then with `sudo -n` where it was refused. Never asks for or
 * types a password; when sudo needs one, the error says exactly that and what
 * to change on the server.
 */
export async function readAdminKubeconfig(host: Host, distribution: Distribution, ctx: ReadContext, signal?: AbortSignal): Promise<ReadResult> {
  const tried: Array<{ plan: ReadPlan; direct: Outcome; sudo?: Outcome }> = [];
  for (const plan of plansFor(distribution, ctx.program)) {
    const direct = classify(await host.exec(plan.argv, { signal }), false);
    if (direct.kind === 'ok') return { text: direct.text, argv: plan.argv };
    const attempt: (typeof tried)[number] = { plan, direct };
    tried.push(attempt);
    if (direct.kind === 'missing') continue;
    const argv = withSudo(plan.argv);
    attempt.sudo = classify(await host.exec(argv, { signal }), true);
    if (attempt.sudo.kind === 'ok') return { text: attempt.sudo.text, argv };
  }
  throw unreadableError(distribution, tried, ctx);
}

/** The one message for every way reading can fail; exported for its unit test. */
export function unreadableError(distribution: Distribution, tried: Array<{ plan: ReadPlan; direct: Outcome; sudo?: Outcome }>, ctx: ReadContext): ApiError {
  const what = tried.map((t) => `\`${t.plan.argv.join(' ')}\``).join(' and ');
  if (tried.every((t) => t.direct.kind === 'missing')) {
    return new ApiError('NOT_FOUND', `${ctx.label} has no ${distribution} admin kubeconfig that ${ctx.user} can see (tried ${what}: ${tried.map((t) => (t.direct as { detail: string }).detail).join('; ')}). Check that ${distribution} is installed and running there.`);
  }
  const sudo = tried.map((t) => t.sudo).filter((o): o is Outcome => o !== undefined);
  const fix = fixFor(distribution, ctx.user);
  if (sudo.some((o) => o.kind === 'sudo-password')) {
    return new ApiError('AUTH_FAILED', `${ctx.user} may not read ${distribution}'s admin kubeconfig on ${ctx.label}, and sudo there asks ${ctx.user} for a password, which Berth never types for you (it runs \`sudo -n\`). ${fix}`);
  }
  if (sudo.some((o) => o.kind === 'sudo-refused')) {
    return new ApiError('AUTH_FAILED', `${ctx.user} may not read ${distribution}'s admin kubeconfig on ${ctx.label}, and sudo refuses ${ctx.user} (${sudo.filter((o) => o.kind === 'sudo-refused').map((o) => (o as { detail: string }).detail).join('; ')}). ${fix}`);
  }
  if (sudo.some((o) => o.kind === 'sudo-missing')) {
    return new ApiError('AUTH_FAILED', `${ctx.user} may not read ${distribution}'s admin kubeconfig on ${ctx.label}, and sudo is not installed there. ${fix.replace(/, or give .*$/, '.')}`);
  }
  const details = tried.map((t) => `${t.plan.argv.join(' ')}: ${'detail' in t.direct ? t.direct.detail : t.direct.kind}${t.sudo && 'detail' in t.sudo ? `; with sudo: ${t.sudo.detail}` : ''}`);
  return new ApiError('UNAVAILABLE', `Berth could not read ${distribution}'s admin kubeconfig on ${ctx.label} (${details.join('; ')}). ${fix}`);
}

/** What the user can change on the server, per distribution; each choice is a single command or config line. */
export function fixFor(distribution: Distribution, user: string): string {
  switch (distribution) {
    case 'k3s':
      return `Run \`sudo chmod 644 /etc/rancher/k3s/k3s.yaml\` there (every local user can then read the cluster's admin credentials; k3s resets the mode when it restarts), or set \`write-kubeconfig-mode: "0644"\` in /etc/rancher/k3s/config.yaml and restart k3s, or give ${user} passwordless sudo for that file: \`${user} ALL=(root) NOPASSWD: /usr/bin/cat /etc/rancher/k3s/k3s.yaml\` in /etc/sudoers.d/berth (edit with visudo).`;
    case 'k0s':
      return `Give ${user} passwordless sudo for the admin kubeconfig: \`${user} ALL=(root) NOPASSWD: /usr/bin/cat /var/lib/k0s/pki/admin.conf\` in /etc/sudoers.d/berth (edit with visudo), or connect as a user that may read it.`;
    case 'microk8s':
      return `Add ${user} to the microk8s group (\`sudo usermod -a -G microk8s ${user}\`, then reconnect), or give ${user} passwordless sudo for it: \`${user} ALL=(root) NOPASSWD: /snap/bin/microk8s config\` in /etc/sudoers.d/berth (edit with visudo).`;
  }
}
