import { describe, expect, it } from 'vitest';
import { codes, importOk, service } from './helpers.js';

// Issue #9 items 9, 11, 12 and "nothing Compose runs is lost on Docker".
describe('builds', () => {
  it('a local context is a local build, with target, args and cache_from (item 9)', () => {
    const r = importOk(`services:
  api:
    build:
      context: ./api
      dockerfile: Dockerfile.prod
      target: runtime
      args: {NODE_VERSION: "20", COMMIT: abc}
      cache_from: [registry.example.com/api:cache]
      ssh: [default]
`);
    expect(service(r, 'api').build).toEqual({ context: './api', dockerfile: 'Dockerfile.prod', ref: 'main', target: 'runtime', args: { NODE_VERSION: '20', COMMIT: 'abc' }, cacheFrom: ['registry.example.com/api:cache'] });
    expect(service(r, 'api').build?.git).toBeUndefined();
    expect(service(r, 'api').env).toEqual({});
    expect(r.diagnostics.find((d) => d.code === 'IMPORT_UNSUPPORTED_BUILD_SSH')!.message).toContain('SSH agent');
  });

  it('a Git context stays a repository build', () => {
    const r = importOk('services:\n  api:\n    image: api\n    build: "https://github.com/acme/api.git#v2:server"\n');
    expect(service(r, 'api').build).toEqual({ git: 'https://github.com/acme/api.git', ref: 'v2', context: 'server', dockerfile: 'Dockerfile' });
  });
});

describe('nothing Compose runs is lost', () => {
  it('maps the keys Berth types', () => {
    const r = importOk(`services:
  app:
    image: x
    cap_add: [NET_ADMIN]
    cap_drop: [ALL]
    privileged: true
    read_only: true
    init: true
    stop_signal: SIGQUIT
    shm_size: 2gb
    tmpfs: ["/run:size=64m,mode=1777", /tmp]
    volumes:
      - {type: tmpfs, target: /cache, tmpfs: {size: 1048576}}
    sysctls: ["net.core.somaxconn=1024"]
    extra_hosts: ["host.docker.internal:host-gateway", "v6:::1"]
    ports: ["127.0.0.1:8080:80"]
  other:
    image: x
    extra_hosts: {db.local: 10.0.0.5}
`);
    expect(service(r, 'app')).toMatchObject({
      capAdd: ['NET_ADMIN'], capDrop: ['ALL'], privileged: true, readOnly: true, init: true, stopSignal: 'SIGQUIT', shmSize: '2Gi',
      tmpfs: [{ path: '/cache', size: '1048576' }, { path: '/run', size: '64Mi', mode: '1777' }, { path: '/tmp' }],
      sysctls: { 'net.core.somaxconn': '1024' },
      extraHosts: [{ host: 'host.docker.internal', ip: 'host-gateway' }, { host: 'v6', ip: '::1' }],
      ports: [{ port: 80, protocol: 'tcp', publish: 8080, hostIp: '127.0.0.1' }],
    });
    expect(service(r, 'other').extraHosts).toEqual([{ host: 'db.local', ip: '10.0.0.5' }]);
    expect(codes(r)).not.toContain('IMPORT_PORT_HOST_IP');
    expect(r.diagnostics.filter((d) => /UNSUPPORTED/.test(d.code))).toEqual([]);
  });

  it('keeps every other key Compose runs verbatim, reported once per service', () => {
    const r = importOk(`services:
  gpu:
    image: x
    logging: {driver: json-file, options: {max-size: 10m}}
    ulimits: {nofile: {soft: 1024, hard: 2048}}
    devices: ["/dev/dri:/dev/dri"]
    dns: [1.1.1.1]
    security_opt: ["no-new-privileges:true"]
    pids_limit: 100
    network_mode: "service:vpn_gw"
    hostname: gpu-box
    deploy:
      resources:
        limits: {memory: 1g}
        reservations:
          devices: [{driver: nvidia, count: 1, capabilities: [gpu]}]
  vpn_gw:
    image: vpn
`);
    const gpu = service(r, 'gpu');
    expect(gpu.compose).toEqual({
      logging: { driver: 'json-file', options: { 'max-size': '10m' } },
      ulimits: { nofile: { soft: 1024, hard: 2048 } },
      devices: ['/dev/dri:/dev/dri'],
      dns: ['1.1.1.1'],
      security_opt: ['no-new-privileges:true'],
      pids_limit: 100,
      network_mode: 'service:vpn-gw',
      hostname: 'gpu-box',
      deploy: { resources: { reservations: { devices: [{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }] } } },
    });
    expect(gpu.resources).toEqual({ limits: { memory: '1Gi' } });
    const kept = r.diagnostics.filter((d) => d.code === 'IMPORT_COMPOSE_KEPT');
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ severity: 'info', field: 'services.gpu.compose' });
    expect(kept[0]!.message).toContain('deploy (resources.reservations.devices)');
  });

  it('drops only local development keys, with a warning', () => {
    const r = importOk('services:\n  web:\n    image: x\n    develop: {watch: [{action: sync, path: ., target: /app}]}\n    attach: false\n');
    expect(service(r, 'web').compose).toBeUndefined();
    expect(r.diagnostics.filter((d) => d.code.startsWith('IMPORT_LOCAL_DEV_')).map((d) => d.severity)).toEqual(['warning', 'warning']);
  });

  it('healthcheck disable: true turns off the image\'s check (item 11)', () => {
    const r = importOk('services:\n  web:\n    image: x\n    healthcheck: {disable: true}\n  api:\n    image: x\n    healthcheck: {test: ["NONE"]}\n');
    expect(service(r, 'web').healthcheck).toMatchObject({ disable: true });
    expect(service(r, 'web').healthcheck?.command).toBeUndefined();
    expect(service(r, 'api').healthcheck).toMatchObject({ disable: true });
  });

  it('IMPORT_VOLUME_UNUSED does not fire on volumes in use whose names were normalised (item 12)', () => {
    const r = importOk('services:\n  db:\n    image: postgres:16\n    volumes: ["db_data:/var/lib/postgresql/data"]\nvolumes:\n  db_data:\n  unused:\n');
    expect(Object.keys(r.app.volumes)).toEqual(['db-data']);
    expect(r.diagnostics.filter((d) => d.code === 'IMPORT_VOLUME_UNUSED').map((d) => d.message)).toEqual([expect.stringContaining('"unused"')]);
  });
});
