import { describe, expect, it } from 'vitest';
import { resolveAgentSocket } from './agent-socket.js';

describe('resolveAgentSocket', () => {
  it('prefers an explicit socket, then SSH_AUTH_SOCK', () => {
    expect(resolveAgentSocket('/run/agent', { SSH_AUTH_SOCK: '/tmp/x' }, 'linux')).toBe('/run/agent');
    expect(resolveAgentSocket(undefined, { SSH_AUTH_SOCK: '/tmp/x' }, 'linux')).toBe('/tmp/x');
    expect(resolveAgentSocket(undefined, {}, 'darwin')).toBeUndefined();
  });

  it('falls back to Pageant on Windows when the OpenSSH agent pipe is absent', () => {
    // On this (non-Windows) machine the pipe path never exists.
    expect(resolveAgentSocket(undefined, { SSH_AUTH_SOCK: '/ignored' }, 'win32')).toBe('pageant');
  });
});
