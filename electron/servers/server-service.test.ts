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

    const edited = await service.update(a.id, input('My Web Box', { port: 2222, auth: { method: 'key', keyPath: '/k' } }));
    expect(edited).toMatchObject({ id: 'my-web-box', port: 2222, auth: { method: 'key', keyPath: '/k' } });

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

  it('keeps concurrent adds', async () => {
    await Promise.all(['a', 'b', 'c', 'd'].map((n) => service.add(input(n))));
    expect((await service.list()).map((s) => s.id).sort()).toEqual(['a', 'b', 'c', 'd', 'local']);
  });
});
