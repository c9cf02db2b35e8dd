import { describe, expect, it } from 'vitest';
import { LocalHost, localShell } from './local-host.js';

describe('LocalHost (this computer)', () => {
  const host = new LocalHost();

  it('runs argv without a shell, with stdin and separate outputs', async () => {
    const result = await host.exec(['sh', '-c', 'cat; echo "$1" >&2; exit 3', 'sh', '$HOME; not expanded'], { stdin: 'in' });
    expect(result).toEqual({ exitCode: 3, stdout: 'in', stderr: '$HOME; not expanded\n' });
  });

  it('reports a missing program as NOT_FOUND and a kill as a signal', async () => {
    await expect(host.exec(['definitely-not-a-program-berth'])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const channel = await host.spawn(['sleep', '30']);
    channel.kill();
    expect(await channel.done).toEqual({ exitCode: null, signal: 'SIGKILL' });
  });

  it('cancels through an AbortSignal', async () => {
    const controller = new AbortController();
    const running = host.exec(['sleep', '30'], { signal: controller.signal });
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('opens a PTY shell that sees its size and resizes', async () => {
    const shell = await host.openShell({ cols: 91, rows: 33 });
    let output = '';
    shell.onData((chunk) => (output += chunk.toString()));
    const closed = new Promise<{ exitCode: number | null }>((resolve) => shell.onClose(resolve));
    shell.write('stty size; echo TERM=$TERM\r');
    // The two answers may come in separate chunks: wait for the second, not only the first.
    await expect.poll(() => output, { timeout: 5000 }).toMatch(/33 91[\s\S]*TERM=xterm-256color/);
    shell.resize({ cols: 120, rows: 40 });
    shell.write('stty size; exit 5\r');
    expect(await closed).toEqual({ exitCode: 5 });
    expect(output).toMatch(/40 120/);
  });

  it('picks the login shell, powershell on Windows', () => {
    expect(localShell({ SHELL: '/bin/zsh' }, 'linux')).toBe('/bin/zsh');
    expect(localShell({}, 'linux')).toBe('/bin/sh');
    expect(localShell({ SHELL: '/bin/zsh' }, 'win32')).toBe('powershell.exe');
  });
});
