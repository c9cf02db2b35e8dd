import { afterEach, describe, expect, it } from 'vitest';
import { runAs } from '../api/call-context.js';
import { ptyHost } from './testing/pty-host.js';
import { TerminalHarness } from './testing/terminal-harness.js';
import { DEFAULT_DETACHED_TIMEOUT_MS, detachedTimeoutFromEnv } from './terminal-manager.js';

const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Terminals outliving their UI: attach with scrollback, detach on disconnect, end after the timeout. */
describe('TerminalManager attach and detach', () => {
  let harness: TerminalHarness;
  afterEach(() => harness?.dispose());

  const openAs = async (client: string, detachedTimeoutMs: number) => {
    harness = new TerminalHarness(async () => ptyHost(), { detachedTimeoutMs });
    const { terminalId } = await runAs({ client }, () => harness.manager.open('local', { cols: 80, rows: 24 }));
    await harness.waitForText(terminalId, '$ ');
    return terminalId;
  };

  const shellPid = async (terminalId: string) => {
    harness.manager.get(terminalId).write('echo pid=$$=\r');
    await harness.waitFor(() => /pid=(\d+)=/.test(harness.text(terminalId)), 'the shell pid');
    return Number(/pid=(\d+)=/.exec(harness.text(terminalId))![1]);
  };

  it('hands the scrollback to a UI that attaches, and keeps the shell while one is attached', async () => {
    const terminalId = await openAs('page-1', 200);
    harness.manager.get(terminalId).write('echo replay-$((6*7))\r');
    await harness.waitForText(terminalId, 'replay-42');
    harness.manager.detachClient('page-1');
    const attached = runAs({ client: 'page-2' }, () => harness.manager.attach(terminalId));
    expect(Buffer.from(attached.scrollback, 'base64').toString()).toContain('replay-42');
    expect(attached).toMatchObject({ terminalId, serverId: 'local', state: 'open' });
    // The replay is what the new UI still has to draw and ack; nothing the old UI never acked counts any more.
    expect(harness.manager.get(terminalId).unacked).toBe(Buffer.from(attached.scrollback, 'base64').length);
    await new Promise((r) => setTimeout(r, 400));
    expect(harness.manager.list().map((t) => t.terminalId)).toEqual([terminalId]);
  });

  it('ends a terminal left detached for the timeout, and its shell process with it', async () => {
    const terminalId = await openAs('page-1', 300);
    const pid = await shellPid(terminalId);
    harness.manager.detachClient('page-1');
    expect(harness.manager.list()).toHaveLength(1);
    await harness.waitFor(() => harness.manager.list().length === 0, 'the detached terminal to end', 5_000);
    expect(harness.statuses.at(-1)).toMatchObject({ terminalId, state: 'exited', message: expect.stringMatching(/no window/) });
    await harness.waitFor(() => !pidAlive(pid), 'the shell process to end', 5_000);
  });

  it('keeps a terminal another UI still shows when one UI goes away', async () => {
    const terminalId = await openAs('page-1', 100);
    runAs({ client: 'page-2' }, () => harness.manager.attach(terminalId));
    harness.manager.detachClient('page-1');
    await new Promise((r) => setTimeout(r, 300));
    expect(harness.manager.list()).toHaveLength(1);
  });

  it('counts a full timeout again from each detach, not what was left of the last one', async () => {
    const terminalId = await openAs('page-1', 400);
    harness.manager.detachClient('page-1');
    await new Promise((r) => setTimeout(r, 300));
    runAs({ client: 'page-2' }, () => harness.manager.attach(terminalId));
    harness.manager.detachClient('page-2');
    // 600 ms after the first detach: a countdown resumed from the first would have ended it by now.
    await new Promise((r) => setTimeout(r, 300));
    expect(harness.manager.list()).toHaveLength(1);
    await harness.waitFor(() => harness.manager.list().length === 0, 'the terminal to end after its second detach', 5_000);
  });

  it('never counts down a terminal opened outside any UI call (the CLI, tests)', async () => {
    harness = new TerminalHarness(async () => ptyHost(), { detachedTimeoutMs: 50 });
    const { terminalId } = await harness.manager.open('local', { cols: 80, rows: 24 });
    harness.manager.detachClient('page-1');
    await new Promise((r) => setTimeout(r, 200));
    expect(harness.manager.list().map((t) => t.terminalId)).toEqual([terminalId]);
  });

  it('sends no "ended" status for a detached terminal closed before its timeout', async () => {
    const terminalId = await openAs('page-1', 100);
    harness.manager.detachClient('page-1');
    harness.manager.close(terminalId);
    await new Promise((r) => setTimeout(r, 300));
    expect(harness.statuses.filter((s) => s.message?.includes('no window'))).toEqual([]);
  });

  it('reads the timeout in seconds from BERTH_TERMINAL_DETACHED_TIMEOUT', () => {
    expect(detachedTimeoutFromEnv({ BERTH_TERMINAL_DETACHED_TIMEOUT: '2.5' })).toBe(2500);
    expect(detachedTimeoutFromEnv({})).toBe(DEFAULT_DETACHED_TIMEOUT_MS);
    expect(detachedTimeoutFromEnv({ BERTH_TERMINAL_DETACHED_TIMEOUT: 'soon' })).toBe(DEFAULT_DETACHED_TIMEOUT_MS);
    expect(detachedTimeoutFromEnv({ BERTH_TERMINAL_DETACHED_TIMEOUT: '-1' })).toBe(DEFAULT_DETACHED_TIMEOUT_MS);
  });
});
