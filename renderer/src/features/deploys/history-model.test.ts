import { describe, expect, it } from 'vitest';
import type { DeployRecord, ReleaseInfo } from '../../../../shared/model/deploy';
import { describeSource, historyEntries, unseenChunks } from './history-model';

const release = (id: string, state: ReleaseInfo['state'], extra: Partial<ReleaseInfo> = {}): ReleaseInfo => ({
  id, app: 'shop', kind: 'deploy', by: 'ann@laptop', berthVersion: '0.1.0', createdAt: '2026-12-01T09:30:00Z', state,
  source: { commit: '0123456789abcdef', ref: 'main' }, images: [], services: {}, files: [], ...extra,
});
const record = (id: string, outcome: DeployRecord['outcome'], extra: Partial<DeployRecord> = {}): DeployRecord => ({
  id, kind: 'deploy', app: 'shop', destination: 'vps', server: 'vps-1', by: 'me@here', startedAt: '2026-12-01T10:00:00Z', outcome, steps: [], ...extra,
});

describe('historyEntries', () => {
  it('joins releases and local records by id, newest first, the server state winning once a deploy ended', () => {
    const entries = historyEntries(
      [record('r20261202-100000-bbbb', 'succeeded'), record('r20261203-100000-cccc', 'failed', { error: 'health check failed' })],
      [release('r20261201-093000-aaaa', 'kept'), release('r20261202-100000-bbbb', 'serving')],
    );
    expect(entries.map((e) => [e.id, e.state, Boolean(e.release), Boolean(e.record)])).toEqual([
      ['r20261203-100000-cccc', 'failed', false, true],
      ['r20261202-100000-bbbb', 'serving', true, true],
      ['r20261201-093000-aaaa', 'kept', true, false],
    ]);
    expect(entries[0]!.error).toBe('health check failed');
    expect(entries[1]!.by).toBe('ann@laptop');
  });

  it('shows a running local deploy as running, and local outcomes when the server could not be read', () => {
    expect(historyEntries([record('r20261202-100000-bbbb', 'running')], [release('r20261202-100000-bbbb', 'running')])[0]!.state).toBe('running');
    expect(historyEntries([record('r20261202-100000-bbbb', 'succeeded')], null)[0]!.state).toBe('succeeded');
  });
});

describe('describeSource', () => {
  it('names the commit and ref, else the repository', () => {
    expect(describeSource({ commit: '0123456789abcdef', ref: 'main' })).toBe('0123456 main');
    expect(describeSource({ repository: 'https://git.example/shop.git' })).toBe('https://git.example/shop.git');
    expect(describeSource({})).toBeUndefined();
  });
});

describe('unseenChunks', () => {
  it('skips chunks the snapshot already ends with, keeps the rest in order', () => {
    expect(unseenChunks('a\r\nb\r\nc\r\n', ['b\r\n', 'c\r\n', 'd\r\n'])).toEqual(['d\r\n']);
    expect(unseenChunks('a\r\nb\r\nc\r\n', ['b\r\n', 'c\r\n'])).toEqual([]);
    expect(unseenChunks('a\r\n', ['x\r\n', 'y\r\n'])).toEqual(['x\r\n', 'y\r\n']);
    expect(unseenChunks('', [])).toEqual([]);
  });
});
