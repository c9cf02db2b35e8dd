import net from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2, { type Client } from 'ssh2';
import { ApiError } from '../../shared/api/errors.js';
import type { SshServer } from '../../shared/model/server.js';
import type { Prompter } from '../prompts/prompt-broker.js';
import { createAuthHandler, type AuthTrace, type Credentials } from './auth.js';
import { PausableDeadline } from './deadline.js';
import { loadKnownHosts, preferredHostKeyAlgorithms, verifyHostKey, type KnownHostsFiles } from './host-key-check.js';
import { mapSshError, type ErrorContext } from './ssh-errors.js';

export interface HopDeps {
  knownHosts: KnownHostsFiles;
  prompter: Prompter;
  credentials: (serverId: string) => Credentials;
  /** Network time allowed for TCP connect, handshake and auth; prompts do not count. */
  connectTimeoutMs: number;
}

export function serverLabel(server: Pick<SshServer, 'user' | 'host' | 'port'>): string {
  return `${server.user}@${server.host}:${server.port}`;
}

const KEEPALIVE = { keepaliveInterval: 15_000, keepaliveCountMax: 3 };

function tcpConnect(host: string, port: number, deadline: { onTimeout: (cb: () => void) => void }): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    deadline.onTimeout(() => socket.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })));
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/**
 * Opens one authenticated SSH connection to `server`, directly or over `sock`
 * (a channel forwarded by the previous hop). The host key is checked against
 * this server's own host:port before any authentication starts.
 */
export async function connectHop(server: SshServer, deps: HopDeps, sock?: Duplex): Promise<Client> {
  const ctx: ErrorContext = { label: serverLabel(server), host: server.host, port: server.port, triedAuth: [], serverAuthMethods: [], remoteOffers: new Map() };
  const trace: AuthTrace = { tried: ctx.triedAuth, serverMethods: ctx.serverAuthMethods };
  let failure: ApiError | undefined;
  let onTimeout: (() => void) | undefined;
  const deadline = new PausableDeadline(deps.connectTimeoutMs, () => {
    failure ??= mapSshError(Object.assign(new Error('timed out'), { level: 'client-timeout' }), ctx);
    onTimeout?.();
  });
  const pausing = <T>(work: () => Promise<T>) => deadline.whilePaused(work);
  const prompter: Prompter = { ask: (request) => pausing(() => deps.prompter.ask(request)) };
  const baseCredentials = deps.credentials(server.id);
  const credentials: Credentials = {
    get: (kind, label) => pausing(() => baseCredentials.get(kind, label)),
    forget: (kind) => baseCredentials.forget(kind),
  };

  // Whatever fails from here on (including ssh2 throwing inside connect), the TCP connection
  // or forwarded channel is closed: a leaked socket keeps a CLI waiting forever and the web host
  // one descriptor poorer per attempt.
  let transport: Duplex | undefined;
  let client: Client | undefined;
  try {
    const entries = await loadKnownHosts(deps.knownHosts);
    const preferred = preferredHostKeyAlgorithms(entries, { serverId: server.id, host: server.host, port: server.port });
    transport = sock ?? (await tcpConnect(server.host, server.port, { onTimeout: (cb) => (onTimeout = cb) }));
    if (failure) throw failure;

    const connection = (client = new ssh2.Client());
    const socket = transport;
    const fail = (err: unknown) => {
      failure ??= mapSshError(err, ctx);
      connection.end();
      socket.destroy();
    };
    let rejectConnect: (err: unknown) => void = () => undefined;
    // Every failure path ends in 'close'; reject there with the first cause recorded.
    const closedEarly = () => {
      fail(new Error('closed by the server during connect'));
      rejectConnect(failure);
    };
    await new Promise<void>((resolve, reject) => {
      rejectConnect = reject;
      onTimeout = () => fail(failure);
      connection.once('ready', () => resolve());
      connection.on('error', fail);
      connection.once('close', closedEarly);
      connection.connect({
        sock: socket,
        username: server.user,
        readyTimeout: 0,
        ...KEEPALIVE,
        algorithms: preferred.length ? { serverHostKey: { remove: preferred, prepend: preferred } as never } : undefined,
        debug: (line: string) => {
          const offer = /^Handshake: \(remote\) (.+?): (.*)$/.exec(line);
          if (offer) ctx.remoteOffers.set(offer[1]!, offer[2]!);
        },
        // Callback form on purpose: ssh2 treats a returned Promise as "accept".
        hostVerifier: (key: Buffer, verify: (valid: boolean) => void): void => {
          verifyHostKey(deps.knownHosts, prompter, { serverId: server.id, host: server.host, port: server.port }, key).then(
            () => verify(true),
            (err: unknown) => {
              failure ??= ApiError.from(err);
              verify(false);
            },
          );
        },
        authHandler: createAuthHandler({ username: server.user, auth: server.auth, credentials, trace, onError: (err) => (failure ??= err) }),
      });
    });
    connection.removeListener('error', fail);
    connection.removeListener('close', closedEarly);
    connection.on('error', () => {
      // After connect, errors surface as a closed connection to every channel.
    });
    connection.setNoDelay(true);
    return connection;
  } catch (err) {
    client?.end();
    transport?.destroy();
    throw failure ?? mapSshError(err, ctx);
  } finally {
    deadline.clear();
  }
}
