import { describe, expect, it } from 'vitest';
import { applyExtrasYaml, extrasToYaml } from './service-extras';

const service = { image: 'nginx', replicas: 2, user: '1000', command: ['npm', 'start'], labels: {}, files: [] };

describe('extrasToYaml', () => {
  it('shows only non-empty fields that have no widget', () => {
    expect(extrasToYaml(service)).toBe("user: '1000'\ncommand:\n  - npm\n  - start\n");
    expect(extrasToYaml({ image: 'nginx', labels: {} })).toBe('');
  });
});

describe('applyExtrasYaml', () => {
  it('replaces the other fields and keeps the form fields', () => {
    const result = applyExtrasYaml(service, 'workingDir: /app\n');
    expect(result).toEqual({ ok: true, service: { image: 'nginx', replicas: 2, workingDir: '/app' } });
  });

  it('reports YAML errors with their line', () => {
    const result = applyExtrasYaml(service, 'user: app\ncommand: [npm\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.line).toBeGreaterThanOrEqual(2);
  });

  it('refuses fields that belong to the form', () => {
    const result = applyExtrasYaml(service, 'image: redis\n');
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('image') });
  });

  it('refuses a non-mapping', () => {
    expect(applyExtrasYaml(service, '- a\n- b\n').ok).toBe(false);
  });
});
