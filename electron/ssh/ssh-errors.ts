import { ApiError } from '../../shared/api/errors.js';

/**
 * Turns what net and ssh2 throw into ApiErrors whose message says what went
 * wrong and what to check next.
 */

export interface ErrorContext {
  /** user@host:port */
  label: string;
  host: string;
  port: number;
  /** Auth methods tried, e.g. "publickey (key ~/.ssh/id_ed25519)". */
  triedAuth: string[];
  /** Server methods that remain, from the last USERAUTH_FAILURE. */
  serverAuthMethods: string[];
  /** "(remote) <category>: <list>" lines from ssh2's handshake debug output. */
  remoteOffers: Map<string, string>;
}

const ALGORITHM_CATEGORIES: Array<[RegExp, string]> = [
  [/key exchange/i, 'KEX method'],
  [/host key/i, 'Host key format'],
  [/C->S cipher/i, 'C->S cipher'],
  [/S->C cipher/i, 'S->C cipher'],
  [/C->S MAC/i, 'C->S MAC'],
  [/S->C MAC/i, 'S->C MAC'],
  [/C->S compression/i, 'C->S compression'],
  [/S->C compression/i, 'S->C compression'],
];

export function mapSshError(err: unknown, ctx: ErrorContext): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as Error & { code?: string | number; level?: string };
  const message = e?.message ?? String(err);
  const code = typeof e?.code === 'string' ? e.code : undefined;

  if (code === 'ECONNREFUSED') {
    return new ApiError('CONNECT_REFUSED', `${ctx.host} refused the connection on port ${ctx.port}. Check that sshd is running there and listening on that port, and that no firewall rejects it.`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return new ApiError('HOST_UNREACHABLE', `The host name ${ctx.host} could not be resolved. Check the spelling and your DNS or VPN.`);
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EHOSTDOWN') {
    return new ApiError('HOST_UNREACHABLE', `${ctx.host} is not reachable from this computer (${code}). Check your network, VPN, and the address.`);
  }
  if (code === 'ETIMEDOUT' || e?.level === 'client-timeout') {
    return new ApiError('CONNECT_TIMEOUT', `Connecting to ${ctx.label} timed out. Check that the host is up and that port ${ctx.port} is open in its firewall.`);
  }
  if (e?.level === 'client-authentication') {
    const tried = ctx.triedAuth.length ? ctx.triedAuth.join(', ') : 'none';
    const allowed = ctx.serverAuthMethods.length ? ` The server accepts: ${ctx.serverAuthMethods.join(', ')}.` : '';
    return new ApiError('AUTH_FAILED', `Authentication failed for ${ctx.label}. Tried: ${tried}.${allowed} Check the user name, that the public key is in ~/.ssh/authorized_keys of that user on the server (or the password), and the server's auth.log.`);
  }
  if (e?.level === 'handshake' && /no matching/i.test(message)) {
    const category = ALGORITHM_CATEGORIES.find(([re]) => re.test(message))?.[1];
    const offered = category ? ctx.remoteOffers.get(category) : undefined;
    return new ApiError(
      'ALGORITHM_MISMATCH',
      `${ctx.label} and Berth share no ${category ?? 'algorithm'} (${message}). The server offered: ${offered ?? 'unknown'}. Enable a modern algorithm on the server (sshd_config) or update its OpenSSH.`,
    );
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /No response from server|Not connected|closed/i.test(message)) {
    return new ApiError('CONNECTION_LOST', `The connection to ${ctx.label} was lost (${message}). Check the network and that the server is up, then try again.`);
  }
  return new ApiError('INTERNAL', `SSH to ${ctx.label} failed: ${message}`);
}

export function connectionLost(label: string): ApiError {
  return new ApiError('CONNECTION_LOST', `The connection to ${label} was lost before the command finished; its outcome on the server is unknown. Check the network and that the server is up, then try again.`);
}
