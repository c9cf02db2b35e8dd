import { describe, expect, it } from 'vitest';
import { app } from './support/apps.js';
import { kube } from './support/kube.js';

const withTemplate = () => app({ api: { image: 'x', env: { DATABASE_URL: { template: 'postgres://u:${secret:PG_PASS}@db/x' }, POSTGRES_PASSWORD: { secret: 'PG_PASS' } } } });

describe('env values with secrets inside (issue item 8) on Kubernetes', () => {
  it('keep the whole filled value in the app Secret, referenced by key, never as plain text', () => {
    const k = kube(withTemplate(), { secrets: { PG_PASS: 'hunter2' } });
    const env = k.pod('api').containers[0].env;
    expect(env).toEqual([
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'api.DATABASE_URL' } } },
      { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'PG_PASS' } } },
    ]);
    expect(k.find('Secret', 'shop-secrets')!.stringData).toEqual({ 'api.DATABASE_URL': '********', PG_PASS: '********' });
    expect(k.result.files[0]!.content).not.toContain('postgres://');
    expect(k.result.files[0]!.content).not.toContain('hunter2');
  });

  it('fill the value in when revealed, and report each missing part', () => {
    const revealed = kube(withTemplate(), { secrets: { PG_PASS: 'hunter2' }, revealSecrets: true });
    expect(revealed.find('Secret', 'shop-secrets')!.stringData['api.DATABASE_URL']).toBe('postgres://u:hunter2@db/x');
    const missing = kube(withTemplate(), { revealSecrets: true });
    expect(missing.diagnostic('SECRET_MISSING').map((d) => [d.severity, d.field])).toEqual([['error', 'services.api.env.DATABASE_URL'], ['error', 'services.api.env.POSTGRES_PASSWORD']]);
  });
});
