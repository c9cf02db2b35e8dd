import fs from 'node:fs/promises';
import ssh2, { type AnyAuthMethod, type AuthHandlerMiddleware, type AuthenticationType, type KeyboardInteractiveCallback, type Prompt } from 'ssh2';
import { ApiError } from '../../shared/api/errors.js';
import type { ServerAuth } from '../../shared/model/server.js';
import { resolveAgentSocket } from './agent-socket.js';
import { expandHome } from '../storage/paths.js';

// ssh2 is CommonJS; Node's ESM loader exposes it only as a default export.
const { utils } = ssh2;

/** Passwords and passphrases: remembered, kept for this run, or asked for. */
export interface Credentials {
  get(kind: 'password' | 'passphrase', label: string): Promise<string>;
  /** The answer was wrong: forget it so the next attempt asks again. */
  forget(kind: 'password' | 'passphrase'): Promise<void>;
}

export interface AuthTrace {
  tried: string[];
  serverMethods: string[];
}

const MAX_PASSPHRASE_ATTEMPTS = 3;

async function readKey(keyPath: string): Promise<Buffer> {
  try {
    return await fs.readFile(expandHome(keyPath));
  } catch (err) {
    throw new ApiError('AUTH_FAILED', `Cannot read the private key ${keyPath} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Check the path in the server's settings.`);
  }
}

/** Decrypts (asking for the passphrase when needed) only to learn it is right; ssh2 signs with it later. */
async function unlockKey(keyPath: string, credentials: Credentials): Promise<{ key: Buffer; passphrase?: string }> {
  const key = await readKey(keyPath);
  const plain = utils.parseKey(key);
  if (!(plain instanceof Error)) return { key };
  if (!/encrypted|passphrase/i.test(plain.message)) {
    throw new ApiError('AUTH_FAILED', `${keyPath} is not a private key ssh2 can read (${plain.message}). Point the server at the private key file, not the .pub.`);
  }
  for (let attempt = 1; attempt <= MAX_PASSPHRASE_ATTEMPTS; attempt++) {
    const passphrase = await credentials.get('passphrase', `Passphrase for ${keyPath}`);
    if (!(utils.parseKey(key, passphrase) instanceof Error)) return { key, passphrase };
    await credentials.forget('passphrase');
  }
  throw new ApiError('AUTH_FAILED', `The passphrase for ${keyPath} was wrong ${MAX_PASSPHRASE_ATTEMPTS} times. Check it with ssh-keygen -y -f ${keyPath}.`);
}

function passwordPrompts(password: string) {
  return (_name: string, _instructions: string, _lang: string, prompts: Prompt[], finish: KeyboardInteractiveCallback) => finish(prompts.map(() => password));
}

/**
 * One auth attempt for the server's configured method, run lazily: ssh2 calls
 * this only after the host key was accepted, so no prompt or credential comes
 * before that.
 */
export function createAuthHandler(options: {
  username: string;
  auth: ServerAuth;
  credentials: Credentials;
  trace: AuthTrace;
  onError: (err: ApiError) => void;
}): AuthHandlerMiddleware {
  const { username, auth, credentials, trace, onError } = options;
  let attempts = 0;
  let password: string | undefined;
  const next = async (methodsLeft: AuthenticationType[] | null): Promise<AnyAuthMethod | false> => {
    if (methodsLeft) trace.serverMethods = [...methodsLeft];
    attempts++;
    if (attempts > 1) {
      // Servers that only take keyboard-interactive (PAM) still get the same password once.
      if (password !== undefined && attempts === 2 && methodsLeft?.includes('keyboard-interactive') && !trace.tried.includes('keyboard-interactive (password)')) {
        trace.tried.push('keyboard-interactive (password)');
        return { type: 'keyboard-interactive', username, prompt: passwordPrompts(password) };
      }
      if (password !== undefined) await credentials.forget('password');
      return false;
    }
    switch (auth.method) {
      case 'key': {
        const { key, passphrase } = await unlockKey(auth.keyPath, credentials);
        trace.tried.push(`publickey (key ${auth.keyPath})`);
        return { type: 'publickey', username, key, passphrase };
      }
      case 'agent': {
        const agent = resolveAgentSocket(auth.socket);
        if (!agent) throw new ApiError('AUTH_FAILED', 'No ssh-agent was found: SSH_AUTH_SOCK is not set. Start ssh-agent and ssh-add your key, or switch this server to a key file.');
        trace.tried.push(`publickey (ssh-agent at ${agent})`);
        return { type: 'agent', username, agent };
      }
      case 'password': {
        password = await credentials.get('password', `Password for ${username}`);
        trace.tried.push('password');
        return { type: 'password', username, password };
      }
    }
  };
  return (methodsLeft, _partial, callback) => {
    // ssh2 takes `false` for "no more methods", which its typings omit.
    const done = callback as (auth: AnyAuthMethod | false) => void;
    next(methodsLeft).then(done, (err: unknown) => {
      onError(ApiError.from(err));
      done(false);
    });
  };
}
