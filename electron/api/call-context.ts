import { AsyncLocalStorage } from 'node:async_hooks';

/** Who made an API call: one connected UI (a web host socket, an Electron window), by an id its transport chose. */
export interface Caller {
  client: string;
}

const calls = new AsyncLocalStorage<Caller>();

/**
 * Runs a handler as `caller`. Carried implicitly (not as a handler argument) so services that open terminals
 * for others (container shells and logs) record the right owner without every handler passing it on.
 */
export function runAs<T>(caller: Caller | undefined, fn: () => T): T {
  return caller ? calls.run(caller, fn) : fn();
}

/** The caller of the API call being handled; undefined for the CLI and tests, which call services directly. */
export const currentCaller = (): Caller | undefined => calls.getStore();
