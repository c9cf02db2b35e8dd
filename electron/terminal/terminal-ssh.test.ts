import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnlessAvailable } from '../../test/support/infra.js';
import { startSshd, sshdUnavailableReason, type SshdHandle } from '../../test/support/sshd.js';
import { createCore, type BerthCore } from '../core.js';
import { MemorySecretStore } from '../secrets/secret-store.js';
import type { EventPayload } from '../../shared/api/contract.js';
import { HIGH_WATERMARK } from './flow-control.js';
import { numberLines, TerminalHarness } from './testing/terminal-harness.js';

const skip = skipUnlessAvailable('terminal over SSH', sshdUnavailableReason());

/** The same terminal behaviour over a real OpenSSH server, through the real server service. */
describe.skipIf(skip)('terminals over SSH', () => {
  let sshd: SshdHandle;
  let core: BerthCore;
  let dir: string;
  let serverId: string;

  beforeAll(async () => {
    sshd = await startSshd();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-term-ssh-'));
    core = createCore({ host: 'web', secrets: new MemorySecretStore(), dataDir: dir, version: 'test' });
    core.events.subscribe((event, payload) => {
      if (event === 'prompt') {
        const prompt = payload as EventPayload<'prompt'>;
        core.prompts.answer(prompt.promptId, { accept: prompt.kind === 'hostKey' && prompt.fingerprint === sshd.hostKeyFingerprint });
      }
    });
    const server = await core.servers.add({ name: 'sshd', host: sshd.host, port: sshd.port, user: sshd.user, auth: { method: 'key', keyPath: sshd.clientKeyPath } });
    serverId = server.id;
  });

  afterAll(async () => {
    await core?.dispose();
    await sshd?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const open = async (cols = 80, rows = 24) => {
    const harness = new TerminalHarness((id) => core.servers.host(id));
    const { terminalId } = await harness.manager.open(serverId, { cols, rows });
    const session = harness.manager.get(terminalId);
    // The login shell's prompt is the user's own; a marker shows the shell is ready.
    session.write('echo ready-$((20+1))\r');
    await harness.waitForText(terminalId, 'ready-21');
    return { harness, terminalId, session };
  };

  it('runs a command, follows resizes, and delivers every line through flow control', async () => {
    const { harness, terminalId, session } = await open();
    try {
      session.write('stty size\r');
      await harness.waitForText(terminalId, '24 80');
      session.resize({ cols: 120, rows: 33 });
      session.write('stty size\r');
      await harness.waitForText(terminalId, '33 120');

      harness.autoAck = false;
      session.write('seq 1 200000; echo end-$((1+1))\r');
      await harness.waitFor(() => session.paused, 'the channel to be paused');
      expect(session.unacked).toBeGreaterThan(HIGH_WATERMARK);
      harness.autoAck = true;
      session.ack(session.unacked);
      await harness.waitForText(terminalId, 'end-2', 60_000);
      const numbers = numberLines(harness.text(terminalId));
      expect(numbers.length).toBe(200000);
      expect(numbers.every((n, i) => n === i + 1)).toBe(true);
    } finally {
      harness.dispose();
    }
  });

  it('stops `yes` promptly on Ctrl-C', async () => {
    const { harness, terminalId, session } = await open();
    try {
      session.write('yes\r');
      await harness.waitFor(() => harness.text(terminalId).length > 2 * HIGH_WATERMARK, 'yes output');
      session.write('\x03');
      session.write('echo after-$((2+3))\r');
      await harness.waitForText(terminalId, 'after-5', 15_000);
    } finally {
      harness.dispose();
    }
  });

  it('reports a dropped connection as disconnected, with a message', async () => {
    const { harness, terminalId } = await open();
    try {
      await sshd.kill();
      await harness.waitFor(() => harness.statuses.some((s) => s.terminalId === terminalId && s.state === 'disconnected'), 'disconnected status');
      const status = harness.statuses.find((s) => s.state === 'disconnected');
      expect(status?.message).toMatch(/Reconnect/);
      await expect(harness.manager.get(terminalId).reconnect()).rejects.toThrow();
      expect(harness.statuses.at(-1)).toMatchObject({ terminalId, state: 'disconnected' });
    } finally {
      harness.dispose();
    }
  });
});
