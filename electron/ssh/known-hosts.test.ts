import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkHostKey, fingerprint, hostsFieldMatches, knownHostName, parseKnownHosts } from './known-hosts.js';

function blob(type: string, body: string): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, Buffer.from(body)]);
}

const keyA = blob('ssh-ed25519', 'key-a');
const keyB = blob('ssh-ed25519', 'key-b');
const rsa = blob('ssh-rsa', 'key-r');
const line = (hosts: string, key: Buffer, marker = '') => `${marker}${hosts} ${key.subarray(4, 4 + key.readUInt32BE(0)).toString()} ${key.toString('base64')}`;

describe('known_hosts', () => {
  it('names hosts like OpenSSH', () => {
    expect(knownHostName('example.com', 22)).toBe('example.com');
    expect(knownHostName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });

  it('matches wildcards, comma lists and negation', () => {
    expect(hostsFieldMatches('*.example.com,other', 'web.example.com')).toBe(true);
    expect(hostsFieldMatches('*.example.com,!db.example.com', 'db.example.com')).toBe(false);
    expect(hostsFieldMatches('web?.example.com', 'web1.example.com')).toBe(true);
    expect(hostsFieldMatches('WEB.example.com', 'web.example.com')).toBe(true);
    expect(hostsFieldMatches('[h]:2222', '[h]:2200')).toBe(false);
    expect(hostsFieldMatches('[h]:22*', '[h]:2200')).toBe(true);
  });

  it('matches hashed names', () => {
    const salt = Buffer.from('0123456789abcdefghij');
    const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[h]:2222').digest('base64')}`;
    expect(hostsFieldMatches(hashed, '[h]:2222')).toBe(true);
    expect(hostsFieldMatches(hashed, 'h')).toBe(false);
  });

  it('tells known, unknown, changed and revoked apart', () => {
    const entries = parseKnownHosts([line('web', keyA), line('*', keyB, '@revoked '), '# comment', '', line('db', rsa), '@cert-authority * ssh-ed25519 AAAA'].join('\n'), 'kh');
    expect(checkHostKey(entries, 'web', keyA)).toEqual({ status: 'known' });
    expect(checkHostKey(entries, 'new', keyA)).toEqual({ status: 'unknown', otherTypesKnown: [] });
    expect(checkHostKey(entries, 'db', keyA)).toEqual({ status: 'unknown', otherTypesKnown: ['ssh-rsa'] });
    expect(checkHostKey(entries, 'web', blob('ssh-ed25519', 'key-c'))).toMatchObject({ status: 'changed', offending: { file: 'kh', line: 1 } });
    expect(checkHostKey(entries, 'web', keyB)).toMatchObject({ status: 'revoked', entry: { line: 2 } });
  });

  it('prints fingerprints as unpadded SHA256 base64', () => {
    expect(fingerprint(keyA)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
