import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCore } from '../core.js';
import { MemorySecretStore } from '../secrets/secret-store.js';

/** The pid of a process that has exited: what a run killed with kill -9 leaves in its temp file names. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid!;
}

describe('temp files left by a killed run', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-tmp-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('are removed at start; a live writer\'s temp file and unrelated files are kept', async () => {
    const dead = deadPid();
    await fs.mkdir(path.join(dir, 'apps'));
    const stale = [
      path.join(dir, `servers.json.${dead}.0123456789ab.tmp`),
      path.join(dir, `destinations.json.${dead}.ba9876543210.tmp`),
      path.join(dir, `secrets.passphrase.bin.${dead}.aaaaaaaaaaaa.tmp`),
      path.join(dir, 'apps', `shop.berth.yaml.${dead}.bbbbbbbbbbbb.tmp`),
    ];
    for (const file of stale) await fs.writeFile(file, 'x'.repeat(367_000));
    // An hour-old temp file cannot belong to a write in progress, whoever's pid it carries.
    const old = path.join(dir, `servers.json.${process.pid}.cccccccccccc.tmp`);
    await fs.writeFile(old, 'x');
    await fs.utimes(old, new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
    const live = path.join(dir, `servers.json.${process.pid}.dddddddddddd.tmp`);
    const unrelated = [path.join(dir, 'notes.tmp'), path.join(dir, `servers.json.${dead}.tmp`)];
    for (const file of [live, ...unrelated]) await fs.writeFile(file, 'keep');

    const core = createCore({ dataDir: dir, host: 'web', version: 'test', secrets: new MemorySecretStore() });
    try {
      await core.router.dispatch('servers.list', {});
      await core.router.dispatch('apps.list', {});
    } finally {
      await core.dispose();
    }

    for (const file of [...stale, old]) await expect(fs.stat(file), file).rejects.toMatchObject({ code: 'ENOENT' });
    for (const file of [live, ...unrelated]) expect(await fs.readFile(file, 'utf8')).toBe('keep');
  });
});
