import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { renderApp } from '../../shared/translate/index.js';
import { app, caddy, errors } from './support/apps.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rendered YAML
const composeOf = (r: ReturnType<typeof renderApp>) => load(r.files.find((f) => f.path === 'compose.yaml')!.content) as Obj;

// Issue #9, "Nothing Compose runs is lost on Docker".
describe('compose keeps what Compose runs', () => {
  it('publishes on the host address given (127.0.0.1:8080:80)', () => {
    const compose = composeOf(renderApp(app({ web: { image: 'nginx', ports: [{ port: 80, publish: 8080, hostIp: '127.0.0.1' }] } }), caddy));
    expect(compose.services.web.ports).toEqual([{ target: 80, published: '8080', host_ip: '127.0.0.1', protocol: 'tcp' }]);
  });

  // Item 7: prosody aliased xmpp.meet.jitsi, referenced by jicofo.
  it('keeps network aliases on the default network and the container name', () => {
    const result = renderApp(app({
      prosody: { image: 'jitsi/prosody', aliases: ['xmpp.meet.jitsi'], containerName: 'jitsi-prosody' },
      jicofo: { image: 'jitsi/jicofo', env: { XMPP_SERVER: 'xmpp.meet.jitsi' } },
    }), caddy);
    const compose = composeOf(result);
    expect(compose.services.prosody.networks).toEqual({ default: { aliases: ['xmpp.meet.jitsi'] } });
    expect(compose.services.prosody.container_name).toBe('jitsi-prosody');
    expect(compose.services.jicofo.networks).toBeUndefined();
    expect(errors(result.diagnostics)).toEqual([]);
  });

  it("keeps Berth's own alias on the proxy network beside the app's aliases", () => {
    const compose = composeOf(renderApp(app({ web: { image: 'web', ports: [{ port: 80 }], routes: [{ domain: 'a.example.com', port: 80 }], aliases: ['www.internal'] } }), caddy));
    expect(compose.services.web.networks).toEqual({ default: { aliases: ['www.internal'] }, berth: { aliases: ['shop-web'] } });
  });

  it('gives fixed addresses on the default network with the app subnet as its ipam', () => {
    const result = renderApp(app({ dns: { image: 'pihole/pihole', ipv4Address: '172.28.0.53', ipv6Address: 'fd00:28::53' } }, { network: { subnet: '172.28.0.0/16', ipv6Subnet: 'fd00:28::/64' } }), caddy);
    const compose = composeOf(result);
    expect(compose.services.dns.networks).toEqual({ default: { ipv4_address: '172.28.0.53', ipv6_address: 'fd00:28::53' } });
    expect(compose.networks).toEqual({ default: { enable_ipv6: true, ipam: { config: [{ subnet: '172.28.0.0/16' }, { subnet: 'fd00:28::/64' }] } } });
    expect(errors(result.diagnostics)).toEqual([]);
  });

  it('reports a fixed address without a subnet', () => {
    const result = renderApp(app({ dns: { image: 'pihole/pihole', ipv4Address: '172.28.0.53' } }), caddy);
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.field])).toEqual([['FIXED_ADDRESS_NEEDS_SUBNET', 'services.dns.ipv4Address']]);
  });

  it('reports a container name with several replicas', () => {
    const result = renderApp(app({ web: { image: 'web', containerName: 'web', replicas: 2 } }), caddy);
    expect(errors(result.diagnostics).map((d) => d.code)).toContain('CONTAINER_NAME_WITH_REPLICAS');
  });

  it('keeps capabilities, privileged, read-only root, init, stop signal, shm, tmpfs, sysctls and extra hosts', () => {
    const compose = composeOf(renderApp(app({
      vpn: {
        image: 'wireguard',
        capAdd: ['NET_ADMIN', 'SYS_MODULE'],
        capDrop: ['ALL'],
        privileged: true,
        readOnly: true,
        init: true,
        stopSignal: 'SIGINT',
        shmSize: '256Mi',
        tmpfs: [{ path: '/tmp' }, { path: '/run', size: '64Mi', mode: '1777' }],
        sysctls: { 'net.ipv4.conf.all.src_valid_mark': 1, 'net.ipv4.ip_forward': '1' },
        extraHosts: [{ host: 'host.docker.internal', ip: 'host-gateway' }, { host: 'v6', ip: '::1' }],
        mounts: [{ hostPath: '/lib/modules', path: '/lib/modules', readOnly: true }],
      },
    }), caddy)).services.vpn;
    expect(compose).toMatchObject({
      cap_add: ['NET_ADMIN', 'SYS_MODULE'],
      cap_drop: ['ALL'],
      privileged: true,
      read_only: true,
      init: true,
      stop_signal: 'SIGINT',
      shm_size: '256m',
      tmpfs: ['/tmp'],
      sysctls: { 'net.ipv4.conf.all.src_valid_mark': 1, 'net.ipv4.ip_forward': '1' },
      extra_hosts: ['host.docker.internal:host-gateway', 'v6:::1'],
    });
    expect(compose.volumes).toEqual(['/lib/modules:/lib/modules:ro', { type: 'tmpfs', target: '/run', tmpfs: { size: 64 * 1024 ** 2, mode: 0o1777 } }]);
  });

  // Item 11: healthcheck.disable: true was dropped, so the image's own check came back.
  it('turns the image health check off with disable: true', () => {
    const compose = composeOf(renderApp(app({ web: { image: 'web', healthcheck: { disable: true } } }), caddy));
    expect(compose.services.web.healthcheck).toEqual({ disable: true });
  });

  it('notes that global mode runs one copy on Docker', () => {
    const result = renderApp(app({ agent: { image: 'agent', mode: 'global' } }), caddy);
    expect(result.diagnostics.find((d) => d.code === 'GLOBAL_MODE_ONE_COPY')).toMatchObject({ severity: 'info', field: 'services.agent.mode' });
    expect(composeOf(result).services.agent.deploy).toBeUndefined();
  });
});
