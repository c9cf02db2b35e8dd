import { describe, expect, it } from 'vitest';
import { emptyForm, formFromServer, validateForm } from './server-form-model';

describe('server form model', () => {
  it('turns a filled form into the input the core expects', () => {
    const { input, errors } = validateForm({ ...emptyForm, name: 'Web 1', host: 'web1.example.com', port: '2222', user: 'deploy', auth: 'agent', agentSocket: '' });
    expect(errors).toEqual({});
    expect(input).toMatchObject({ name: 'Web 1', host: 'web1.example.com', port: 2222, user: 'deploy', auth: { method: 'agent' } });
  });

  it('reports each problem on its own field', () => {
    const { input, errors } = validateForm({ ...emptyForm, name: '', host: 'bad host;rm', port: '70000', user: 'deploy', auth: 'key', keyPath: '' });
    expect(input).toBeUndefined();
    expect(Object.keys(errors).sort()).toEqual(['host', 'keyPath', 'name', 'port']);
    expect(errors.port).toMatch(/1 to 65535/);
  });

  it('round-trips a saved server', () => {
    const form = formFromServer({ kind: 'ssh', id: 'db', name: 'DB', host: '10.0.0.5', port: 22, user: 'root', auth: { method: 'key', keyPath: '/k' }, proxyJump: [] });
    expect(validateForm(form).input).toMatchObject({ host: '10.0.0.5', auth: { method: 'key', keyPath: '/k' } });
  });
});
