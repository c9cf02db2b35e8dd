import { describe, expect, it } from 'vitest';
import { App } from '../model/app.js';
import { DockerDestination } from '../model/app.js';
import { renderFinal } from '../translate/render/render-app.js';
import { proxyNetwork } from '../translate/render/compose/render-compose.js';
import { inPlaceReasons, splitCompose, statefulServices } from './compose-split.js';

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

describe('services that cannot run twice, and what the render keeps (issue #9)', () => {
  const fixed = App.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'App',
    name: 'meet',
    network: { subnet: '172.28.0.0/16' },
    services: {
      prosody: { image: 'jitsi/prosody', containerName: 'meet-prosody', aliases: ['xmpp.meet.jitsi'] },
      dns: { image: 'pihole/pihole', ipv4Address: '172.28.0.53' },
      jicofo: { image: 'jitsi/jicofo', aliases: ['focus.meet.jitsi'], dependsOn: ['prosody'], files: [{ path: '/etc/ca.der', content: Buffer.from([0, 255, 36, 36]).toString('base64'), encoding: 'base64' }] },
    },
  });
  const render = renderFinal(fixed, destination, {});
  if (render.target !== 'compose') throw new Error('compose expected');
  const binaryFiles = Object.fromEntries(render.extraFiles.filter((f) => f.encoding === 'base64').map((f) => [f.path, f.content]));
  const s = splitCompose({ app: fixed, compose: render.compose, caddy: render.caddy, releaseId: 'r20261201-100000-abcd', proxyNetwork: proxyNetwork(destination), builtImages: {}, envFiles: {}, binaryFiles });
  const state = s.stateFile!.services as Record<string, Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any -- compose objects
  const release = s.releaseFile!.services as Record<string, Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any -- compose objects

  it('runs a fixed container name or address in place (never beside the previous release), and says why', () => {
    expect(Object.keys(state).sort()).toEqual(['dns', 'prosody']);
    expect(state.prosody!.container_name).toBe('meet-prosody');
    expect(s.services.prosody!.stateful).toBe(true);
    expect(inPlaceReasons(fixed)).toEqual({ prosody: 'fixed container name meet-prosody', dns: 'fixed address 172.28.0.53' });
    expect(s.warnings).toContain('jicofo depends on prosody, which runs in place (fixed container name meet-prosody) and is started (and made healthy) before the release.');
  });

  it('keeps aliases where the service name answers, and fixed addresses on the app network', () => {
    expect(state.prosody!.networks).toEqual({ default: {}, 'berth-app-meet': { aliases: ['prosody', 'xmpp.meet.jitsi'] } });
    expect(state.dns!.networks).toEqual({ default: {}, 'berth-app-meet': { aliases: ['dns'], ipv4_address: '172.28.0.53' } });
    expect(release.jicofo!.networks).toEqual({ default: { aliases: ['focus.meet.jitsi'] }, 'berth-app-meet': {} });
  });

  it('ships a binary file as a content-addressed file of the app directory, base64 to decode on upload', () => {
    const file = s.files.find((f) => f.encoding === 'base64')!;
    expect(file.content).toBe(Buffer.from([0, 255, 36, 36]).toString('base64'));
    expect(release.jicofo!.volumes).toContain(`../../${file.path}:/etc/ca.der:ro`);
    expect(release.jicofo!.configs).toBeUndefined();
  });
});

describe('what a Compose v1 server can run', () => {
  const v1App = App.parse({
    apiVersion: 'berth.dev/v1', kind: 'App', name: 'shop',
    services: {
      db: { image: 'postgres:16' },
      web: { image: 'web', ports: [{ port: 80, publish: 8080, hostIp: '127.0.0.1' }], dependsOn: [{ service: 'db', required: false }], tmpfs: [{ path: '/run', size: '1Mi', mode: '1777' }] },
    },
  });
  const render = renderFinal(v1App, DockerDestination.parse({ type: 'docker', name: 'bare', server: 's1', proxy: 'none' }), {});
  if (render.target !== 'compose') throw new Error('compose expected');
  const run = (composeV1: boolean) => splitCompose({ app: v1App, compose: render.compose, releaseId: 'r20261201-100000-abcd', builtImages: {}, envFiles: {}, composeV1 });

  it('publishes on a host address in the short syntax every version reads', () => {
    expect((run(false).releaseFile!.services as Record<string, Record<string, unknown>>).web!.ports).toEqual(['127.0.0.1:8080:80/tcp']);
  });

  it('drops depends_on required/restart and tmpfs mode on v1, and says so', () => {
    const v1 = run(true);
    const web = (v1.releaseFile!.services as Record<string, Record<string, unknown>>).web!;
    expect(web.depends_on).toEqual({ db: { condition: 'service_started' } });
    expect(web.volumes).toEqual([{ type: 'tmpfs', target: '/run', tmpfs: { size: 1024 ** 2 } }]);
    expect(v1.warnings.join('\n')).toMatch(/required: false, which Compose v1[\s\S]*tmpfs at \/run/);
    expect(((run(false).releaseFile!.services as Record<string, Record<string, unknown>>).web!.depends_on)).toEqual({ db: { condition: 'service_started', required: false } });
  });
});

describe('services on another network namespace (verbatim network_mode)', () => {
  const vpnApp = App.parse({
    apiVersion: 'berth.dev/v1', kind: 'App', name: 'dl',
    services: {
      vpn: { image: 'gluetun', capAdd: ['NET_ADMIN'] },
      torrent: { image: 'qbittorrent', mounts: [{ volume: 'downloads', path: '/downloads' }], compose: { network_mode: 'service:vpn' } },
      ha: { image: 'homeassistant', compose: { network_mode: 'host' } },
      web: { image: 'web' },
    },
    volumes: { downloads: {} },
  });
  const render = renderFinal(vpnApp, destination, {});
  if (render.target !== 'compose') throw new Error('compose expected');
  const s = splitCompose({ app: vpnApp, compose: render.compose, caddy: render.caddy, releaseId: 'r20261201-100000-abcd', proxyNetwork: 'berth', builtImages: {}, envFiles: {} });
  const state = s.stateFile!.services as Record<string, Record<string, unknown>>;

  it('joins no networks (compose refuses both), and runs in place beside what it shares a network with', () => {
    expect(Object.keys(state).sort()).toEqual(['ha', 'torrent', 'vpn']);
    expect(state.torrent!.networks).toBeUndefined();
    expect(state.torrent!.network_mode).toBe('service:vpn');
    expect(state.ha!.networks).toBeUndefined();
    expect(inPlaceReasons(vpnApp)).toEqual({ torrent: 'holds state', ha: 'host network', vpn: 'torrent runs in its network' });
    expect(Object.keys(s.releaseFile!.services as object)).toEqual(['web']);
  });
});
