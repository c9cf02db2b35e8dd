import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as pty from 'node-pty';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { skipUnlessAvailable } from '../support/infra.js';
import { ensurePasswordUser, sshdUnavailableReason, startSshd, type SshdHandle } from '../support/sshd.js';
import { BERTH_BIN as BIN, ensureBuiltCli, runBerth, type CliRun as Run } from '../support/built-cli.js';

const skip = skipUnlessAvailable('sshd', sshdUnavailableReason());

describe.skipIf(skip)('berth servers / exec CLI end to end', () => {
  let sshd: SshdHandle;
  let home: string;

  const berth = (args: string[], stdin?: string, env: Record<string, string> = {}): Promise<Run> =>
    runBerth(args, { PATH: process.env.PATH, HOME: home, BERTH_HOME: path.join(home, 'berth'), ...env }, stdin);

  beforeAll(async () => {
    await ensureBuiltCli();
    sshd = await startSshd();
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-cli-'));
  });
  afterAll(async () => {
    await sshd?.stop();
    if (home) await fs.rm(home, { recursive: true, force: true });
  });

  it('adds, lists, tests with host key checks, executes and removes a server', async () => {
    const added = await berth(['servers', 'add', 'box', '--host', sshd.host, '--port', String(sshd.port), '--user', sshd.user, '--key', sshd.clientKeyPath]);
    expect(added).toMatchObject({ code: 0, stdout: expect.stringContaining('Added box') });

    const listed = await berth(['servers', 'list']);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[1]).toMatch(/^local\s+This computer/);
    expect(lines[2]).toMatch(new RegExp(`^box\\s+box\\s+${sshd.user}@127\\.0\\.0\\.1:${sshd.port}\\s+key ${sshd.clientKeyPath}`));

    // Unknown key: no prompt, fails with the fingerprint and type.
    const unknown = await berth(['servers', 'test', 'box']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain(sshd.hostKeyFingerprint);
    expect(unknown.stderr).toContain('ssh-ed25519');
    expect(unknown.stderr).toContain('--accept-new');

    const accepted = await berth(['servers', 'test', 'box', '--accept-new']);
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toMatch(/box: connected/);
    expect(await fs.readFile(path.join(home, 'berth', 'known_hosts'), 'utf8')).toContain(sshd.hostPublicKey);

    // Remembered: a plain test passes now.
    expect((await berth(['servers', 'test', 'box'])).code).toBe(0);

    const args = ['a b', '$HOME', "'quoted'", ';', '', '"dq"', '*'];
    const quoted = await berth(['exec', 'box', '--', 'printf', '[%s]\\n', ...args]);
    expect(quoted).toMatchObject({ code: 0, stderr: '' });
    expect(quoted.stdout).toBe(args.map((a) => `[${a}]\n`).join(''));

    const status = await berth(['exec', 'box', '--', 'sh', '-c', 'echo to-out; echo to-err >&2; exit 42']);
    expect(status).toEqual({ code: 42, stdout: 'to-out\n', stderr: 'to-err\n' });

    const piped = await berth(['exec', 'box', '--', 'wc', '-c'], 'twelve bytes');
    expect(piped.stdout.trim()).toBe('12');

    await sshd.restartWithNewHostKey();
    for (const args of [['servers', 'test', 'box'], ['servers', 'test', 'box', '--accept-new'], ['exec', 'box', '--', 'true']]) {
      const changed = await berth(args);
      expect(changed.code).not.toBe(0);
      expect(changed.stderr).toContain('WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!');
      expect(changed.stderr).toContain(sshd.hostKeyFingerprint);
    }

    expect(await berth(['servers', 'remove', 'box'])).toMatchObject({ code: 0 });
    expect((await berth(['servers', 'list'])).stdout).not.toContain('box');
    expect((await berth(['servers', 'remove', 'local'])).code).not.toBe(0);
  });

  it('runs commands on this computer too', async () => {
    const result = await berth(['exec', 'local', '--', 'sh', '-c', 'printf "%s" "$0"', 'kept as $0']);
    expect(result).toEqual({ code: 0, stdout: 'kept as $0', stderr: '' });
  });

  it('remembers a typed password only when BERTH_SECRETS_PASSPHRASE opts in, encrypted with it', async (ctx) => {
    const account = await ensurePasswordUser();
    if (!account) ctx.skip('creating a password test account needs root');
    const own = await startSshd({ extraConfig: ['PasswordAuthentication yes'] });
    onTestFinished(() => own.stop());
    await berth(['servers', 'add', 'pw', '--host', own.host, '--port', String(own.port), '--user', account!.user, '--password']);
    const optIn = { BERTH_SECRETS_PASSPHRASE: 'a long passphrase' };

    // The password is typed once, at a terminal.
    const term = pty.spawn(process.execPath, [BIN, 'servers', 'test', 'pw', '--accept-new'], {
      cols: 100,
      rows: 20,
      env: { PATH: process.env.PATH!, HOME: home, BERTH_HOME: path.join(home, 'berth'), ...optIn },
    });
    let output = '';
    term.onData((d) => (output += d));
    const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    await expect.poll(() => output, { timeout: 15_000 }).toContain(`Password for ${account!.user}:`);
    term.write(`${account!.password}\r`);
    expect(await exited).toBe(0);
    expect(output).not.toContain(account!.password);

    // Later runs need no terminal: the password comes from the encrypted store.
    expect(await berth(['exec', 'pw', '--', 'id', '-un'], '', optIn)).toMatchObject({ code: 0, stdout: `${account!.user}\n` });
    const stored = await fs.readFile(path.join(home, 'berth', 'secrets.passphrase.bin'), 'utf8');
    expect(stored).not.toContain(account!.password);
    expect(Buffer.from(stored, 'base64').toString()).not.toContain(account!.password);

    const wrong = await berth(['exec', 'pw', '--', 'true'], '', { BERTH_SECRETS_PASSPHRASE: 'not it' });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('BERTH_SECRETS_PASSPHRASE does not open');
    // Without the opt-in nothing was remembered, and there is no terminal to ask on.
    const memoryOnly = await berth(['exec', 'pw', '--', 'true']);
    expect(memoryOnly.code).not.toBe(0);
    expect(memoryOnly.stderr).toContain('stdin is not a terminal');
  });

  it('berth ssh opens an interactive shell in raw mode and follows terminal resizes', async () => {
    // Its own sshd: the test above changed the shared one's host key on purpose.
    const own = await startSshd();
    onTestFinished(() => own.stop());
    await berth(['servers', 'add', 'term', '--host', own.host, '--port', String(own.port), '--user', own.user, '--key', own.clientKeyPath]);
    const term = pty.spawn(process.execPath, [BIN, 'ssh', 'term', '--accept-new'], {
      cols: 90,
      rows: 20,
      env: { PATH: process.env.PATH!, HOME: home, BERTH_HOME: path.join(home, 'berth') },
    });
    let output = '';
    term.onData((d) => (output += d));
    const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    // The command text is echoed; only the shell's arithmetic proves it ran.
    term.write('echo ready-$((40+2)); stty size\r');
    await expect.poll(() => output, { timeout: 15_000 }).toMatch(/ready-42/);
    // Wait for the next prompt: typed ahead of it, bash's readline would echo the line a second time.
    await expect.poll(() => output, { timeout: 5000 }).toMatch(/20 90\r*\n[\s\S]*[#$] $/);
    // Raw mode: the local terminal no longer echoes, so the typed line appears once (the remote echo).
    term.write('echo raw-$((2+3))\r');
    await expect.poll(() => output, { timeout: 5000 }).toMatch(/raw-5/);
    expect(output.split('echo raw-$((2+3))').length - 1).toBe(1);
    term.resize(111, 33);
    await new Promise((r) => setTimeout(r, 300));
    term.write('stty size; exit 9\r');
    expect(await exited).toBe(9);
    expect(output).toMatch(/33 111/);
  });
});
