import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newApp } from '../../shared/model/new-app.js';
import type { App } from '../../shared/model/app.js';
import { dumpYamlText } from '../../shared/yaml/bounded-yaml.js';
import { AppStore } from './app-store.js';

// AppStore.list keeps parsed summaries between calls. The web host, the app and the CLI share one data directory,
// each with a store of its own, so a file another writer changed must be read again, whatever the cache holds.

const withServices = (name: string, count: number): App => {
  const app = newApp(name);
  const web = app.services.web!;
  return { ...app, services: Object.fromEntries(Array.from({ length: count }, (_, i) => [i === 0 ? 'web' : `worker-${i}`, web])) };
};
const services = async (store: AppStore) => Object.fromEntries((await store.list()).map((s) => [s.name, s.error ?? s.services]));

describe('AppStore.list and other writers', () => {
  let dataDir: string;
  let ours: AppStore;
  let theirs: AppStore;
  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-app-store-'));
    ours = new AppStore(dataDir);
    theirs = new AppStore(dataDir);
  });
  afterEach(() => fs.rm(dataDir, { recursive: true, force: true }));

  it('parses an unchanged file once and hands back the same summary', async () => {
    await ours.save(newApp('shop'));
    const [first] = await ours.list();
    const [second] = await ours.list();
    expect(second).toBe(first);
  });

  it('sees apps another store changed, added and removed', async () => {
    await ours.save(withServices('shop', 1));
    await ours.save(withServices('blog', 1));
    expect(await services(ours)).toEqual({ blog: 1, shop: 1 });

    await theirs.save(withServices('shop', 3));
    await theirs.save(withServices('wiki', 2));
    await theirs.remove('blog');
    expect(await services(ours)).toEqual({ shop: 3, wiki: 2 });
  });

  it('sees a same-size rewrite in place even when the mtime is put back', async () => {
    await ours.save(withServices('shop', 2));
    const file = ours.fileOf('shop');
    // Whole seconds, which utimes sets exactly: the mtime then really is the same after the rewrite.
    const then = new Date('2026-01-01T00:00:00Z');
    await fs.utimes(file, then, then);
    expect(await services(ours)).toEqual({ shop: 2 });

    // One service instead of two, in exactly as many bytes (a longer image name makes up the difference),
    // written in place like an editor does, with the mtime put back as on a file system with coarse mtimes.
    const two = await fs.readFile(file, 'utf8');
    const one = (pad: number) => dumpYamlText({ ...newApp('shop'), services: { web: { ...newApp('shop').services.web!, image: `nginx${'x'.repeat(pad)}` } } }, { noRefs: true, lineWidth: -1 });
    const pad = Array.from({ length: two.length }, (_, i) => i).find((i) => one(i).length === two.length);
    expect(pad).toBeDefined();
    const before = await fs.stat(file);
    await new Promise((r) => setTimeout(r, 20));
    await fs.writeFile(file, one(pad!));
    await fs.utimes(file, then, then);
    const after = await fs.stat(file);
    expect([after.ino, after.size, after.mtimeMs]).toEqual([before.ino, before.size, before.mtimeMs]);

    expect(await services(ours)).toEqual({ shop: 1 });
  });

  it('lists a file broken by another writer with its error, and again normally once fixed', async () => {
    await ours.save(withServices('shop', 2));
    expect(await services(ours)).toEqual({ shop: 2 });
    const file = ours.fileOf('shop');
    const good = await fs.readFile(file, 'utf8');

    await fs.writeFile(file, 'services: [not, an, app]\n');
    expect((await services(ours)).shop).toMatch(/not a valid app definition/);

    await fs.writeFile(file, good);
    expect(await services(ours)).toEqual({ shop: 2 });
  });
});
