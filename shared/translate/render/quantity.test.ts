import { describe, expect, it } from 'vitest';
import { bytesToCompose, bytesToKubernetes, cpusToKubernetes, quantityToBytes } from './quantity.js';
import { toDnsLabel, isDnsLabel } from './names.js';

describe('quantities', () => {
  it('read sizes with Kubernetes meaning: M is 10^6, Mi is 2^20', () => {
    expect(quantityToBytes('512M')).toBe(512_000_000);
    expect(quantityToBytes('512Mi')).toBe(512 * 1024 ** 2);
    expect(quantityToBytes('1.5Gi')).toBe(1.5 * 1024 ** 3);
    expect(quantityToBytes('64k')).toBe(64_000);
  });

  it('write the shortest exact Kubernetes quantity', () => {
    expect(bytesToKubernetes(512_000_000)).toBe('512M');
    expect(bytesToKubernetes(512 * 1024 ** 2)).toBe('512Mi');
    expect(bytesToKubernetes(1.5 * 1024 ** 3)).toBe('1536Mi');
    expect(bytesToKubernetes(1001)).toBe('1001');
  });

  it('write Docker sizes, whose suffixes are binary', () => {
    expect(bytesToCompose(1024 ** 3)).toBe('1g');
    expect(bytesToCompose(512 * 1024 ** 2)).toBe('512m');
    expect(bytesToCompose(512_000_000)).toBe('500000k');
    expect(bytesToCompose(1001)).toBe('1001b');
  });

  it('write CPUs as millicores', () => {
    expect(cpusToKubernetes(0.5)).toBe('500m');
    expect(cpusToKubernetes(2)).toBe('2');
    expect(cpusToKubernetes(0.0001)).toBe('1m');
  });
});

describe('DNS-1123 names', () => {
  it('normalise anything into a label and keep long names apart', () => {
    expect(toDnsLabel('Web_App.v2')).toBe('web-app-v2');
    const a = toDnsLabel(`${'x'.repeat(70)}-a`);
    const b = toDnsLabel(`${'x'.repeat(70)}-b`);
    expect(isDnsLabel(a) && isDnsLabel(b)).toBe(true);
    expect(a).not.toBe(b);
  });
});
