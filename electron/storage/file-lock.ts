import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { ApiError } from '../../shared/api/errors.js';
import { cleanTempFilesOnce } from './temp-files.js';

/**
 * A lock not refreshed for this long belongs to a process that died (kill -9,
 * power cut) and is taken over. proper-lockfile refreshes held locks every
 * STALE_MS / 2.
 */
const STALE_MS = 10_000;
/** About 25 s of retries: longer than STALE_MS, so a dead process's lock is taken over rather than reported. */
const RETRIES = { retries: 300, factor: 1.25, minTimeout: 5, maxTimeout: 80, randomize: true };

interface HeldLock {
  compromised?: Error;
}

/** The locks held by the current async call chain, so a holder may lock the same file again without waiting on itself. */
const held = new AsyncLocalStorage<ReadonlyMap<string, HeldLock>>();
/** Per file, the tail of this process's queue of holders: in-process callers wait here, not on proper-lockfile's retries. */
const queues = new Map<string, Promise<void>>();

/**
 * Runs `fn` holding `file`'s lock, shared by every Berth process on this data
 * directory (the app, the web host and the CLI run side by side): first this
 * process's queue for the file, then `<file>.lock` through proper-lockfile.
 * Every read-modify-write of a Berth file runs inside one; reads need none,
 * because writes replace files atomically. Re-entrant within one call chain.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T> | T): Promise<T> {
  const target = path.resolve(file);
  const mine = held.getStore();
  if (mine?.has(target)) return await fn();

  const previous = queues.get(target) ?? Promise.resolve();
  let leave!: () => void;
  const tail = previous.then(() => new Promise<void>((resolve) => (leave = resolve)));
  queues.set(target, tail);
  try {
    await previous;
    const state: HeldLock = {};
    const release = await acquire(target, state);
    try {
      return await held.run(new Map([...(mine ?? []), [target, state]]), fn);
    } finally {
      await release().catch(() => undefined);
    }
  } finally {
    // `leave` is set once `previous` settles, which it has by now.
    leave?.();
    if (queues.get(target) === tail) queues.delete(target);
  }
}

/**
 * Throws if the current call chain holds `file`'s lock but lost it (its
 * process stalled for longer than the stale time and another one took over):
 * called right before a write is committed, so it never overwrites theirs.
 */
export function assertLockIntact(file: string): void {
  const state = held.getStore()?.get(path.resolve(file));
  if (state?.compromised) {
    throw new ApiError('CONFLICT', `Berth lost its lock on ${file} (${state.compromised.message}) and did not write it, so another process's change is kept. Try again.`);
  }
}

async function acquire(file: string, state: HeldLock): Promise<() => Promise<void>> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await cleanTempFilesOnce(dir);
  try {
    return await lockfile.lock(file, {
      realpath: false,
      stale: STALE_MS,
      retries: RETRIES,
      onCompromised: (err) => {
        state.compromised = err;
      },
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new ApiError(
        'CONFLICT',
        `${file} is being changed by another Berth process that has held ${file}.lock for too long. Try again; if no other Berth is running, remove ${file}.lock.`,
      );
    }
    throw err;
  }
}
