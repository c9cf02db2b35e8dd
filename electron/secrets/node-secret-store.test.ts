import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeSecretStore, PASSPHRASE_SECRETS_FILE, SECRETS_PASSPHRASE_ENV } from './node-secret-store.js';

describe('nodeSecretStore (web host and CLI)', () => {
  let dir: string;
  const file = () => path.join(dir, PASSPHRASE_SECRETS_FILE);
  const opened = (passphrase?: string) => nodeSecretStore(dir, passphrase === undefined ? {} : { [SECRETS_PASSPHRASE_ENV]: passphrase });

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-secrets-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('keeps secrets in memory only unless the user opts in', async () => {
    const store = opened();
    expect(store.persistent).toBe(false);
    expect(store.reason).toContain(SECRETS_PASSPHRASE_ENV);
    await store.set('server:a:password', 'hunter2');
    await expect(fs.readdir(dir)).resolves.toEqual([]);
  });

  it('with a passphrase, keeps them encrypted across runs, in a file only the user can read', async () => {
    const first = opened('correct horse');
    expect(first.persistent).toBe(true);
    await first.set('server:a:password', 'hunter2');
    await first.set('app:shop:secret:DB', 'päss ✓');

    const raw = await fs.readFile(file(), 'utf8');
    for (const plain of ['hunter2', 'correct horse', 'server:a', 'päss']) expect(raw).not.toContain(plain);
    expect(Buffer.from(raw, 'base64').toString('utf8')).not.toContain('hunter2');
    expect((await fs.stat(file())).mode & 0o777).toBe(0o600);

    const next = opened('correct horse');
    expect(await next.get('server:a:password')).toBe('hunter2');
    expect(await next.get('app:shop:secret:DB')).toBe('päss ✓');
    await next.delete('server:a:password');
    expect(await opened('correct horse').keys()).toEqual(['app:shop:secret:DB']);
  });

  it('writes a fresh ciphertext each time, even for the same secrets', async () => {
    const store = opened('pw');
    await store.set('k', 'v');
    const before = await fs.readFile(file(), 'utf8');
    await store.set('k', 'v');
    expect(await fs.readFile(file(), 'utf8')).not.toBe(before);
  });

  it('refuses a wrong passphrase with what to do, and leaves the file alone', async () => {
    await opened('right').set('k', 'v');
    const before = await fs.readFile(file(), 'utf8');
    const wrong = opened('wrong');
    await expect(wrong.get('k')).rejects.toMatchObject({ code: 'SECRET_STORAGE_UNAVAILABLE', message: expect.stringContaining(`${SECRETS_PASSPHRASE_ENV} does not open ${file()}`) });
    await expect(wrong.set('k2', 'v2')).rejects.toMatchObject({ code: 'SECRET_STORAGE_UNAVAILABLE' });
    expect(await fs.readFile(file(), 'utf8')).toBe(before);
  });

  it('detects a changed file instead of returning altered secrets', async () => {
    await opened('pw').set('k', 'v');
    const envelope = JSON.parse(Buffer.from(await fs.readFile(file(), 'utf8'), 'base64').toString('utf8')) as { data: string };
    const data = Buffer.from(envelope.data, 'base64');
    data[0]! ^= 1;
    envelope.data = data.toString('base64');
    await fs.writeFile(file(), Buffer.from(JSON.stringify(envelope)).toString('base64'));
    await expect(opened('pw').get('k')).rejects.toMatchObject({ code: 'SECRET_STORAGE_UNAVAILABLE', message: expect.stringContaining('or the file was changed') });
  });

  it('names a file that is not a secrets file', async () => {
    await fs.writeFile(file(), 'bm90IGpzb24=');
    await expect(opened('pw').keys()).rejects.toMatchObject({ message: expect.stringContaining(`${file()} is not a Berth secrets file`) });
  });
});
