import { describe, expect, it } from 'vitest';
import { withoutOverride } from './overrides';
import { newApp } from '../../../../../shared/model/new-app';
import { fieldCandidates } from './fields';

describe('withoutOverride', () => {
  it('removes only the matching override', () => {
    const app = {
      ...newApp('demo'),
      overrides: [
        { target: 'compose' as const, kind: 'service', name: 'web', patch: { labels: { a: 'b' } } },
        { target: 'kubernetes' as const, kind: 'Deployment', name: 'web', patch: { metadata: { labels: { a: 'b' } } } },
      ],
    };
    expect(withoutOverride(app, { target: 'kubernetes', kind: 'Deployment', name: 'web' }).overrides).toEqual([app.overrides[0]]);
  });
});

describe('fieldCandidates', () => {
  it('walks from the field out to its enclosing sections', () => {
    expect(fieldCandidates('services.web.routes[0].port')).toEqual([
      'services.web.routes[0].port',
      'services.web.routes[0]',
      'services.web.routes',
      'services.web',
      'services',
    ]);
  });
});
