import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';
import { ApiError } from '../../shared/api/errors.js';
import type { SecretCipher } from './secret-store.js';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

/**
 * scrypt cost: about 100 ms and 32 MiB once per run. Stored in each file, so
 * it can be raised later without breaking older files.
 */
const COST = { N: 1 << 15, r: 8, p: 1 };
const MAX_MEMORY = 256 * 1024 * 1024;

const Envelope = z.object({
  v: z.literal(1),
  kdf: z.literal('scrypt'),
  N: z.number().int().positive(),
  r: z.number().int().positive(),
  p: z.number().int().positive(),
  salt: z.base64(),
  iv: z.base64(),
  tag: z.base64(),
  data: z.base64(),
});

/**
 * A SecretCipher keyed by a passphrase the user chose (scrypt, then
 * AES-256-GCM), for the web host and CLI, which have no OS keychain in common.
 * One salt per file; a fresh IV per write; the GCM tag makes a wrong
 * passphrase and a tampered file fail the same, loud way.
 */
export class PassphraseCipher implements SecretCipher {
  private keyed?: { salt: Buffer; cost: typeof COST; key: Buffer };

  constructor(
    private readonly passphrase: string,
    /** Named in errors, so the user knows which file the passphrase did not open. */
    private readonly fileLabel: string,
  ) {}

  async encrypt(plain: string): Promise<Buffer> {
    const { salt, cost, key } = this.keyed ?? (await this.derive(randomBytes(16), COST));
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const envelope: z.infer<typeof Envelope> = { v: 1, kdf: 'scrypt', ...cost, salt: salt.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
    return Buffer.from(JSON.stringify(envelope));
  }

  async decrypt(blob: Buffer): Promise<string> {
    let envelope: z.infer<typeof Envelope>;
    try {
      envelope = Envelope.parse(JSON.parse(blob.toString('utf8')));
    } catch {
      throw new ApiError('SECRET_STORAGE_UNAVAILABLE', `${this.fileLabel} is not a Berth secrets file. Move it away to start a new one (the secrets in it are then lost).`);
    }
    const salt = Buffer.from(envelope.salt, 'base64');
    const { key } = await this.derive(salt, { N: envelope.N, r: envelope.r, p: envelope.p });
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'base64'));
      decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      this.keyed = undefined;
      throw new ApiError(
        'SECRET_STORAGE_UNAVAILABLE',
        `BERTH_SECRETS_PASSPHRASE does not open ${this.fileLabel} (or the file was changed). Set the passphrase you chose when it was created, or move the file away to start a new store (the secrets in it are then lost).`,
      );
    }
  }

  /** One derivation per run: later reads and writes of the same file reuse the key. */
  private async derive(salt: Buffer, cost: typeof COST) {
    const { keyed } = this;
    if (keyed?.salt.equals(salt) && keyed.cost.N === cost.N && keyed.cost.r === cost.r && keyed.cost.p === cost.p) return keyed;
    const key = await scryptAsync(this.passphrase, salt, 32, { ...cost, maxmem: MAX_MEMORY });
    this.keyed = { salt, cost, key };
    return this.keyed;
  }
}
