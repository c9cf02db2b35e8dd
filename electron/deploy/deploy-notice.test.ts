import { describe, expect, it } from 'vitest';
import type { DeployRecord } from '../../shared/model/deploy.js';
import { deployNotice } from './deploy-notice.js';

const record = (extra: Partial<DeployRecord>): DeployRecord => ({
  id: 'r20261201-100000-abcd', kind: 'deploy', app: 'shop', destination: 'vps', server: 's', by: 'me@here', startedAt: '2026-12-01T10:00:00Z', outcome: 'running', steps: [], ...extra,
});

describe('the desktop notification of a finished deploy', () => {
  it('says nothing while it runs, and what happened when it ends', () => {
    expect(deployNotice(record({}))).toBeUndefined();
    expect(deployNotice(record({ outcome: 'succeeded' }))).toEqual({ title: 'Deploy of shop to vps succeeded', body: 'r20261201-100000-abcd is serving.' });
    expect(deployNotice(record({ outcome: 'failed', error: 'web is unhealthy\nHealth check history…' }))).toEqual({ title: 'Deploy of shop to vps failed', body: 'web is unhealthy' });
    expect(deployNotice(record({ kind: 'rollback', outcome: 'cancelled' }))?.title).toBe('Rollback of shop to vps cancelled');
  });
});
