import { describe, expect, it } from 'vitest';
import { App } from '../model/app.js';
import { DockerDestination } from '../model/app.js';
import { renderFinal } from '../translate/render/render-app.js';
import { proxyNetwork } from '../translate/render/compose/render-compose.js';
import { splitCompose, statefulServices } from './compose-split.js';

const app = App.parse({
  apiVersion: 'berth.dev/v1',
  kind: 'App',
  name: 'shop',
  services: {
    web: { image: 'shop/web:1', ports: [{ port: 8080 }], routes: [{ domain: 'shop.example.com', port: 8080 }], dependsOn: ['db', 'cache'], files: [{ path: '/etc/web.conf', content: 'price=$5\n' }] },
    cache: { image: 'redis:7', mounts: [{ volume: 'shared', path: '/cache' }] },
    db: { image: 'postgres:16', mounts: [{ volume: 'pgdata', path: '/var/lib/postgresql/data' }], healthcheck: { command: ['pg_isready'] } },
  },
  volumes: { pgdata: {}, shared: { shared: true } },
});
const destination = DockerDestination.parse({ type: 'docker', name: 'vps', server: 's1' });

function split(releaseId = 'r20261201-100000-abcd') {
  const render = renderFinal(app, destination, {});
  if (render.target !== 'compose') throw new Error('compose expected');
  return splitCompose({ app, compose: render.compose, caddy: render.caddy, releaseId, proxyNetwork: proxyNetwork(destination), builtImages: {}, envFiles: {} });
}

describe('splitting a compose file into state and release projects', () => {
  it('puts only services with a non-shared named volume in the state project', () => {
    expect([...statefulServices(app)]).toEqual(['db']);
    const s = split();
    expect(Object.keys((s.stateFile!.services as object))).toEqual(['db']);
    expect(Object.keys((s.releaseFile!.services as object)).sort()).toEqual(['cache', 'web']);
    expect(s.stateProject).toBe('shop-state');
    expect(s.releaseProject).toBe('shop-r20261201-100000-abcd');
  });

  it('shares volumes between projects through fixed names, and runs on compose v1 (no top-level name)', () => {
    const s = split();
    expect(s.stateFile!.volumes).toEqual({ pgdata: { name: 'shop_pgdata' } });
    expect(s.releaseFile!.volumes).toEqual({ shared: { name: 'shop_shared' } });
    expect(s.stateFile).not.toHaveProperty('name');
    expect(s.releaseFile).not.toHaveProperty('configs');
  });

  it('lets state services answer to their names on the app network; routed services get a release alias', () => {
    const s = split();
    const services = s.releaseFile!.services as Record<string, { networks: Record<string, unknown> }>;
    const state = s.stateFile!.services as Record<string, { networks: Record<string, unknown> }>;
    expect(state.db!.networks['berth-app-shop']).toEqual({ aliases: ['db'] });
    expect(services.web!.networks['berth-app-shop']).toEqual({});
    expect(services.web!.networks.berth).toEqual({ aliases: ['shop-web-r20261201-100000-abcd'] });
    expect(s.services.web).toMatchObject({ routed: true, stateful: false, alias: 'shop-web-r20261201-100000-abcd' });
  });

  it('keeps dependencies inside a project and says how the others are ordered', () => {
    const s = split();
    const web = (s.releaseFile!.services as Record<string, Record<string, unknown>>).web!;
    expect(Object.keys(web.depends_on as object)).toEqual(['cache']);
    expect(s.warnings.join('\n')).toContain('web depends on db, which holds state and is started (and made healthy) before the release.');
  });

  it('turns inline files into content-addressed files with their real text ($ unescaped)', () => {
    const s = split();
    expect(s.files).toHaveLength(1);
    expect(s.files[0]!.content).toBe('price=$5\n');
    const web = (s.releaseFile!.services as Record<string, { volumes: string[] }>).web!;
    expect(web.volumes).toContain(`../../${s.files[0]!.path}:/etc/web.conf:ro`);
    expect(split('r20261201-110000-wxyz').files[0]!.path).toBe(s.files[0]!.path);
  });

  it('wraps the app routes in one object per Caddy server, pointed at the release', () => {
    const route = split().proxyRoutes['berth-https']!;
    expect(route['@id']).toBe('berth-app-shop-berth-https');
    expect(route.match).toEqual([{ host: ['shop.example.com'] }]);
    expect(JSON.stringify(route)).toContain('"dial":"shop-web-r20261201-100000-abcd:8080"');
  });

  it('gives an unchanged service the same hash in every release and a changed one another', () => {
    const a = split('r20261201-100000-aaaa');
    const b = split('r20261201-100001-bbbb');
    expect(a.services.db!.hash).toBe(b.services.db!.hash);
    const changed = App.parse({ ...app, services: { ...app.services, db: { ...app.services.db!, image: 'postgres:17' } } });
    const render = renderFinal(changed, destination, {});
    if (render.target !== 'compose') throw new Error('compose expected');
    const c = splitCompose({ app: changed, compose: render.compose, caddy: render.caddy, releaseId: 'r20261201-100002-cccc', proxyNetwork: 'berth', builtImages: {}, envFiles: {} });
    expect(c.services.db!.hash).not.toBe(a.services.db!.hash);
  });
});
