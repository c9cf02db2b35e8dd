import fs from 'node:fs/promises';
import path from 'node:path';
import { assertLockIntact, withFileLock } from './file-lock.js';
import { tempFileFor } from './temp-files.js';

export { withFileLock } from './file-lock.js';
export { cleanTempFilesOnce, removeStaleTempFiles } from './temp-files.js';

/**
 * Write via a temp file in the same directory and rename over the target, so
 * a crash or full disk never leaves a half-written file behind. Mode 0600 by
 * default: anything Berth writes may hold a secret. A blind write; for
 * read-modify-write use `updateFile`, `DocumentStore.update` or `withFileLock`.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = tempFileFor(file);
  const handle = await fs.open(tmp, 'w', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    assertLockIntact(file);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

export async function readFileIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Read-modify-write of one file under its cross-process lock: `change` gets
 * the current text (undefined when there is none) and returns the new text,
 * or undefined to leave the file as it is.
 */
export function updateFile(file: string, change: (current: string | undefined) => Promise<string | undefined> | string | undefined, mode = 0o600): Promise<void> {
  return withFileLock(file, async () => {
    const next = await change(await readFileIfExists(file));
    if (next !== undefined) await writeFileAtomic(file, next, mode);
  });
}
