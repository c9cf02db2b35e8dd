import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PromptRequest } from '../prompts/prompt-broker.js';
import { EncryptedFileSecretStore, MemorySecretStore, type SecretCipher } from '../secrets/secret-store.js';
import { CredentialVault } from './credential-vault.js';

// Stands in for Electron's safeStorage, which exists only inside Electron.
const xorCipher: SecretCipher = {
  encrypt: (plain) => Buffer.from(Buffer.from(plain).map((b) => b ^ 0x5a)),
  decrypt: (data) => Buffer.from(data.map((b) => b ^ 0x5a)).toString(),
};

describe('CredentialVault', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-vault-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const prompter = (answer: { remember: boolean }) => {
    const asked: PromptRequest[] = [];
    return { asked, ask: async (request: PromptRequest) => (asked.push(request), { accept: true, secret: 's3cret', ...answer }) };
  };

  it('stores a remembered password in a persistent store, never in plain text', async () => {
    const first = prompter({ remember: true });
    const vault = new CredentialVault(new EncryptedFileSecretStore(dir, xorCipher), first);
    expect(await vault.for('web').get('password', 'Password for deploy')).toBe('s3cret');
    expect(first.asked).toEqual([{ kind: 'password', serverId: 'web', label: 'Password for deploy', canRemember: true }]);
    expect(await fs.readFile(path.join(dir, 'secrets.bin'), 'utf8')).not.toContain('s3cret');

    const nextRun = prompter({ remember: true });
    const again = new CredentialVault(new EncryptedFileSecretStore(dir, xorCipher), nextRun);
    expect(await again.for('web').get('password', 'Password for deploy')).toBe('s3cret');
    expect(nextRun.asked).toEqual([]);
    await again.for('web').forget('password');
    await new CredentialVault(new EncryptedFileSecretStore(dir, xorCipher), nextRun).for('web').get('password', 'Password for deploy');
    expect(nextRun.asked).toHaveLength(1);
  });

  it('keeps an unremembered answer in memory for this run only', async () => {
    const store = new EncryptedFileSecretStore(dir, xorCipher);
    const p = prompter({ remember: false });
    const vault = new CredentialVault(store, p);
    await vault.for('web').get('passphrase', 'Passphrase for key');
    await vault.for('web').get('passphrase', 'Passphrase for key');
    expect(p.asked).toHaveLength(1);
    expect(await store.keys()).toEqual([]);
  });

  it('does not persist with a memory-only store even when asked to remember', async () => {
    const store = new MemorySecretStore();
    const p = prompter({ remember: true });
    await new CredentialVault(store, p).for('web').get('password', 'pw');
    expect(p.asked[0]).toMatchObject({ canRemember: false });
    expect(await store.keys()).toEqual([]);
  });
});
