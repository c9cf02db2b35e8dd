import { describe, expect, it } from 'vitest';
import { parseJumpSpec, splitProxyJump } from './ssh-config.js';

describe('ProxyJump values', () => {
  it('splits chains and honours none', () => {
    expect(splitProxyJump('a, b,c')).toEqual(['a', 'b', 'c']);
    expect(splitProxyJump('none')).toEqual([]);
  });

  it('parses [user@]host[:port] and ssh:// hops', () => {
    expect(parseJumpSpec('bastion')).toEqual({ user: undefined, host: 'bastion' });
    expect(parseJumpSpec('ops@bastion:2222')).toEqual({ user: 'ops', host: 'bastion', port: 2222 });
    expect(parseJumpSpec('ssh://ops@[::1]:2200')).toEqual({ user: 'ops', host: '::1', port: 2200 });
  });
});
