import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRouter, type Handlers } from '../../electron/api/router.js';
import { appHandlers } from '../../electron/apps/handlers.js';
import { MemorySecretStore } from '../../electron/secrets/secret-store.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true }))));

describe('apps.importCompose with an override file picked beside the compose file', () => {
  it('merges it, and the findings name the file', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-import-api-'));
    dirs.push(dataDir);
    const router = createRouter(appHandlers({ dataDir, secrets: new MemorySecretStore(), clusters: { require: async () => {} } as never }) as unknown as Handlers);
    const result = (await router.dispatch('apps.importCompose', {
      content: 'services:\n  web:\n    image: nginx:1\n',
      overrideFiles: [{ name: 'compose.override.yaml', content: 'services:\n  web:\n    image: nginx:2\n    bogus: 1\n' }],
    })) as { app: { services: Record<string, { image: string }> }; diagnostics: Array<{ code: string; file?: string }> };
    expect(result.app.services.web?.image).toBe('nginx:2');
    expect(result.diagnostics).toContainEqual(expect.objectContaining({ code: 'IMPORT_FILES_MERGED' }));
    expect(result.diagnostics.filter((d) => d.file === 'compose.override.yaml').length).toBeGreaterThan(0);
  });
});
