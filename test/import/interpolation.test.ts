import { describe, expect, it } from 'vitest';
import { interpolate } from '../../shared/translate/import/interpolate.js';
import { importCompose } from '../../shared/translate/import/index.js';
import { codes, importOk, service } from './helpers.js';

const vars: Record<string, string> = { SET: 'value', EMPTY: '' };
const lookup = (n: string) => vars[n];

describe('interpolation', () => {
  it.each([
    ['${SET}', 'value'],
    ['$SET/x', 'value/x'],
    ['${UNSET:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${EMPTY-fallback}', ''],
    ['${UNSET-fallback}', 'fallback'],
    ['${SET:+alt}', 'alt'],
    ['${UNSET:+alt}', ''],
    ['${UNSET:-${SET}-x}', 'value-x'],
    ['${UNSET:-$SET}', 'value'],
    ['cost $$5 and $${SET}', 'cost $5 and ${SET}'],
  ])('%s → %s', (text, expected) => {
    expect(interpolate(text, lookup).value).toBe(expected);
  });

  it('reports unset variables and failed requirements', () => {
    expect(interpolate('${A}', lookup).unset).toEqual(['A']);
    expect(interpolate('${A:-d}', lookup).unset).toEqual([]);
    expect(interpolate('${A:?set A please}', lookup).required).toEqual([{ name: 'A', message: 'set A please' }]);
    expect(interpolate('${A?}', lookup).required).toHaveLength(1);
    expect(interpolate('${EMPTY?}', lookup).required).toHaveLength(0);
    expect(interpolate('${EMPTY:?}', lookup).required).toHaveLength(1);
  });

  it('takes values from the .env content, interpolating it too', () => {
    const r = importOk('services:\n  web:\n    image: "nginx:${TAG}"\n    command: ["echo", "${GREETING}"]\n', { envFile: 'TAG=1.27\nNAME=world\nGREETING="hello ${NAME}"\n' });
    expect(service(r, 'web').image).toBe('nginx:1.27');
    expect(service(r, 'web').command).toEqual(['echo', 'hello world']);
  });

  it('never takes values from the converting machine\'s environment (kompose copies them)', () => {
    process.env.BERTH_LEAK_CANARY = 'leaked-value';
    try {
      const r = importOk('services:\n  web:\n    image: "nginx:${BERTH_LEAK_CANARY:-safe}"\n    environment:\n      - BERTH_LEAK_CANARY\n      - OTHER=${BERTH_LEAK_CANARY}\n');
      expect(JSON.stringify(r)).not.toContain('leaked-value');
      expect(service(r, 'web').image).toBe('nginx:safe');
      expect(service(r, 'web').env.BERTH_LEAK_CANARY).toEqual({ secret: 'BERTH_LEAK_CANARY', scope: 'runtime' });
      expect(service(r, 'web').env.OTHER).toBe('');
      expect(codes(r)).toEqual(expect.arrayContaining(['IMPORT_ENV_FROM_HOST', 'IMPORT_VARIABLE_UNSET']));
    } finally {
      delete process.env.BERTH_LEAK_CANARY;
    }
  });

  it('fails with a coded error at the position of a required variable', () => {
    const r = importCompose('services:\n  web:\n    image: "${IMAGE:?set IMAGE}"\n', { fileName: 'c.yml' });
    expect(r.app).toBeNull();
    expect(r.diagnostics).toContainEqual(expect.objectContaining({ code: 'IMPORT_VARIABLE_REQUIRED', file: 'c.yml', line: 3, column: 5 }));
  });
});
