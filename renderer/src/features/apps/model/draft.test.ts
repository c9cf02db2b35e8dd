import { describe, expect, it } from 'vitest';
import { checkDraft, fieldKey, getIn, numberFromInput, renameKey, setIn } from './draft';
import { newApp } from '../../../../../shared/model/new-app';

describe('fieldKey', () => {
  it('spells paths the way diagnostics do', () => {
    expect(fieldKey(['services', 'web', 'routes', 0, 'port'])).toBe('services.web.routes[0].port');
    expect(fieldKey(['name'])).toBe('name');
  });
});

describe('setIn', () => {
  it('sets deep values without touching the original', () => {
    const app = newApp('demo');
    const next = setIn(app, ['services', 'web', 'replicas'], 3);
    expect(getIn(next, ['services', 'web', 'replicas'])).toBe(3);
    expect(app.services.web!.replicas).toBe(1);
  });

  it('creates arrays for numeric steps and removes on undefined', () => {
    const withRoute = setIn({} as Record<string, unknown>, ['routes', 0, 'domain'], 'a.example.com');
    expect(withRoute).toEqual({ routes: [{ domain: 'a.example.com' }] });
    expect(setIn(withRoute, ['routes', 0], undefined)).toEqual({ routes: [] });
    expect(setIn({ a: 1, b: 2 }, ['a'], undefined)).toEqual({ b: 2 });
  });
});

describe('renameKey', () => {
  it('keeps the entry order', () => {
    const renamed = renameKey({ services: { a: 1, b: 2, c: 3 } }, ['services'], 'b', 'x');
    expect(Object.keys(renamed.services)).toEqual(['a', 'x', 'c']);
  });
});

describe('checkDraft', () => {
  it('accepts a valid app', () => {
    const result = checkDraft(newApp('demo'));
    expect(result.app?.name).toBe('demo');
    expect(result.issues).toEqual({});
  });

  it('reports invalid values by field and yields no app', () => {
    const draft = setIn(setIn(newApp('demo'), ['services', 'web', 'replicas'], 'three'), ['services', 'web', 'ports', 0, 'port'], 70000);
    const result = checkDraft(draft);
    expect(result.app).toBeNull();
    expect(Object.keys(result.issues).sort()).toEqual(['services.web.ports[0].port', 'services.web.replicas']);
  });

  it('points a missing image at the image field', () => {
    const result = checkDraft(setIn(newApp('demo'), ['services', 'web', 'image'], undefined));
    expect(result.issues['services.web.image']).toMatch(/image or a build/);
  });
});

describe('numberFromInput', () => {
  it('keeps what does not parse so the user sees it flagged', () => {
    expect(numberFromInput('')).toBeUndefined();
    expect(numberFromInput(' 8080 ')).toBe(8080);
    expect(numberFromInput('0.5')).toBe(0.5);
    expect(numberFromInput('80a')).toBe('80a');
  });
});
