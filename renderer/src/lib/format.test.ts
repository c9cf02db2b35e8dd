import { describe, expect, it } from 'vitest';
import { counted, durationBetween, formatDuration } from './format';

describe('formatDuration', () => {
  it('says spans of time the way people do', () => {
    expect(formatDuration(40)).toBe('<0.1 s');
    expect(formatDuration(4_240)).toBe('4.2 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(3 * 60_000 + 5_000)).toBe('3 min 05 s');
    expect(formatDuration(2 * 3_600_000 + 10 * 60_000)).toBe('2 h 10 min');
    expect(formatDuration(76 * 3_600_000)).toBe('3 d 4 h');
    expect(formatDuration(-1)).toBe('—');
  });
});

describe('durationBetween', () => {
  it('measures between two timestamps, or until now, and gives up on missing ones', () => {
    expect(durationBetween('2026-12-01T09:30:00Z', '2026-12-01T09:30:12.5Z')).toBe(12_500);
    expect(durationBetween('2026-12-01T09:30:00Z', undefined, Date.parse('2026-12-01T09:31:00Z'))).toBe(60_000);
    expect(durationBetween(undefined, '2026-12-01T09:30:00Z')).toBeUndefined();
    expect(durationBetween('unknown', undefined)).toBeUndefined();
  });
});

describe('counted', () => {
  it('says the number with its noun, singular for one only, with thousands separators', () => {
    expect(counted(1, ['service', 'services'])).toBe('1 service');
    expect(counted(0, ['service', 'services'])).toBe('0 services');
    expect(counted(1000, ['app', 'apps'])).toBe('1,000 apps');
  });
});
