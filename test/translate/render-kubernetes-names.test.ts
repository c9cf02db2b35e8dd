import { describe, expect, it } from 'vitest';
import { app } from './support/apps.js';
import { kube } from './support/kube.js';

describe('names other services use resolve on Kubernetes', () => {
  it('gives every service with ports a Service, at the port others use (issue item 6)', () => {
    const k = kube(app({ tika: { image: 'apache/tika', ports: [{ port: 9998 }] }, app: { image: 'x', env: { TIKA: 'http://tika:9998' } } }));
    expect(k.find('Service', 'tika')!.spec.ports).toEqual([{ name: 'tcp-9998', port: 9998, targetPort: 9998, protocol: 'TCP' }]);
  });

  it('lets a health check that calls the service by its own name reach the container itself', () => {
    const k = kube(app({ app: { image: 'x', ports: [{ port: 8080 }], healthcheck: { command: 'curl -f http://app:8080/health || exit 1' } } }));
    const c = k.pod('app').containers[0];
    expect(c.readinessProbe.exec.command).toEqual(['/bin/sh', '-c', 'curl -f http://127.0.0.1:8080/health || exit 1']);
    expect(c.livenessProbe.exec.command[2]).toContain('127.0.0.1:8080');
    expect(k.diagnostic('HEALTHCHECK_SELF_NAME')[0]).toMatchObject({ severity: 'info', field: 'services.app.healthcheck.command' });
    // Host flags and nc's host argument count; a user or database of the same name does not.
    const pg = kube(app({ postgres: { image: 'postgres', ports: [{ port: 5432 }], healthcheck: { command: 'pg_isready -U postgres -d postgres -h postgres && nc -z postgres 5432' } } }));
    expect(pg.pod('postgres').containers[0].readinessProbe.exec.command[2]).toBe('pg_isready -U postgres -d postgres -h 127.0.0.1 && nc -z 127.0.0.1 5432');
    // Look-alikes stay: a path segment, a longer host name.
    const other = kube(app({ app: { image: 'x', ports: [{ port: 80 }], healthcheck: { command: ['wget', '-q', 'http://localhost/app/x', 'app.example.com'] } } }));
    expect(other.pod('app').containers[0].readinessProbe.exec.command).toEqual(['wget', '-q', 'http://localhost/app/x', 'app.example.com']);
  });

  it('renders no probes for a disabled health check', () => {
    const k = kube(app({ web: { image: 'x', healthcheck: { disable: true } } }));
    const c = k.pod('web').containers[0];
    expect(c.readinessProbe).toBeUndefined();
    expect(c.livenessProbe).toBeUndefined();
  });

  it('serves a DNS-label alias as an extra Service with the same selector and ports (issue item 7)', () => {
    const k = kube(app({ db: { image: 'postgres', ports: [{ port: 5432 }], aliases: ['database'] }, web: { image: 'x', env: { DB: 'database:5432' } } }));
    const main = k.find('Service', 'db')!;
    const alias = k.find('Service', 'database')!;
    expect(alias.spec).toEqual(main.spec);
    expect(k.find('Deployment', 'web')!.spec.template.spec.containers[0].env).toEqual([{ name: 'DB', value: 'database:5432' }]);
  });

  it('rewrites a dotted alias where other services use it, naming each place (jitsi: prosody as xmpp.meet.jitsi)', () => {
    const k = kube(app({
      prosody: { image: 'jitsi/prosody', ports: [{ port: 5222 }, { port: 5280 }], aliases: ['xmpp.meet.jitsi'], env: { XMPP_DOMAIN: 'meet.jitsi' } },
      jicofo: { image: 'jitsi/jicofo', env: { XMPP_SERVER: 'xmpp.meet.jitsi', XMPP_AUTH_DOMAIN: 'auth.meet.jitsi', XMPP_DOMAIN: 'xmpp.meet.jitsi', XMPP_NAME: 'xmpp.meet.jitsi' }, command: ['--bosh=http://xmpp.meet.jitsi:5280/http-bind'] },
      web: { image: 'jitsi/web', ports: [{ port: 80 }], files: [{ path: '/config/nginx.conf', content: 'proxy_pass http://xmpp.meet.jitsi:5280;\n' }] },
    }));
    const jicofo = k.pod('jicofo').containers[0];
    // A host variable and URLs are rewritten; a domain that happens to be the alias is left, with a warning naming it.
    expect(jicofo.env).toEqual([{ name: 'XMPP_SERVER', value: 'prosody' }, { name: 'XMPP_AUTH_DOMAIN', value: 'auth.meet.jitsi' }, { name: 'XMPP_DOMAIN', value: 'xmpp.meet.jitsi' }, { name: 'XMPP_NAME', value: 'xmpp.meet.jitsi' }]);
    expect(k.diagnostic('ALIAS_LEFT_AS_IS').map((d) => [d.severity, d.field])).toEqual([['info', 'services.jicofo.env.XMPP_DOMAIN'], ['warning', 'services.jicofo.env.XMPP_NAME']]);
    expect(jicofo.args).toEqual(['--bosh=http://prosody:5280/http-bind']);
    expect(k.find('ConfigMap', 'web-files')!.data).toEqual({ 'config_nginx.conf': 'proxy_pass http://prosody:5280;\n' });
    expect(k.diagnostic('ALIAS_REWRITTEN').map((d) => d.field)).toEqual(['services.jicofo.env.XMPP_SERVER', 'services.jicofo.command[0]', 'services.web.files[0].content']);
    // prosody's own settings are its XMPP domain, not a host it calls.
    expect(k.pod('prosody').containers[0].env).toEqual([{ name: 'XMPP_DOMAIN', value: 'meet.jitsi' }]);
    expect(k.objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name).sort()).toEqual(['prosody', 'web']);
  });

  it('reports each place a dotted alias cannot be rewritten, and an unused one as not served', () => {
    const secretUse = kube(app({
      prosody: { image: 'x', ports: [{ port: 5222 }], aliases: ['xmpp.meet.jitsi', 'unused.example'] },
      jicofo: { image: 'x', env: { XMPP_URL: { secret: 'url' } }, files: [{ path: '/a.bin', content: btoa('server=xmpp.meet.jitsi:5222\n'), encoding: 'base64' }] },
    }), { secrets: { url: 'xmpp://xmpp.meet.jitsi:5222' } });
    expect(secretUse.diagnostic('ALIAS_UNSERVABLE').map((d) => [d.severity, d.field])).toEqual([['error', 'services.jicofo.env.XMPP_URL'], ['error', 'services.jicofo.files[0].content']]);
    expect(secretUse.diagnostic('ALIAS_NOT_SERVED')[0]).toMatchObject({ severity: 'info', field: 'services.prosody.aliases' });
    expect(secretUse.result.files[0]!.content).not.toContain('xmpp://');
  });

  it('warns when an alias is another service\'s name', () => {
    const k = kube(app({ db: { image: 'x', ports: [{ port: 1 }] }, web: { image: 'x', ports: [{ port: 2 }], aliases: ['db'] } }));
    expect(k.diagnostic('ALIAS_IS_SERVICE_NAME')[0]).toMatchObject({ severity: 'warning', field: 'services.web.aliases' });
  });

  it('serves a container name, hostname or link alias other services connect to, and leaves unused ones alone', () => {
    const k = kube(app({
      db: { image: 'x', containerName: 'my-db', ports: [{ port: 5432 }] },
      dind: { image: 'docker:dind', ports: [{ port: 2376 }], compose: { hostname: 'docker' } },
      cache: { image: 'x', containerName: 'redis-1', ports: [{ port: 6379 }] },
      search: { image: 'x', ports: [{ port: 9200 }] },
      web: { image: 'x', env: { DB_HOST: 'my-db', DOCKER_HOST: 'tcp://docker:2376', ES: 'http://es:9200' }, compose: { links: ['search:es'] } },
    }));
    expect(k.find('Service', 'my-db')).toBeDefined();
    expect(k.find('Service', 'docker')!.spec.selector['app.kubernetes.io/name']).toBe('dind');
    expect(k.find('Service', 'es')!.spec.selector['app.kubernetes.io/name']).toBe('search');
    expect(k.find('Service', 'redis-1')).toBeUndefined();
  });
});
