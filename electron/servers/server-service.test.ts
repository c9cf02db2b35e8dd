import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../api/event-bus.js';
import { MemorySecretStore } from '../secrets/secret-store.js';
import { ServerService } from './server-service.js';

const input = (name: string, extra: Record<string, unknown> = {}) => ({ name, host: 'example.com', port: 22, user: 'deploy', auth: { method: 'agent' as const }, proxyJump: [], ...extra });

describe('ServerService storage', () => {
  let dir: string;
  let service: ServerService;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-servers-'));
    service = new ServerService({ dataDir: dir, secrets: new MemorySecretStore(), prompter: { ask: async () => ({ accept: false }) }, events: new EventBus(), sshDir: dir });
  });
  afterEach(async () => {
    await service.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('always lists this computer first, even on first start', async () => {
    expect(await service.list()).toEqual([{ kind: 'local', id: 'local', name: 'This computer' }]);
    await expect(service.remove('local')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('adds with ids derived from names, edits and removes, in servers.json schema 1', async () => {
    const a = await service.add(input('My Web Box'));
    const b = await service.add(input('my web box!'));
    expect([a.id, b.id]).toEqual(['my-web-box', 'my-web-box-2']);
    await expect(service.add(input('x', { id: 'my-web-box' }))).rejects.toMatchObject({ code: 'CONFLICT' });

    const key = path.join(dir, 'id_test');
    await fs.writeFile(key, 'key');
    const edited = await service.update(a.id, input('My Web Box', { port: 2222, auth: { method: 'key', keyPath: key } }));
    expect(edited).toMatchObject({ id: 'my-web-box', port: 2222, auth: { method: 'key', keyPath: key } });

    const file = JSON.parse(await fs.readFile(path.join(dir, 'servers.json'), 'utf8'));
    expect(file.schemaVersion).toBe(1);
    expect(file.data.servers.map((s: { id: string }) => s.id)).toEqual(['my-web-box', 'my-web-box-2']);

    await service.remove(b.id);
    expect((await service.list()).map((s) => s.id)).toEqual(['local', 'my-web-box']);
  });

  it('validates hosts and jump hosts', async () => {
    await expect(service.add(input('bad', { host: 'a;rm -rf /' }))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(service.add(input('hop', { proxyJump: ['missing'] }))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const bastion = await service.add(input('bastion'));
    const inner = await service.add(input('inner', { proxyJump: [bastion.id] }));
    expect(inner.proxyJump).toEqual(['bastion']);
    await expect(service.remove(bastion.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses a name another server has (any case) and the built-in "This computer", naming the one that exists', async () => {
    const vps = await service.add(input('vps-1'));
    await expect(service.add(input('VPS-1 '))).rejects.toMatchObject({ code: 'CONFLICT', field: 'name', message: expect.stringContaining('A server named "vps-1" already exists (deploy@example.com)') });
    await expect(service.add(input('this computer'))).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('"This computer" is the built-in name') });
    await expect(service.update(vps.id, input('This computer'))).rejects.toMatchObject({ code: 'CONFLICT' });
    const other = await service.add(input('vps-2'));
    await expect(service.update(other.id, input('Vps-1'))).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('"vps-1"') });
    // Keeping its own name (or changing only its case) is no conflict.
    await expect(service.update(vps.id, input('VPS-1', { port: 2200 }))).resolves.toMatchObject({ name: 'VPS-1', port: 2200 });
    expect((await service.list()).map((s) => s.name)).toEqual(['This computer', 'VPS-1', 'vps-2']);
  });

  it('gives an imported host a name of its own when a server already reads the same', async () => {
    await service.add(input('VPS-1'));
    await fs.writeFile(path.join(dir, 'config'), 'Host vps-1\n  HostName 203.0.113.7\n  User root\n');
    const [imported] = await service.importSshConfig(undefined, ['vps-1']);
    expect(imported).toMatchObject({ name: 'vps-1 2', host: '203.0.113.7' });
  });

  it('refuses a key file that does not exist, on the key path field', async () => {
    const missing = path.join(dir, 'no-such-key');
    await expect(service.add(input('k', { auth: { method: 'key', keyPath: missing } }))).rejects.toMatchObject({
      code: 'INVALID_INPUT', field: 'auth.keyPath', message: `There is no file ${missing}. Enter the path of your private key, e.g. ~/.ssh/id_ed25519.`,
    });
    await expect(service.add(input('k', { auth: { method: 'key', keyPath: dir } }))).rejects.toMatchObject({ field: 'auth.keyPath', message: expect.stringContaining('is not a file') });
    expect((await service.list()).map((s) => s.name)).toEqual(['This computer']);
  });

  it('words schema problems as sentences', async () => {
    await expect(service.add(input('', { port: 99999 }))).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'name', message: 'Enter the name; it cannot be empty. Port: enter a port from 1 to 65535.' });
  });

  it('keeps concurrent adds', async () => {
    await Promise.all(['a', 'b', 'c', 'd'].map((n) => service.add(input(n))));
    expect((await service.list()).map((s) => s.id).sort()).toEqual(['a', 'b', 'c', 'd', 'local']);
  });
});
