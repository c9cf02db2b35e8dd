import { describe, expect, it } from 'vitest';
import { findReferences } from '../../shared/translate/references.js';
import { codes, importOk, service } from './helpers.js';

// Issue #9 items 6 and 7: every name another service uses resolves, with the port it uses.
describe('ports and names others use', () => {
  it('a service others call by URL gets that port (item 6)', () => {
    const r = importOk('services:\n  tika:\n    image: apache/tika\n  app:\n    image: app\n    restart: always\n    environment: {TIKA: "http://tika:9998"}\n');
    expect(service(r, 'tika').ports).toEqual([{ port: 9998, protocol: 'tcp' }]);
    const d = r.diagnostics.find((x) => x.code === 'IMPORT_PORT_FROM_REFERENCE');
    expect(d).toMatchObject({ severity: 'info', field: 'services.tika.ports' });
    expect(d!.message).toContain('app env.TIKA');
  });

  it('finds host + sibling port variables, URLs with schemes, and host:port in commands (item 6)', () => {
    const r = importOk(`services:
  db: {image: mydb}
  cache: {image: mycache}
  search: {image: mysearch}
  app:
    image: app
    restart: always
    environment:
      DB_HOST: db
      DB_PORT: "5433"
      CACHE_URL: redis://cache/0
    command: ["--search", "search:7700"]
`);
    expect(service(r, 'db').ports).toEqual([{ port: 5433, protocol: 'tcp' }]);
    expect(service(r, 'cache').ports).toEqual([{ port: 6379, protocol: 'tcp' }]);
    expect(service(r, 'search').ports).toEqual([{ port: 7700, protocol: 'tcp' }]);
    for (const s of ['db', 'cache', 'search']) expect(service(r, s).runs).toBe('continuously');
  });

  it('a host named without a port uses the well-known port of its image; an unknown one is reported', () => {
    const r = importOk('services:\n  db: {image: "postgres:16", command: ["postgres", "-c", "fsync=off"]}\n  thing: {image: custom}\n  app:\n    image: app\n    restart: always\n    environment: {DB_HOST: db, THING_HOST: thing}\n');
    expect(service(r, 'db').ports).toEqual([{ port: 5432, protocol: 'tcp' }]);
    expect(service(r, 'thing').runs).toBe('continuously');
    expect(r.diagnostics.find((d) => d.code === 'IMPORT_PORT_UNKNOWN')).toMatchObject({ severity: 'warning', field: 'services.thing.ports' });
  });

  it('reads nginx upstreams in inlined files', () => {
    const r = importOk('services:\n  api: {image: api}\n  web:\n    image: nginx\n    restart: always\n    ports: ["80:80"]\n    configs: [{source: site, target: /etc/nginx/conf.d/default.conf}]\nconfigs:\n  site: {content: "location / { proxy_pass http://api:3000; }"}\n');
    expect(service(r, 'api').ports).toEqual([{ port: 3000, protocol: 'tcp' }]);
  });

  it('findReferences works on a finished app definition (for renderers and the fidelity check)', () => {
    const uses = findReferences({
      db: { image: 'postgres:16' },
      app: { env: { DATABASE_URL: { template: 'postgres://u:${secret:PG_PASS}@db/x' } }, healthcheck: { command: 'curl -f http://app:8080/health' } },
    });
    expect(uses.get('db')).toEqual([{ from: 'app', where: 'env.DATABASE_URL', host: 'db', port: 5432 }]);
    expect(uses.get('app')).toEqual([{ from: 'app', where: 'healthcheck', host: 'app', port: 8080 }]);
  });

  it('network aliases are kept, and the message no longer claims services "still reach each other" (item 7)', () => {
    const r = importOk(`services:
  prosody:
    image: jitsi/prosody
    restart: always
    expose: ["5222"]
    networks:
      meet.jitsi:
        aliases: [xmpp.meet.jitsi]
  jicofo:
    image: jitsi/jicofo
    restart: always
    environment: {XMPP_SERVER: xmpp.meet.jitsi}
    networks: [meet.jitsi]
networks:
  meet.jitsi:
`);
    expect(service(r, 'prosody').aliases).toEqual(['xmpp.meet.jitsi']);
    expect(JSON.stringify(r.diagnostics)).not.toContain('still reach each other');
    expect(service(r, 'prosody').runs).toBe('continuously');
  });

  it('container_name is kept, and becomes an alias when others use it (item 7)', () => {
    const r = importOk('services:\n  database:\n    image: postgres:16\n    restart: always\n    container_name: my-postgres\n  app:\n    image: app\n    restart: always\n    environment: {DATABASE_URL: "postgres://u:p@my-postgres:5432/app"}\n');
    expect(service(r, 'database')).toMatchObject({ containerName: 'my-postgres', aliases: ['my-postgres'] });
    expect(codes(r)).toContain('IMPORT_ALIAS_ADDED');
  });

  it('fixed addresses keep the network\'s subnet (item 7)', () => {
    const r = importOk(`services:
  dns:
    image: x
    restart: always
    networks:
      lan: {ipv4_address: 172.28.0.10, ipv6_address: "fd00::10"}
networks:
  lan:
    ipam:
      config: [{subnet: 172.28.0.0/16}, {subnet: "fd00::/64"}]
`);
    expect(service(r, 'dns')).toMatchObject({ ipv4Address: '172.28.0.10', ipv6Address: 'fd00::10' });
    expect(r.app.network).toEqual({ subnet: '172.28.0.0/16', ipv6Subnet: 'fd00::/64' });
  });
});

describe('links', () => {
  it('a link alias becomes an alias of the linked service, so the name resolves on every target', () => {
    const r = importOk('services:\n  db:\n    image: postgres:16\n    restart: always\n  app:\n    image: app\n    restart: always\n    links: ["db:database"]\n    environment: {DB_HOST: database}\n');
    expect(service(r, 'db').aliases).toEqual(['database']);
    expect(service(r, 'app').compose).toEqual({ links: ['db:database'] });
  });
});

describe('what is not a reference', () => {
  it('an image tag is not a port', () => {
    const uses = findReferences({ redis: { image: 'redis:7' }, app: { env: { CACHE_IMAGE: 'redis:7', OTHER: 'redis:7-alpine' } } });
    expect(uses.get('redis')).toEqual([]);
  });
});
