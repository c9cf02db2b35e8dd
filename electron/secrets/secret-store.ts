import path from 'node:path';
import { readFileIfExists, writeFileAtomic } from '../storage/atomic-file.js';

/**
 * Passwords, passphrases and app secrets. Values are never written in plain
 * text: either an OS-backed cipher encrypts them (Electron's safeStorage) or
 * they live only in memory for this run.
 */
export interface SecretStore {
  readonly persistent: boolean;
  /** Why secrets are not persisted, phrased for the user. */
  readonly reason?: string;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  keys(): Promise<string[]>;
}

export class MemorySecretStore implements SecretStore {
  readonly persistent = false;
  private readonly values = new Map<string, string>();
  constructor(readonly reason = 'In web and CLI mode, passwords and passphrases are kept in memory only and asked for again next time. Set BERTH_SECRETS_PASSPHRASE to keep them encrypted on disk.') {}
  async get(key: string) {
    return this.values.get(key);
  }
  async set(key: string, value: string) {
    this.values.set(key, value);
  }
  async delete(key: string) {
    this.values.delete(key);
  }
  async keys() {
    return [...this.values.keys()];
  }
}

/** Encrypts with a cipher the host provides: safeStorage in Electron, a passphrase the user chose elsewhere. */
export interface SecretCipher {
  encrypt(plain: string): Buffer | Promise<Buffer>;
  decrypt(data: Buffer): string | Promise<string>;
}

export class EncryptedFileSecretStore implements SecretStore {
  readonly persistent = true;
  private cache?: Map<string, string>;
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly cipher: SecretCipher,
    /** Each cipher has its own file: the app and the web host may share a data directory. */
    fileName = 'secrets.bin',
  ) {
    this.file = path.join(dataDir, fileName);
  }

  async get(key: string) {
    return (await this.load()).get(key);
  }
  async set(key: string, value: string) {
    const map = await this.load();
    map.set(key, value);
    await this.save(map);
  }
  async delete(key: string) {
    const map = await this.load();
    if (map.delete(key)) await this.save(map);
  }
  async keys() {
    return [...(await this.load()).keys()];
  }

  private async load(): Promise<Map<string, string>> {
    if (this.cache) return this.cache;
    const text = await readFileIfExists(this.file);
    const map = new Map<string, string>();
    if (text) {
      const plain = await this.cipher.decrypt(Buffer.from(text.trim(), 'base64'));
      for (const [k, v] of Object.entries(JSON.parse(plain) as Record<string, string>)) map.set(k, v);
    }
    this.cache = map;
    return map;
  }

  private async save(map: Map<string, string>) {
    const blob = await this.cipher.encrypt(JSON.stringify(Object.fromEntries(map)));
    await writeFileAtomic(this.file, blob.toString('base64'));
  }
}
