import { describe, expect, it } from 'vitest';
import { createRedactor } from './redact.js';

describe('redaction of deploy logs and records', () => {
  const redact = createRedactor(['hunter2-secret', 'p@ss word']);

  it('replaces known secret values, also URL- and base64-encoded', () => {
    expect(redact('PASSWORD=hunter2-secret')).toBe('PASSWORD=***');
    expect(redact('url p%40ss%20word here')).toBe('url *** here');
    expect(redact(`basic ${btoa('hunter2-secret')}`)).toBe('basic ***');
  });

  it('hides passwords in URLs, tokens and private keys it was never told about', () => {
    expect(redact('cloning https://deploy:ghp_abcdefghijklmnopqrstuvwxyz0123@github.com/x/y')).toBe('cloning https://deploy:***@github.com/x/y');
    expect(redact('postgres://app:s3cr3t@db:5432/shop')).toBe('postgres://app:***@db:5432/shop');
    expect(redact('token ghp_abcdefghijklmnopqrstuvwxyz0123 used')).toBe('token *** used');
    expect(redact('Authorization: Bearer abc.def.ghijklmnop')).toBe('Authorization: Bearer ***');
    expect(redact('AWS key AKIAABCDEFGHIJKLMNOP')).toBe('AWS key ***');
    expect(redact('-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----')).toBe('***');
    expect(redact('api_key=abcdef123456 next')).toBe('api_key=*** next');
  });

  it('leaves ordinary output alone and ignores values too short to replace safely', () => {
    const short = createRedactor(['on']);
    expect(short('docker compose up: done')).toBe('docker compose up: done');
    expect(redact('Step 2/4 : COPY www /www')).toBe('Step 2/4 : COPY www /www');
  });
});
