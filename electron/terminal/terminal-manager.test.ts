import { afterEach, describe, expect, it } from 'vitest';
import { LocalHost } from '../local/local-host.js';
import { ptyHost } from './testing/pty-host.js';
import { numberLines, TerminalHarness } from './testing/terminal-harness.js';
import { HIGH_WATERMARK } from './flow-control.js';

/** Terminal behaviour against a real bash in a real PTY on this machine. */
describe('TerminalManager with a local shell', () => {
  let harness: TerminalHarness;
  const open = async (cols = 80, rows = 24) => {
    harness = new TerminalHarness(async () => ptyHost());
    const { terminalId, title } = await harness.manager.open('local', { cols, rows });
    await harness.waitForText(terminalId, '$ ');
    return { terminalId, title, session: harness.manager.get(terminalId) };
  };

  afterEach(() => harness?.dispose());

  it('runs a command and streams its output as events', async () => {
    const { terminalId, title, session } = await open();
    expect(title).toBe('this computer');
    session.write('echo berth-$((6*7))\r');
    await harness.waitForText(terminalId, 'berth-42');
    expect(harness.statuses).toContainEqual({ terminalId, state: 'open' });
  });

  it('pauses above the watermark without acks, then delivers every line once acks flow', async () => {
    const { terminalId, session } = await open();
    harness.autoAck = false;
    session.write('seq 1 200000; echo end-$((1+1))\r');
    await harness.waitFor(() => session.paused, 'the shell to be paused');
    const atPause = harness.text(terminalId).length;
    await new Promise((r) => setTimeout(r, 300));
    // Paused means the source stopped: only what was already in flight may trickle in.
    expect(harness.text(terminalId).length - atPause).toBeLessThan(64 * 1024);
    expect(session.unacked).toBeGreaterThan(HIGH_WATERMARK);

    harness.autoAck = true;
    session.ack(session.unacked);
    await harness.waitForText(terminalId, 'end-2');
    expect(session.paused).toBe(false);
    const numbers = numberLines(harness.text(terminalId));
    expect(numbers.length).toBe(200000);
    expect(numbers.every((n, i) => n === i + 1)).toBe(true);
  });

  it('stops `yes` promptly on Ctrl-C while acks flow', async () => {
    const { terminalId, session } = await open();
    session.write('yes\r');
    await harness.waitFor(() => harness.text(terminalId).length > 2 * HIGH_WATERMARK, 'yes output');
    session.write('\x03');
    session.write('echo after-$((2+3))\r');
    await harness.waitForText(terminalId, 'after-5', 10_000);
  });

  it('passes resizes to the PTY', async () => {
    const { terminalId, session } = await open(80, 24);
    session.write('stty size\r');
    await harness.waitForText(terminalId, '24 80');
    session.resize({ cols: 132, rows: 41 });
    session.write('stty size\r');
    await harness.waitForText(terminalId, '41 132');
  });

  it('passes on a UTF-8 character whose bytes arrive in separate chunks intact, in order', async () => {
    const { terminalId, session } = await open();
    session.write("printf '\\342\\202'; sleep 0.3; printf '\\254 done-%d\\n' $((3*3))\r");
    await harness.waitForText(terminalId, 'done-9');
    // The € went out split over two frames, undecoded: the first ends with its first two bytes, the next starts with the third.
    const frames = harness.frames.get(terminalId) ?? [];
    const cut = frames.findIndex((f) => f.length >= 2 && f[f.length - 2] === 0xe2 && f[f.length - 1] === 0x82);
    expect(cut).toBeGreaterThanOrEqual(0);
    expect(frames[cut + 1]?.[0]).toBe(0xac);
    expect(harness.text(terminalId)).toContain('€ done-9');
    expect(harness.text(terminalId)).not.toContain('\ufffd');
  });

  it('reports the exit code when the shell ends, and reconnects to a new shell', async () => {
    const { terminalId, session } = await open();
    session.write('exit 3\r');
    await harness.waitFor(() => harness.statuses.some((s) => s.state === 'exited'), 'exited status');
    expect(harness.statuses.find((s) => s.state === 'exited')).toMatchObject({ terminalId, exitCode: 3 });
    expect(() => session.write('ls\r')).toThrow(/Reconnect/);

    await harness.manager.get(terminalId).reconnect();
    session.write('echo again-$((5*5))\r');
    await harness.waitForText(terminalId, 'again-25');
  });

  it('reports an unknown terminal as NOT_FOUND', async () => {
    harness = new TerminalHarness(async () => ptyHost());
    expect(() => harness.manager.get('nope')).toThrow(/closed/);
  });
});

describe('TerminalManager on This computer', () => {
  it('opens the user\'s shell through LocalHost', async () => {
    const harness = new TerminalHarness(async () => new LocalHost());
    try {
      const { terminalId, title } = await harness.manager.open('local', { cols: 80, rows: 24 });
      expect(title).toBe('this computer');
      harness.manager.get(terminalId).write('echo local-$((6*7))\r');
      await harness.waitForText(terminalId, 'local-42');
    } finally {
      harness.dispose();
    }
  });
});
