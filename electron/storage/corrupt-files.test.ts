import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCore, type BerthCore } from '../core.js';
import { nodeSecretStore, PASSPHRASE_SECRETS_FILE } from '../secrets/node-secret-store.js';
import { ApiError } from '../../shared/api/errors.js';

const GOOD_APP = 'apiVersion: berth.dev/v1\nkind: App\nname: good\nservices:\n  web:\n    image: nginx:1\n';
const SERVER = { name: 'box', host: 'example.com', port: 22, user: 'deploy', auth: { method: 'agent' }, proxyJump: [] };
const DESTINATION = { type: 'kubernetes', name: 'k', context: 'default' };

/** What a caller of the API sees: the error's code and message, as the web host and IPC send them. */
async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return ApiError.from(err).toJSON();
  }
  throw new Error('expected the call to fail');
}

/** Named, not INTERNAL, says what to do, and says the file was left alone. */
function expectNamed(error: { code: string; message: string }, file: string) {
  expect(error.code).not.toBe('INTERNAL');
  expect(error.message).toContain(file);
  expect(error.message).toMatch(/fix it|move it away/i);
}

describe('corrupt files in the data directory', () => {
  let dir: string;
  let core: BerthCore;
  const call = (method: string, input: unknown = {}) => core.router.dispatch(method, input);

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-corrupt-'));
    core = createCore({ dataDir: dir, host: 'web', version: 'test', secrets: nodeSecretStore(dir, { BERTH_SECRETS_PASSPHRASE: 'pw' }) });
  });
  afterEach(async () => {
    await core.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const broken: Record<string, string> = {
    empty: '',
    truncated: '{\n  "schemaVersion": 1,\n  "data": {\n    "servers": [\n      { "name": "bo',
    'wrong shape': '{ "schemaVersion": 1, "data": { "servers": "none" } }',
    binary: '\u0000\u0001\u00ff garbage',
  };

  for (const [label, text] of Object.entries(broken)) {
    it(`servers.json (${label}) is named with what to do, kept as it is, and the rest keeps working`, async () => {
      const file = path.join(dir, 'servers.json');
      await fs.writeFile(file, text);
      expectNamed(await failure(call('servers.list')), file);
      expectNamed(await failure(call('servers.add', SERVER)), file);
      expect(await fs.readFile(file, 'utf8')).toBe(text);
      // The rest keeps working: this computer, apps and destinations.
      await expect(core.servers.host('local')).resolves.toBeDefined();
      await expect(call('apps.save', { app: { apiVersion: 'berth.dev/v1', kind: 'App', name: 'good', services: { web: { image: 'nginx:1' } } } })).resolves.toMatchObject({ name: 'good' });
      await expect(call('destinations.list')).resolves.toHaveLength(1);
    });

    it(`destinations.json (${label}) is named, kept, and servers still list`, async () => {
      const file = path.join(dir, 'destinations.json');
      const body = text.replace('"servers": "none"', '"x": 1');
      await fs.writeFile(file, body);
      expectNamed(await failure(call('destinations.list')), file);
      expectNamed(await failure(call('destinations.save', { destination: DESTINATION })), file);
      expect(await fs.readFile(file, 'utf8')).toBe(body);
      await expect(call('servers.list')).resolves.toHaveLength(1);
    });
  }

  it('names the line and column of a JSON syntax error', async () => {
    await fs.writeFile(path.join(dir, 'servers.json'), broken.truncated!);
    expect((await failure(call('servers.list'))).message).toMatch(/line 5, column \d+/);
  });

  for (const [label, text] of Object.entries({ 'bad YAML': 'name: [unclosed\n', empty: '', 'wrong shape': 'apiVersion: berth.dev/v1\nkind: App\nname: bad\n' })) {
    it(`one bad app file (${label}) does not stop apps.list for the others`, async () => {
      const apps = path.join(dir, 'apps');
      await fs.mkdir(apps);
      const bad = path.join(apps, 'bad.berth.yaml');
      await fs.writeFile(bad, text);
      await fs.writeFile(path.join(apps, 'good.berth.yaml'), GOOD_APP);
      const list = (await call('apps.list')) as Array<{ name: string; services: number; error?: string }>;
      expect(list.map((a) => a.name)).toEqual(['bad', 'good']);
      expect(list[1]).toMatchObject({ name: 'good', services: 1 });
      expect(list[1]!.error).toBeUndefined();
      expect(list[0]!.error).toContain(bad);
      expectNamed(await failure(call('apps.get', { name: 'bad' })), bad);
      await expect(call('apps.get', { name: 'good' })).resolves.toMatchObject({ name: 'good' });
      expect(await fs.readFile(bad, 'utf8')).toBe(text);
    });
  }

  for (const [label, text] of Object.entries({ empty: '', blank: '\n\n', garbage: 'not base64 at all!' })) {
    it(`${PASSPHRASE_SECRETS_FILE} (${label}) is refused with its name, never treated as an empty store`, async () => {
      const file = path.join(dir, PASSPHRASE_SECRETS_FILE);
      await fs.writeFile(file, text);
      const store = nodeSecretStore(dir, { BERTH_SECRETS_PASSPHRASE: 'pw' });
      expectNamed(await failure(store.keys()), file);
      expectNamed(await failure(store.set('k', 'v')), file);
      expectNamed(await failure(call('secrets.set', { key: 'app/good/DB', value: 'x' })), file);
      expect(await fs.readFile(file, 'utf8')).toBe(text);
    });
  }

  for (const [label, text] of Object.entries({ truncated: '{"files": [', 'wrong shape': '{"files": 3}' })) {
    it(`a deploy record (${label}) is named instead of failing as INTERNAL or reading as never deployed`, async () => {
      const file = path.join(dir, 'deployments', 'good', 'k', 'last.json');
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, text);
      expectNamed(await failure(call('apps.lastDeployed', { name: 'good', destination: 'k' })), file);
      expect(await fs.readFile(file, 'utf8')).toBe(text);
    });
  }
});
