import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

/** Path of the Electron binary, or undefined when the offline install left it out. */
function electronBinary(): string | undefined {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown;
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();

test('the desktop app opens on the overview, and its servers page lists This computer', async () => {
  const notRun = 'Electron binary not installed (offline install); the electron project did not run';
  if (!binary) console.warn(notRun);
  test.skip(!binary, notRun);
  // Only here is the Electron build needed; the web project uses the renderer alone.
  execFileSync(process.execPath, [path.resolve('node_modules/electron-vite/bin/electron-vite.js'), 'build'], { stdio: 'inherit' });
  const main = path.resolve('out/main/main.js');
  const app = await electron.launch({ executablePath: binary, args: [main, '--no-sandbox'] });
  try {
    const window = await app.firstWindow();
    // Berth opens on the Overview; the Servers page lists This computer.
    await expect(window.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
    await window.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Servers' }).click();
    await expect(window.getByRole('heading', { name: 'Servers' })).toBeVisible();
    await expect(window.locator('.server').first()).toContainText('This computer');
  } finally {
    await app.close();
  }
});
