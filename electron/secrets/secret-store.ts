import fs from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../../shared/api/errors.js';
import { readFileIfExists, writeFileAtomic } from '../storage/atomic-file.js';
import { corruptFile } from '../storage/corrupt-file.js';
import { withFileLock } from '../storage/file-lock.js';
import { cleanTempFilesOnce } from '../storage/temp-files.js';

const LOSS = 'the secrets in it are then lost';

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

/**
 * Secrets in one encrypted file. Every change re-reads the file under its
 * cross-process lock, so processes sharing the data directory keep each
 * other's secrets; reads use the last decrypted copy while the file is
 * unchanged. A file that cannot be read is refused with its name, never
 * taken for an empty store, and never written over.
 */
export class EncryptedFileSecretStore implements SecretStore {
  readonly persistent = true;
  private cache?: { stamp: string; map: ReadonlyMap<string, string> };
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
    await this.change((map) => {
      map.set(key, value);
      return true;
    });
  }
  async delete(key: string) {
    await this.change((map) => map.delete(key));
  }
  async keys() {
    return [...(await this.load()).keys()];
  }

  /** Read-modify-write under the lock; `edit` returns whether anything changed. */
  private async change(edit: (map: Map<string, string>) => boolean): Promise<void> {
    await withFileLock(this.file, async () => {
      const map = new Map(await this.load());
      if (!edit(map)) return;
      const blob = await this.cipher.encrypt(JSON.stringify(Object.fromEntries(map)));
      await writeFileAtomic(this.file, blob.toString('base64'));
      this.cache = undefined;
    });
  }

  private async load(): Promise<ReadonlyMap<string, string>> {
    await cleanTempFilesOnce(path.dirname(this.file));
    const stat = await fs.stat(this.file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    // A write renames a new file into place, so a new inode (or size or mtime) means someone changed it.
    const stamp = stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}` : 'none';
    if (this.cache?.stamp === stamp) return this.cache.map;
    const text = await readFileIfExists(this.file);
    const map = text === undefined ? new Map<string, string>() : await this.decode(text);
    this.cache = { stamp, map };
    return map;
  }

  private async decode(text: string): Promise<Map<string, string>> {
    if (!text.trim()) throw corruptFile(this.file, 'is empty, so the secrets it should hold cannot be read', LOSS);
    let plain: string;
    try {
      plain = await this.cipher.decrypt(Buffer.from(text.trim(), 'base64'));
    } catch (err) {
      // The passphrase cipher says precisely what is wrong; name the file for any other.
      if (err instanceof ApiError) throw err;
      throw corruptFile(this.file, `could not be decrypted (${err instanceof Error ? err.message : String(err)})`, LOSS);
    }
    let values: unknown;
    try {
      values = JSON.parse(plain);
    } catch {
      values = undefined;
    }
    if (values === null || typeof values !== 'object' || Array.isArray(values) || Object.values(values).some((v) => typeof v !== 'string')) {
      throw corruptFile(this.file, 'decrypts to something that is not a set of secrets', LOSS);
    }
    return new Map(Object.entries(values as Record<string, string>));
  }
}
