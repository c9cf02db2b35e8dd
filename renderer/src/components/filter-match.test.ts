import { describe, expect, it } from 'vitest';
import { filterCount, filterItems, filterTerms, matchesTerms } from './filter-match';

const servers = [
  { name: 'This computer', address: '' },
  { name: 'Web-1', address: 'deploy@10.0.0.5' },
  { name: 'db', address: 'postgres@10.0.1.9' },
  { name: 'Build box', address: 'ci@build.example.com' },
];
const fields = (s: (typeof servers)[number]) => [s.name, s.address];
const names = (query: string) => filterItems(servers, query, fields).map((s) => s.name);

describe('list filter', () => {
  it('matches a part of any field, ignoring case', () => {
    expect(names('web')).toEqual(['Web-1']);
    expect(names('WEB')).toEqual(['Web-1']);
    expect(names('10.0')).toEqual(['Web-1', 'db']);
    expect(names('EXAMPLE.COM')).toEqual(['Build box']);
  });

  it('needs every word, each in some field', () => {
    expect(names('deploy 10.0')).toEqual(['Web-1']);
    expect(names('postgres 0.0.5')).toEqual([]);
    expect(names('build   box')).toEqual(['Build box']);
  });

  it('keeps everything, in order and as the same array, for a blank query', () => {
    expect(filterItems(servers, '', fields)).toBe(servers);
    expect(filterItems(servers, '   ', fields)).toBe(servers);
    expect(filterTerms(' A  b ')).toEqual(['a', 'b']);
    expect(matchesTerms([], [])).toBe(true);
  });

  it('finds nothing when no field has the word', () => {
    expect(names('nginx')).toEqual([]);
    expect(matchesTerms(['x'], [])).toBe(false);
  });

  it('counts with thousands separators', () => {
    expect(filterCount(12, 1000)).toBe('12 of 1,000');
    expect(filterCount(0, 5)).toBe('0 of 5');
  });
});
