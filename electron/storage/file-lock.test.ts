import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../api/event-bus.js';
import { DestinationStore } from '../apps/destination-store.js';
import { MemorySecretStore } from '../secrets/secret-store.js';
import { ServerService } from '../servers/server-service.js';
import { Destination } from '../../shared/model/app.js';
import { withFileLock } from './file-lock.js';

const service = (dataDir: string) =>
  new ServerService({ dataDir, secrets: new MemorySecretStore(), prompter: { ask: async () => ({ accept: false }) }, events: new EventBus(), sshDir: dataDir });
const input = (name: string) => ({ name, host: 'example.com', port: 22, user: 'deploy', auth: { method: 'agent' as const }, proxyJump: [] });

describe('read-modify-write in one process', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-lock-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('two ServerServices on one data directory keep all 400 servers they add at once', async () => {
    const [a, b] = [service(dir), service(dir)];
    await Promise.all([
      ...Array.from({ length: 200 }, (_, i) => a.add(input(`a-${i}`))),
      ...Array.from({ length: 200 }, (_, i) => b.add(input(`b-${i}`))),
    ]);
    expect((await service(dir).list()).length).toBe(401);
  });

  it('two DestinationStores keep every destination saved at once', async () => {
    const [a, b] = [new DestinationStore(dir), new DestinationStore(dir)];
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).save(Destination.parse({ type: 'kubernetes', name: `d-${i}`, context: 'default' }))),
    );
    // local-docker, offered until a destination is saved, is kept as the first one.
    expect((await new DestinationStore(dir).list()).length).toBe(101);
  });

  it('takes over a lock left by a killed process, and lets a holder lock its file again', async () => {
    const file = path.join(dir, 'servers.json');
    // What kill -9 leaves: the lock directory, no longer refreshed.
    await fs.mkdir(`${file}.lock`);
    const past = new Date(Date.now() - 60_000);
    await fs.utimes(`${file}.lock`, past, past);
    const started = Date.now();
    await service(dir).add(input('after-crash'));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await withFileLock(file, () => withFileLock(file, () => 'nested'))).toBe('nested');
    expect(await fs.readdir(dir)).toEqual(['servers.json']);
  });
});
