import path from 'node:path';
import { PassphraseCipher } from './passphrase-cipher.js';
import { EncryptedFileSecretStore, MemorySecretStore, type SecretStore } from './secret-store.js';

/** Setting it is the web host's and CLI's opt-in to keeping secrets on disk, encrypted with it. */
export const SECRETS_PASSPHRASE_ENV = 'BERTH_SECRETS_PASSPHRASE';
/** Apart from Electron's safeStorage file: the app and the web host may share a data directory. */
export const PASSPHRASE_SECRETS_FILE = 'secrets.passphrase.bin';

/**
 * The secret store of the hosts without Electron's safeStorage: memory only,
 * unless the user opts in by setting BERTH_SECRETS_PASSPHRASE.
 */
export function nodeSecretStore(dataDir: string, env: NodeJS.ProcessEnv = process.env): SecretStore {
  const passphrase = env[SECRETS_PASSPHRASE_ENV];
  if (!passphrase) return new MemorySecretStore();
  return new EncryptedFileSecretStore(dataDir, new PassphraseCipher(passphrase, path.join(dataDir, PASSPHRASE_SECRETS_FILE)), PASSPHRASE_SECRETS_FILE);
}
