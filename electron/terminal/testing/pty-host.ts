import { LocalHost } from '../../local/local-host.js';
import type { Host } from '../../hosts/host.js';

/** A real local shell for terminal tests: bash without rc files, so prompts and output are predictable. */
export function ptyHost(): Host {
  return new LocalHost(() => ({
    file: '/bin/bash',
    args: ['--norc', '--noprofile', '-i'],
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', PS1: '$ ', HOME: process.env.HOME ?? '/' },
  }));
}
