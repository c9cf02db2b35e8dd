import { ServerInput, type Server, type SshServer } from '../../../../shared/model/server';
import { issueMessage } from '../../../../shared/api/issue-messages';

export type AuthMethod = 'key' | 'agent' | 'password';

/** What the form holds: strings as typed, so nothing the user entered is lost on a failed save. */
export interface ServerForm {
  name: string;
  host: string;
  port: string;
  user: string;
  auth: AuthMethod;
  keyPath: string;
  agentSocket: string;
}

export type FormField = keyof ServerForm;
export type FormErrors = Partial<Record<FormField, string>>;

export const emptyForm: ServerForm = { name: '', host: '', port: '22', user: '', auth: 'key', keyPath: '~/.ssh/id_ed25519', agentSocket: '' };

export function formFromServer(server: SshServer): ServerForm {
  return {
    name: server.name,
    host: server.host,
    port: String(server.port),
    user: server.user,
    auth: server.auth.method,
    keyPath: server.auth.method === 'key' ? server.auth.keyPath : emptyForm.keyPath,
    agentSocket: server.auth.method === 'agent' ? (server.auth.socket ?? '') : '',
  };
}

function authOf(form: ServerForm): ServerInput['auth'] {
  switch (form.auth) {
    case 'key':
      return { method: 'key', keyPath: form.keyPath.trim() };
    case 'agent':
      return form.agentSocket.trim() ? { method: 'agent', socket: form.agentSocket.trim() } : { method: 'agent' };
    case 'password':
      return { method: 'password' };
  }
}

/** The form field a schema path (name, auth.keyPath…) or a field the core refused belongs to. */
export const fieldOfPath = (path: readonly PropertyKey[]): FormField => {
  if (path[0] === 'auth') return path[1] === 'socket' ? 'agentSocket' : 'keyPath';
  return (['name', 'host', 'port', 'user'] as const).find((f) => f === path[0]) ?? 'name';
};

/** How the form labels each field, for the sentences of issue-messages.ts. */
const LABELS: Record<FormField, string> = { name: 'name', host: 'host', port: 'port', user: 'user', auth: 'sign-in method', keyPath: 'private key file', agentSocket: 'agent socket' };

/** Checks the form with the same schema the core uses, and maps problems to the fields they belong to. */
export function validateForm(form: ServerForm, keep?: Pick<Server, 'id'> & { proxyJump?: string[] }): { input?: ServerInput; errors: FormErrors } {
  const port = form.port.trim() === '' ? Number.NaN : Number(form.port);
  const candidate = {
    name: form.name.trim(),
    host: form.host.trim(),
    port,
    user: form.user.trim(),
    auth: authOf(form),
    ...(keep?.proxyJump ? { proxyJump: keep.proxyJump } : {}),
  };
  const parsed = ServerInput.safeParse(candidate);
  if (parsed.success) return { input: parsed.data, errors: {} };
  const errors: FormErrors = {};
  for (const issue of parsed.error.issues) {
    const field = fieldOfPath(issue.path);
    errors[field] ??= field === 'port' ? 'Enter a port from 1 to 65535 (usually 22).' : issueMessage(issue, LABELS[field]);
  }
  return { errors };
}
