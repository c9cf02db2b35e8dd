import { describe, expect, it } from 'vitest';
import { mergeCompose, mergeLayers } from '../../shared/translate/import/merge.js';
import { parseYaml } from '../../shared/translate/import/yaml-source.js';

/** One rule per test: the web service of `base` with `top` merged over it, as compose-go's override package does. */
const web = (base: Record<string, unknown>, top: Record<string, unknown>) =>
  (mergeCompose({ services: { web: base } }, { services: { web: top } }).services as Record<string, Record<string, unknown>>).web!;

describe('compose merge rules', () => {
  it('merges mappings recursively and replaces scalars', () => {
    expect(web({ image: 'a', deploy: { resources: { limits: { cpus: '1' } }, replicas: 2 } }, { image: 'b', deploy: { resources: { limits: { memory: '1g' } } } }))
      .toEqual({ image: 'b', deploy: { resources: { limits: { cpus: '1', memory: '1g' } }, replicas: 2 } });
  });

  it('keeps the earlier value when the later one is null (only !reset removes)', () => {
    expect(web({ image: 'a', user: '1' }, { user: null })).toEqual({ image: 'a', user: '1' });
  });

  it('appends ports and de-duplicates equal ones', () => {
    expect(web({ ports: ['80:80', '443:443'] }, { ports: ['80:80', '8080:8080'] })).toEqual({ ports: ['80:80', '443:443', '8080:8080'] });
    expect(web({ ports: [{ target: 80, published: 8080 }] }, { ports: [{ target: 80, published: 8080 }] })).toEqual({ ports: [{ target: 80, published: 8080 }] });
  });

  it('appends expose, dns, dns_search, cap_add, profiles, tmpfs without duplicates; a string is a list of one', () => {
    expect(web({ expose: [3000, '9000'], dns: '8.8.8.8', cap_add: ['NET_ADMIN'], tmpfs: '/run' }, { expose: [3000, 9100], dns: ['1.1.1.1', '8.8.8.8'], cap_add: ['NET_ADMIN', 'SYS_TIME'], tmpfs: ['/tmp'] }))
      .toEqual({ expose: [3000, '9000', 9100], dns: ['8.8.8.8', '1.1.1.1'], cap_add: ['NET_ADMIN', 'SYS_TIME'], tmpfs: ['/run', '/tmp'] });
  });

  it('merges volumes by their target path, the later mount replacing the earlier in place', () => {
    expect(web({ volumes: ['./a:/data', 'logs:/var/log', '/cache'] }, { volumes: ['./b:/data:ro', { type: 'volume', source: 'x', target: '/srv' }] }))
      .toEqual({ volumes: ['./b:/data:ro', 'logs:/var/log', '/cache', { type: 'volume', source: 'x', target: '/srv' }] });
  });

  it('merges secrets and configs by target (/run/secrets/<name> unless set)', () => {
    expect(web({ secrets: ['db', { source: 'api', target: '/etc/api' }] }, { secrets: [{ source: 'db', mode: 0o400 }, { source: 'other', target: '/etc/api' }] }))
      .toEqual({ secrets: [{ source: 'db', mode: 0o400 }, { source: 'other', target: '/etc/api' }] });
    expect(web({ configs: ['nginx'] }, { configs: [{ source: 'nginx', target: '/nginx' }] })).toEqual({ configs: [{ source: 'nginx', target: '/nginx' }] });
  });

  it('merges environment and labels by key, in list or map form', () => {
    expect(web({ environment: { A: '1', B: '2' } }, { environment: { B: '3', C: null } })).toEqual({ environment: { A: '1', B: '3', C: null } });
    expect(web({ environment: ['A=1', 'B=2'] }, { environment: { B: 3 } })).toEqual({ environment: ['A=1', 'B=3'] });
    expect(web({ labels: { a: 'x' } }, { labels: ['a=y', 'b=z'] })).toEqual({ labels: ['a=y', 'b=z'] });
    expect(web({ environment: ['A=1', 'KEEP'] }, { environment: ['A'] })).toEqual({ environment: ['A', 'KEEP'] });
  });

  it('replaces command, entrypoint and healthcheck.test instead of appending', () => {
    expect(web({ command: ['a', 'b'], entrypoint: ['/x'], healthcheck: { test: ['CMD', 'a'], interval: '5s' } }, { command: ['c'], entrypoint: '/y', healthcheck: { test: ['CMD', 'b'] } }))
      .toEqual({ command: ['c'], entrypoint: '/y', healthcheck: { test: ['CMD', 'b'], interval: '5s' } });
  });

  it('appends other lists as they are (security_opt)', () => {
    expect(web({ security_opt: ['a'] }, { security_opt: ['a', 'b'] })).toEqual({ security_opt: ['a', 'a', 'b'] });
  });

  it('merges build as a mapping, a string being its context', () => {
    expect(web({ build: './app' }, { build: { target: 'dev', args: ['X=1'] } })).toEqual({ build: { context: './app', target: 'dev', args: ['X=1'] } });
    expect(web({ build: { context: '.', args: { X: '1', Y: '2' } } }, { build: { args: { Y: '3' } } })).toEqual({ build: { context: '.', args: { X: '1', Y: '3' } } });
  });

  it('merges depends_on and networks in either form, a list entry meaning the default', () => {
    expect(web({ depends_on: ['db'] }, { depends_on: { cache: { condition: 'service_healthy' } } }))
      .toEqual({ depends_on: { db: { condition: 'service_started', required: true }, cache: { condition: 'service_healthy' } } });
    expect(web({ networks: ['front'] }, { networks: { front: { aliases: ['a'] }, back: null } })).toEqual({ networks: { front: { aliases: ['a'] }, back: null } });
    expect(web({ networks: { front: { aliases: ['a', 'b'] } } }, { networks: { front: { aliases: ['b', 'c'] } } })).toEqual({ networks: { front: { aliases: ['a', 'b', 'c'] } } });
  });

  it('merges logging options of one driver; another driver replaces them', () => {
    expect(web({ logging: { driver: 'json-file', options: { 'max-size': '1m' } } }, { logging: { options: { 'max-file': '3' } } }))
      .toEqual({ logging: { driver: 'json-file', options: { 'max-size': '1m', 'max-file': '3' } } });
    expect(web({ logging: { driver: 'json-file', options: { 'max-size': '1m' } } }, { logging: { driver: 'syslog' } })).toEqual({ logging: { driver: 'syslog' } });
  });

  it('merges extra_hosts without repeating an entry', () => {
    expect(web({ extra_hosts: ['a:1.1.1.1'] }, { extra_hosts: ['a:1.1.1.1', 'b:2.2.2.2'] })).toEqual({ extra_hosts: ['a:1.1.1.1', 'b:2.2.2.2'] });
  });

  it('adds services, volumes and top-level keys of the later file', () => {
    expect(mergeCompose({ name: 'a', services: { web: { image: 'x' } } }, { name: 'b', services: { db: { image: 'y' } }, volumes: { data: {} } }))
      .toEqual({ name: 'b', services: { web: { image: 'x' }, db: { image: 'y' } }, volumes: { data: {} } });
  });

  it('does not change either document (their parts may be shared YAML aliases)', () => {
    const base = { services: { web: { ports: ['80:80'], environment: { A: '1' } } } };
    const top = { services: { web: { ports: ['81:81'], environment: { B: '2' } } } };
    const before = JSON.stringify([base, top]);
    mergeCompose(base, top);
    expect(JSON.stringify([base, top])).toBe(before);
  });

  it('!reset removes and !override replaces what the earlier file set', () => {
    const base = parseYaml('services:\n  web:\n    image: x\n    ports: ["80:80"]\n    environment: {A: "1", B: "2"}\n', 'compose.yaml');
    const top = parseYaml('services:\n  web:\n    ports: !reset []\n    environment: !override\n      C: "3"\n', 'compose.override.yaml');
    const merged = mergeLayers({ value: base.value as Record<string, unknown>, source: base }, { value: top.value as Record<string, unknown>, source: top, resets: top.resets, overrides: top.overrides });
    expect(merged.value).toEqual({ services: { web: { image: 'x', environment: { C: '3' } } } });
  });

  it('positions point into the file each part came from, list entries included', () => {
    const base = parseYaml('services:\n  web:\n    image: x\n    ports: ["80:80"]\n', 'compose.yaml');
    const top = parseYaml('services:\n  web:\n    image: y\n    ports:\n      - "81:81"\n', 'compose.override.yaml');
    const { source } = mergeLayers({ value: base.value as Record<string, unknown>, source: base }, { value: top.value as Record<string, unknown>, source: top });
    expect(source.positionOf(['services', 'web'])).toEqual({ file: 'compose.yaml', line: 2, column: 3 });
    expect(source.positionOf(['services', 'web', 'image'])).toEqual({ file: 'compose.override.yaml', line: 3, column: 5 });
    expect(source.positionOf(['services', 'web', 'ports', 0])).toEqual({ file: 'compose.yaml', line: 4, column: 13 });
    expect(source.positionOf(['services', 'web', 'ports', 1])).toEqual({ file: 'compose.override.yaml', line: 5, column: 9 });
  });
});
