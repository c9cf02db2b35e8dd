import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { renderApp } from '../../shared/translate/index.js';
import { app, caddy } from './support/apps.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rendered YAML
const composeOf = (r: ReturnType<typeof renderApp>) => load(r.files.find((f) => f.path === 'compose.yaml')!.content) as Obj;

describe('verbatim compose keys (service.compose)', () => {
  it('passes keys Berth does not model to Docker exactly as written, $ escaped', () => {
    const verbatim = {
      logging: { driver: 'json-file', options: { 'max-size': '10m', tag: 'media-$id' } },
      ulimits: { nofile: { soft: 65536, hard: 65536 } },
      devices: ['/dev/dri:/dev/dri'],
      dns: ['1.1.1.1'],
      security_opt: ['no-new-privileges:true'],
      pids_limit: 100,
      hostname: 'media',
    };
    const result = renderApp(app({ media: { image: 'jellyfin', compose: verbatim } }), caddy);
    const media = composeOf(result).services.media;
    expect(media).toMatchObject({ logging: { driver: 'json-file', options: { 'max-size': '10m', tag: 'media-$$id' } }, ulimits: verbatim.ulimits, devices: verbatim.devices, dns: verbatim.dns, security_opt: verbatim.security_opt, pids_limit: 100, hostname: 'media' });
    expect(result.diagnostics.filter((d) => d.code === 'COMPOSE_VERBATIM_KEY_CONFLICT')).toEqual([]);
  });

  it('merges mappings key by key: GPU reservations sit beside Berth’s replicas and limits', () => {
    const gpus = { devices: [{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }] };
    const result = renderApp(app({ ml: { image: 'ml', replicas: 2, resources: { limits: { memory: '1Gi' } }, compose: { deploy: { resources: { reservations: gpus } } } } }), caddy);
    expect(composeOf(result).services.ml.deploy).toEqual({ replicas: 2, resources: { limits: { memory: '1g' }, reservations: gpus } });
    expect(result.diagnostics.filter((d) => d.code === 'COMPOSE_VERBATIM_KEY_CONFLICT')).toEqual([]);
  });

  it("keeps Berth's value where both set one, with a warning naming the key", () => {
    const result = renderApp(app({ web: { image: 'web', restart: 'always', compose: { restart: 'no', deploy: { replicas: 3 } } } }), caddy);
    const web = composeOf(result).services.web;
    expect(web.restart).toBe('always');
    expect(web.deploy).toEqual({ replicas: 3 });
    const conflicts = result.diagnostics.filter((d) => d.code === 'COMPOSE_VERBATIM_KEY_CONFLICT');
    expect(conflicts.map((d) => [d.severity, d.field])).toEqual([['warning', 'services.web.compose.restart']]);
    expect(conflicts[0]!.message).toContain("web's verbatim compose key restart");
  });

  it('leaves network_mode out when Berth joins networks for routes, and says so', () => {
    const routed = renderApp(app({ web: { image: 'web', ports: [{ port: 80 }], routes: [{ domain: 'a.example.com', port: 80 }], compose: { network_mode: 'host' } } }), caddy);
    expect(composeOf(routed).services.web.network_mode).toBeUndefined();
    expect(routed.diagnostics.find((d) => d.code === 'COMPOSE_VERBATIM_KEY_CONFLICT')?.field).toBe('services.web.compose.network_mode');
    const plain = renderApp(app({ ha: { image: 'homeassistant', compose: { network_mode: 'host' } } }), caddy);
    expect(composeOf(plain).services.ha.network_mode).toBe('host');
  });
});
