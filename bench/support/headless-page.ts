import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import CDP from 'chrome-remote-interface';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/chromium.js';

/**
 * A Chromium page driven through the DevTools protocol with nothing but
 * `Runtime.evaluate`. Playwright enables the Network domain on every page, so
 * Chromium base64-encodes each WebSocket frame into a DevTools event on the
 * page's main thread; a throughput benchmark over a WebSocket would measure
 * that instrumentation instead of Berth.
 */
export interface HeadlessPage {
  /** Runs `fn(arg)` in the page and returns its (awaited, JSON-serialisable) result. */
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Polls `fn` in the page until it returns true. Not for timed sections: each poll is a DevTools round trip. */
  waitFor<A>(fn: (arg: A) => boolean, arg: A, timeoutMs: number, what: string): Promise<void>;
  close(): Promise<void>;
  /** The browser's profile directory, which names its processes on their command lines. */
  profileDir: string;
}


function devToolsPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const onData = (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr);
      if (match) {
        child.stderr?.off('data', onData);
        // Keep draining: a full stderr pipe would stall the browser.
        child.stderr?.resume();
        resolve(Number(match[1]));
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`Chromium exited with ${code} before DevTools listened: ${stderr.slice(-2000)}`)));
  });
}

export async function openHeadlessPage(url: string, size: { width: number; height: number }): Promise<HeadlessPage> {
  const profile = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-bench-chromium-'));
  const child = spawn(
    CHROMIUM_PATH,
    [...CHROMIUM_ARGS, '--headless', `--user-data-dir=${profile}`, '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0', `--window-size=${size.width},${size.height}`, url],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let client: CDP.Client | undefined;
  const close = async () => {
    await client?.close().catch(() => undefined);
    child.kill();
    await exited;
    // Helper processes may still be writing into the profile for a moment after the browser exits.
    await fs.rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  };
  try {
    const port = await devToolsPort(child);
    const targets = await CDP.List({ host: '127.0.0.1', port });
    const page = targets.find((t) => t.type === 'page');
    if (!page) throw new Error('Chromium opened no page');
    client = await CDP({ host: '127.0.0.1', port, target: page.id });
    const connected = client;

    const evaluate = async <A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> => {
      const { result, exceptionDetails } = await connected.Runtime.evaluate({
        // tsx may wrap named functions in `__name(...)`, which only exists in Node.
        expression: `((__name) => (${fn.toString()})(${JSON.stringify(arg)}))((f) => f)`,
        awaitPromise: true,
        returnByValue: true,
      });
      if (exceptionDetails) throw new Error(`In the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
      return result.value as R;
    };
    const waitFor = async <A>(fn: (arg: A) => boolean, arg: A, timeoutMs: number, what: string) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // Errors count as "not yet": the page may still be loading.
        if (await evaluate(fn, arg).catch(() => false)) return;
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    return { evaluate, waitFor, close, profileDir: profile };
  } catch (err) {
    await close();
    throw err;
  }
}
