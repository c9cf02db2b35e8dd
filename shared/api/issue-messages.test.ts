import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { App, Destination } from '../model/app.js';
import { ServerInput } from '../model/server.js';
import { describeIssues } from './errors.js';
import { fieldLabel, issueMessage } from './issue-messages.js';

const app = (extra: Record<string, unknown> = {}, service: Record<string, unknown> = {}) =>
  ({ apiVersion: 'berth.dev/v1', kind: 'App', name: 'shop', services: { web: { image: 'nginx:1', ...service } }, ...extra });

/** The sentence for each issue of a failed parse, by field. */
function messages(schema: z.ZodType, value: unknown): Record<string, string> {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected the value to be invalid');
  const out: Record<string, string> = {};
  // The first problem of each field, as the forms show it.
  for (const i of parsed.error.issues) out[i.path.map(String).join('.')] ??= issueMessage(i);
  return out;
}

/** zod's own wording, which must never reach a person. */
const RAW = /Too small|Too big|Invalid key in record|Invalid input|expected \w+, received|Unrecognized key|Invalid string|>=|<=/;

describe('issue messages', () => {
  it('names the field and the fix for the problems people actually hit', () => {
    expect(messages(App, app({ name: '' }))).toEqual({ name: 'Enter the name; it cannot be empty.' });
    expect(messages(App, app({}, { ports: [{ port: 99999 }] }))).toEqual({ 'services.web.ports.0.port': 'Port: enter a port from 1 to 65535.' });
    expect(messages(App, app({}, { ports: [{ port: 0 }] }))).toEqual({ 'services.web.ports.0.port': 'Port: enter a port from 1 to 65535.' });
    expect(messages(App, app({ services: { Web_1: { image: 'nginx' } } }))).toEqual({
      'services.Web_1': '"Web_1" is not a valid service name: use lowercase letters, digits and dashes; starts and ends with a letter or digit (DNS-1123 label).',
    });
    expect(messages(Destination, { type: 'kubernetes' })).toEqual({ name: 'Enter the name.', context: 'Enter the context.' });
    expect(messages(App, app({ name: 'My App!' }))).toEqual({ name: 'Name: use lowercase letters, digits and dashes; starts and ends with a letter or digit (DNS-1123 label).' });
  });

  it('words types, enums, unknown keys, unions and refinements', () => {
    expect(messages(App, app({}, { replicas: 'two' }))).toEqual({ 'services.web.replicas': 'Replicas must be a number, not text.' });
    expect(messages(App, app({}, { restart: 'sometimes' }))).toEqual({ 'services.web.restart': 'Restart must be one of "always", "unless-stopped", "on-failure" or "no".' });
    expect(messages(App, app({}, { imgae: 'x' }))).toEqual({ 'services.web': 'Service web has a field Berth does not know: "imgae". Check the spelling or remove it.' });
    expect(messages(App, app({}, { env: { A: 5 } }))).toEqual({ 'services.web.env.A': 'Variable A is not in a form Berth understands; see docs/berth-yaml.md for what it can be.' });
    expect(messages(App, app({ services: { web: {} } }))).toEqual({ 'services.web.image': 'A service needs an image or a build source.' });
    expect(messages(App, app({}, { resources: { limits: { memory: 'lots' } } }))).toEqual({ 'services.web.resources.limits.memory': 'Memory: enter a size such as 512Mi or 1Gi.' });
    expect(messages(Destination, { type: 'swarm', name: 'x' })).toEqual({ type: 'Type must be one of "docker", "kubernetes".' });
    expect(messages(App, app({}, { routes: [{ domain: 'a.test', port: 80, path: 'api' }] }))).toEqual({ 'services.web.routes.0.path': 'Path must start with "/".' });
  });

  it('labels fields from their path', () => {
    expect(fieldLabel(['services', 'web', 'ports', 0, 'publish'])).toBe('published port');
    expect(fieldLabel(['auth', 'keyPath'])).toBe('private key file');
    expect(fieldLabel(['services', 'web', 'healthcheck', 'startPeriodSeconds'])).toBe('start period (seconds)');
    expect(fieldLabel(['services', 'web'])).toBe('service web');
    expect(fieldLabel([], 'destination')).toBe('destination');
    expect(fieldLabel(['stopGraceful'])).toBe('stop graceful');
  });

  it('lets a form use its own label', () => {
    const issue = ServerInput.safeParse({ name: 'x', host: 'a b', user: 'u', auth: { method: 'agent' } }).error!.issues[0]!;
    expect(issueMessage(issue, 'host')).toBe('Host: enter a host name or address without spaces or shell characters.');
  });

  it('describeIssues says where a nested field is, in sentences only', () => {
    const parsed = App.safeParse(app({ name: '' }, { ports: [{ port: 99999 }], replicas: -1 }));
    const text = describeIssues(parsed.error!);
    expect(text).toBe('Enter the name; it cannot be empty. Port: enter a port from 1 to 65535 (at services.web.ports[0].port). Replicas must be at least 0 (at services.web.replicas).');
    expect(text).not.toMatch(RAW);
    expect(describeIssues(z.object({ a: z.string() }).safeParse(5).error!, 'input')).toBe('Input must be a mapping (key: value lines), not a number.');
  });

  it('never passes zod wording through, whatever the schema', () => {
    const cases: [z.ZodType, unknown][] = [
      [App, {}],
      [App, app({ volumes: { Data: {} } })],
      [App, app({}, { healthcheck: { intervalSeconds: 0 } })],
      [App, app({}, { dependsOn: [3] })],
      [Destination, {}],
      [Destination, { type: 'docker', name: 'd', server: '', httpPort: 70000, keepReleases: 0 }],
      [ServerInput, { name: '', host: '', port: Number.NaN, user: '', auth: { method: 'key', keyPath: '' } }],
      [z.array(z.string()).min(1), []],
      [z.string().max(3), 'abcd'],
      [z.string().url(), 'nope'],
    ];
    for (const [schema, value] of cases) {
      for (const message of Object.values(messages(schema, value))) expect(message).not.toMatch(RAW);
    }
  });
});
