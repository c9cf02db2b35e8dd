import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** `<file>.<pid>.<12 hex>.tmp`: the pid says whose write it is, so a leftover can be told from a write in progress. */
const TEMP_NAME = /^.+\.(\d+)\.[0-9a-f]{12}\.tmp$/;
/** No write takes this long: a temp file this old is a leftover, even if its pid was reused by a live process. */
const MAX_TEMP_AGE_MS = 60 * 60 * 1000;

export function tempFileFor(file: string): string {
  return `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp files of writes that can no longer finish: their process
 * is gone (killed with kill -9, or a power cut), or they are over an hour old.
 * A live process's write in progress is left alone. Returns what was removed.
 */
export async function removeStaleTempFiles(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const match = TEMP_NAME.exec(entry);
    if (!match) continue;
    const file = path.join(dir, entry);
    try {
      const stat = await fs.lstat(file);
      if (!stat.isFile()) continue;
      if (isAlive(Number(match[1])) && Date.now() - stat.mtimeMs < MAX_TEMP_AGE_MS) continue;
      await fs.rm(file, { force: true });
      removed.push(file);
    } catch {
      // Gone meanwhile, or not ours to remove: either way nothing to clean.
    }
  }
  return removed;
}

const swept = new Map<string, Promise<unknown>>();

/**
 * Cleans a data directory once per process, the first time Berth reads or
 * writes a file in it: in effect at start, for every host (app, web, CLI) and
 * every store that goes through the storage layer.
 */
export async function cleanTempFilesOnce(dir: string): Promise<void> {
  const key = path.resolve(dir);
  let run = swept.get(key);
  if (!run) {
    run = removeStaleTempFiles(key);
    swept.set(key, run);
  }
  await run;
}
