import * as pty from 'node-pty';
import type { Host, ShellChannel, TerminalSize } from '../../hosts/host.js';
import { ApiError } from '../../../shared/api/errors.js';

/**
 * A real local shell behind the Host interface, for terminal tests: bash
 * without rc files so prompts and output are predictable. Only openShell is
 * needed by terminals.
 */
export function ptyHost(): Host {
  const unsupported = () => Promise.reject(new ApiError('UNSUPPORTED', 'The test PTY host only opens shells.'));
  return {
    id: 'pty-test',
    label: 'test shell',
    exec: unsupported,
    spawn: unsupported,
    async openShell(size: TerminalSize): Promise<ShellChannel> {
      const proc = pty.spawn('/bin/bash', ['--norc', '--noprofile', '-i'], {
        name: 'xterm-256color',
        cols: size.cols,
        rows: size.rows,
        cwd: process.cwd(),
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', PS1: '$ ', HOME: process.env.HOME ?? '/' },
        // Raw bytes: decoding (and keeping split characters intact) is the terminal session's job.
        encoding: null,
      });
      return {
        onData: (listener) => proc.onData((data: string | Buffer) => listener(Buffer.isBuffer(data) ? data : Buffer.from(data))),
        onClose: (listener) => proc.onExit(({ exitCode }) => listener({ exitCode })),
        write: (data) => proc.write(typeof data === 'string' ? data : Buffer.from(data).toString('utf8')),
        resize: ({ cols, rows }) => proc.resize(cols, rows),
        pause: () => proc.pause(),
        resume: () => proc.resume(),
        close: () => proc.kill(),
      };
    },
  };
}
