import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blocking, scan } from '../../scripts/lint-electron.js';

// `npm run lint:electron` gates on this scan; here it is shown to catch what it must and to honour justifications.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-eng-fixture-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function write(file: string, text: string) {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
}

describe('lint:electron', () => {
  it('fails on an insecure window, passes a justified line, and skips tests', async () => {
    write(
      'electron/main.ts',
      [
        "import { BrowserWindow, shell } from 'electron';",
        'export const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });',
        'export const open = (url: string) => shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK',
        '',
      ].join('\n'),
    );
    write('electron/main.test.ts', 'export const open = (url: string) => require("electron").shell.openExternal(url);\n');
    write('renderer/index.html', '<!doctype html><html><head><title>x</title></head><body></body></html>\n');
    const { findings, errors } = await scan(root, ['electron', 'renderer']);
    expect(errors.filter((e) => !e.tolerable)).toEqual([]);
    const failing = blocking(findings).map((f) => `${f.id} ${f.file}:${f.location.line}`);
    expect(failing).toEqual(
      expect.arrayContaining([
        'CONTEXT_ISOLATION_JS_CHECK electron/main.ts:2',
        'SANDBOX_JS_CHECK electron/main.ts:2',
        // Global checks see the whole app: no CSP, no navigation limits, no permission handler anywhere.
        'CSP_GLOBAL_CHECK N/A:0',
        'LIMIT_NAVIGATION_GLOBAL_CHECK N/A:0',
        'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK N/A:0',
      ]),
    );
    expect(findings.filter((f) => f.id === 'OPEN_EXTERNAL_JS_CHECK')).toEqual([]);
    expect(findings.filter((f) => f.file.endsWith('.test.ts'))).toEqual([]);
  });
});
