import { describe, expect, it } from 'vitest';
import { suggestName } from './import-name';

describe('suggestName', () => {
  it('names the app after a file with a name of its own', () => {
    expect(suggestName({ name: 'Web Shop.yml' })).toEqual({ name: 'web-shop' });
  });

  it('names compose.yaml and its kin after the picked folder', () => {
    expect(suggestName({ name: 'compose.yaml', webkitRelativePath: 'My Shop/compose.yaml' })).toEqual({ name: 'my-shop' });
    expect(suggestName({ name: 'docker-compose.yml', webkitRelativePath: 'ledger/docker-compose.yml' })).toEqual({ name: 'ledger' });
  });

  it('says why there is no name when the browser gave only the file name', () => {
    const suggested = suggestName({ name: 'compose.yaml', webkitRelativePath: '' });
    expect(suggested.name).toBe('');
    expect(suggested.why).toMatch(/only the file name \(compose\.yaml\).*"app"/);
  });
});
