import { describe, expect, it } from 'vitest';
import { load, loadAll } from 'js-yaml';
import dotenv from 'dotenv';
import { renderApp, renderCompose } from '../../shared/translate/index.js';
import { app, caddy, cluster, errors, noProxy, traefik } from './support/apps.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rendered YAML
const composeOf = (r: ReturnType<typeof renderApp>) => load(r.files.find((f) => f.path === 'compose.yaml')!.content) as Obj;
const objectsOf = (r: ReturnType<typeof renderApp>) => loadAll(r.files.find((f) => f.path === 'kubernetes.yaml')!.content) as Obj[];

describe('Coolify-compatible Traefik labels', () => {
  it('emits exactly the labels Coolify generates for https://app.example.com on port 3000', () => {
    const result = renderApp(app({ web: { image: 'node:22', ports: [{ port: 3000 }], routes: [{ domain: 'app.example.com', port: 3000 }] } }), traefik);
    const labels = composeOf(result).services.web.labels as Record<string, string>;
    const traefikLabels = Object.fromEntries(Object.entries(labels).filter(([k]) => k.startsWith('traefik.')));
    const id = 'shop-web';
    expect(traefikLabels).toEqual({
      'traefik.enable': 'true',
      'traefik.docker.network': 'coolify',
      'traefik.http.middlewares.gzip.compress': 'true',
      'traefik.http.middlewares.redirect-to-https.redirectscheme.scheme': 'https',
      [`traefik.http.routers.https-0-${id}.rule`]: 'Host(`app.example.com`) && PathPrefix(`/`)',
      [`traefik.http.routers.https-0-${id}.entryPoints`]: 'https',
      [`traefik.http.routers.https-0-${id}.service`]: `https-0-${id}`,
      [`traefik.http.services.https-0-${id}.loadbalancer.server.port`]: '3000',
      [`traefik.http.routers.https-0-${id}.middlewares`]: 'gzip',
      [`traefik.http.routers.https-0-${id}.tls`]: 'true',
      [`traefik.http.routers.https-0-${id}.tls.certresolver`]: 'letsencrypt',
      [`traefik.http.routers.http-0-${id}.rule`]: 'Host(`app.example.com`) && PathPrefix(`/`)',
      [`traefik.http.routers.http-0-${id}.entryPoints`]: 'http',
      [`traefik.http.services.http-0-${id}.loadbalancer.server.port`]: '3000',
      [`traefik.http.routers.http-0-${id}.service`]: `http-0-${id}`,
      [`traefik.http.routers.http-0-${id}.middlewares`]: 'redirect-to-https',
    });
    expect(composeOf(result).networks).toEqual({ coolify: { external: true, name: 'coolify' } });
    expect(composeOf(result).services.web.ports).toBeUndefined();
  });

  it('adds the strip-prefix and www middlewares in Coolify order, with $ escaped for compose', () => {
    const result = renderApp(app({ web: { image: 'node:22', ports: [{ port: 3000 }], routes: [{ domain: 'app.example.com', path: '/api', port: 3000, stripPrefix: true, www: 'to-www' }] } }), traefik);
    const labels = composeOf(result).services.web.labels as Record<string, string>;
    expect(labels['traefik.http.middlewares.https-0-shop-web-stripprefix.stripprefix.prefixes']).toBe('/api');
    expect(labels['traefik.http.routers.https-0-shop-web.middlewares']).toBe('https-0-shop-web-stripprefix,0-shop-web-to-www,gzip');
    expect(labels['traefik.http.middlewares.0-shop-web-to-www.redirectregex.regex']).toBe('^(http|https)://(?:www\\.)?(.+)');
    expect(labels['traefik.http.middlewares.0-shop-web-to-www.redirectregex.replacement']).toBe('$${1}://www.$${2}');
    expect(labels['traefik.http.middlewares.0-shop-web-to-www.redirectregex.permanent']).toBe('false');
  });

  it('gives a plain-http route only the http router and no TLS', () => {
    const labels = composeOf(renderApp(app({ web: { image: 'x', ports: [{ port: 80 }], routes: [{ domain: 'a.test', port: 80, https: false }] } }), traefik)).services.web.labels;
    expect(Object.keys(labels).filter((k: string) => k.includes('https-') || k.includes('.tls'))).toEqual([]);
    expect(labels['traefik.http.routers.http-0-shop-web.middlewares']).toBe('gzip');
  });
});

describe('compose rendering', () => {
  it('escapes every literal $ in values but not in keys', () => {
    const compose = composeOf(renderApp(app({ web: { image: 'x', command: ['echo', '$HOME'], env: { 'A': 'p$ss' }, labels: { note: '$5' }, files: [{ path: '/a.conf', content: 'x=$y' }] } }), caddy));
    expect(compose.services.web.command).toEqual(['echo', '$$HOME']);
    expect(compose.services.web.environment).toEqual({ A: 'p$$ss' });
    expect(compose.services.web.labels.note).toBe('$$5');
    expect(Object.values(compose.configs as Obj)[0].content).toBe('x=$$y');
  });

  it('routes through Berth\'s Caddy on the destination network without publishing ports', () => {
    const result = renderApp(app({ web: { image: 'x', ports: [{ port: 80, publish: 8080 }], routes: [{ domain: 'a.test', port: 80 }] } }), caddy);
    const compose = composeOf(result);
    expect(compose.services.web.ports).toBeUndefined();
    expect(compose.services.web.networks).toEqual({ default: {}, berth: { aliases: ['shop-web'] } });
    const caddyJson = JSON.parse(result.files.find((f) => f.path === 'caddy.json')!.content);
    expect(caddyJson.apps.http.servers['berth-https'].routes[0].handle.at(-1).upstreams).toEqual([{ dial: 'shop-web:80' }]);
    expect(result.diagnostics.map((d) => d.code)).toContain('ROUTED_PORT_NOT_PUBLISHED');
  });

  it('serves https:false routes from a :80-only Caddy server so no certificate is requested', () => {
    const result = renderApp(app({ web: { image: 'x', ports: [{ port: 80 }], routes: [{ domain: 'a.test', port: 80, https: false }] } }), caddy);
    const servers = JSON.parse(result.files.find((f) => f.path === 'caddy.json')!.content).apps.http.servers;
    expect(Object.keys(servers)).toEqual(['berth-http']);
    expect(servers['berth-http'].listen).toEqual([':80']);
  });

  it('publishes ports when the destination has no proxy', () => {
    const compose = composeOf(renderApp(app({ db: { image: 'x', ports: [{ port: 5432 }, { port: 53, protocol: 'udp', publish: 5353 }] } }), noProxy));
    expect(compose.services.db.ports).toEqual([{ target: 5432, published: '5432', protocol: 'tcp' }, { target: 53, published: '5353', protocol: 'udp' }]);
  });
});

describe('secrets', () => {
  const withSecret = app({ web: { image: 'x', env: { DB_PASSWORD: { secret: 'db' }, PLAIN: 'visible' } } });

  it('keep values out of compose.yaml and mask them in the env file unless revealed', () => {
    const masked = renderApp(withSecret, caddy, { secrets: { db: "it's-$ecret" } });
    const all = masked.files.map((f) => f.content).join('\n');
    expect(all).not.toContain('ecret');
    const envFile = masked.files.find((f) => f.path === '.env.web')!;
    expect(envFile).toMatchObject({ language: 'dotenv', editable: false });
    expect(dotenv.parse(envFile.content)).toEqual({ DB_PASSWORD: '********' });
    expect(composeOf(masked).services.web.env_file).toEqual(['.env.web']);

    const revealed = renderApp(withSecret, caddy, { secrets: { db: 'hunter2' }, revealSecrets: true });
    expect(dotenv.parse(revealed.files.find((f) => f.path === '.env.web')!.content)).toEqual({ DB_PASSWORD: 'hunter2' });
    expect(revealed.files.find((f) => f.path === 'compose.yaml')!.content).not.toContain('hunter2');
  });

  it('render a masked Kubernetes Secret that is still a valid object', () => {
    const result = renderApp(withSecret, cluster, { secrets: { db: 'hunter2' } });
    expect(errors(result.diagnostics)).toEqual([]);
    const secret = objectsOf(result).find((o) => o.kind === 'Secret')!;
    expect(secret.stringData).toEqual({ db: '********' });
    expect(result.files[0]!.content).not.toContain('hunter2');
    const revealed = objectsOf(renderApp(withSecret, cluster, { secrets: { db: 'hunter2' }, revealSecrets: true })).find((o) => o.kind === 'Secret')!;
    expect(revealed.stringData).toEqual({ db: 'hunter2' });
  });

  it('report a secret with no value as an error only when values are needed', () => {
    expect(renderApp(withSecret, caddy).diagnostics.find((d) => d.code === 'SECRET_MISSING')?.severity).toBe('warning');
    expect(renderApp(withSecret, caddy, { revealSecrets: true }).diagnostics.find((d) => d.code === 'SECRET_MISSING')).toMatchObject({ severity: 'error', field: 'services.web.env.DB_PASSWORD' });
  });
});

describe('kubernetes rendering', () => {
  it('converts resources to Kubernetes quantities', () => {
    const pod = objectsOf(renderApp(app({ web: { image: 'x', resources: { limits: { cpus: 0.5, memory: '512M' }, reservations: { cpus: 2, memory: '1.5Gi' } } } }), cluster))
      .find((o) => o.kind === 'Deployment')!.spec.template.spec;
    expect(pod.containers[0].resources).toEqual({ limits: { cpu: '500m', memory: '512M' }, requests: { cpu: '2', memory: '1536Mi' } });
  });

  it('reports build-only services without a registry, naming the field to fix', () => {
    const result = renderApp(app({ web: { build: { git: 'https://x.test/a.git' } } }), cluster);
    expect(errors(result.diagnostics)).toEqual([expect.objectContaining({ code: 'BUILD_NEEDS_IMAGE', field: 'services.web.image' })]);
  });

  it('uses Recreate when a ReadWriteOnce volume is mounted by a single-replica Deployment', () => {
    const objects = objectsOf(renderApp(app({ db: { image: 'x', mounts: [{ volume: 'data', path: '/d' }] } }, { volumes: { data: { size: '1Gi' } } }), cluster));
    expect(objects.find((o) => o.kind === 'Deployment')!.spec.strategy).toEqual({ type: 'Recreate' });
    expect(objects.find((o) => o.kind === 'PersistentVolumeClaim')!.spec.accessModes).toEqual(['ReadWriteOnce']);
  });

  it('escapes $( and $$ so Kubernetes does not expand them', () => {
    const c = objectsOf(renderApp(app({ web: { image: 'x', command: ['echo $(date)'], env: { A: 'a$$b', B: 'cost $5' } } }), cluster))
      .find((o) => o.kind === 'Deployment')!.spec.template.spec.containers[0];
    expect(c.args).toEqual(['echo $$(date)']);
    expect(c.env).toEqual([{ name: 'A', value: 'a$$$$b' }, { name: 'B', value: 'cost $5' }]);
  });

  it('reports generated names that collide after normalisation instead of merging them', () => {
    const long = 'a'.repeat(60);
    const result = renderApp(app({ [long]: { image: 'x', files: [{ path: '/a/b', content: '1' }, { path: '/a_b', content: '2' }] } }), cluster);
    expect(result.diagnostics).toContainEqual(expect.objectContaining({ code: 'NAME_COLLISION', field: `services.${long}.files[1].path` }));
    for (const o of objectsOf(result)) expect(o.metadata.name.length).toBeLessThanOrEqual(63);
  });
});

describe('definition checks', () => {
  it('point at the field to fix', () => {
    const result = renderCompose(app({ web: { image: 'x', ports: [{ port: 80 }], routes: [{ domain: 'a.test', port: 81 }], mounts: [{ volume: 'nope', path: '/d' }], dependsOn: ['ghost'] } }), caddy);
    expect(errors(result.diagnostics).map((d) => [d.code, (d as { field?: string }).field])).toEqual([
      ['ROUTE_PORT_UNDECLARED', 'services.web.routes[0].port'],
      ['VOLUME_UNDECLARED', 'services.web.mounts[0].volume'],
      ['DEPENDS_ON_UNKNOWN', 'services.web.dependsOn[0]'],
    ]);
  });
});

describe('determinism', () => {
  it('renders the same bytes for the same input, in kind-then-name order', () => {
    const make = () => app({ zeta: { image: 'x', ports: [{ port: 1 }], replicas: 2 }, alpha: { image: 'y', ports: [{ port: 2 }], routes: [{ domain: 'a.test', port: 2 }] } });
    for (const destination of [caddy, traefik, cluster]) {
      expect(renderApp(make(), destination).files).toEqual(renderApp(structuredClone(make()), destination).files);
    }
    const kinds = objectsOf(renderApp(make(), cluster)).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds).toEqual(['Service/alpha', 'Service/zeta', 'Deployment/alpha', 'Deployment/zeta', 'PodDisruptionBudget/zeta', 'Ingress/alpha']);
  });
});

describe('host directories on Kubernetes', () => {
  const bound = (extra: Record<string, unknown> = {}) => app({ web: { image: 'x', mounts: [{ hostPath: './uploads', path: '/srv/app/uploads' }], ...extra } });

  it('become a ReadWriteOnce claim mounted at the same path, with a warning that the contents are not copied', () => {
    const storage = { ...cluster, storageClass: 'fast' };
    const result = renderApp(bound(), storage);
    const objects = objectsOf(result);
    const pvc = objects.find((o) => o.kind === 'PersistentVolumeClaim')!;
    expect(pvc.metadata.name).toBe('web-srv-app-uploads');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'fast' });
    const pod = objects.find((o) => o.kind === 'Deployment')!.spec.template.spec;
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'web-srv-app-uploads', mountPath: '/srv/app/uploads' }]);
    expect(pod.volumes).toEqual([{ name: 'web-srv-app-uploads', persistentVolumeClaim: { claimName: 'web-srv-app-uploads' } }]);
    expect(errors(result.diagnostics)).toEqual([]);
    const warning = result.diagnostics.find((d) => d.code === 'BIND_MOUNT_AS_VOLUME')!;
    expect(warning).toMatchObject({ severity: 'warning', field: 'services.web.mounts[0]' });
    expect(warning.message).toContain('./uploads');
    expect(warning.message).toContain('not copied');
    expect(warning.message).toContain('named volume');
  });

  it('say what to do when the bound path looks like a single file', () => {
    const result = renderApp(app({ web: { image: 'x', mounts: [{ hostPath: './nginx.conf', path: '/etc/nginx/nginx.conf', readOnly: true }, { hostPath: './conf.d', path: '/etc/nginx/conf.d' }] } }), cluster);
    const [file, dir] = result.diagnostics.filter((d) => d.code === 'BIND_MOUNT_AS_VOLUME');
    expect(file!.message).toContain('put the file\'s content under files');
    expect(file!.message).toContain('read-only');
    expect(dir!.message).not.toContain('single file');
  });

  it('follow the ReadWriteOnce rules: Recreate for one replica, volumeClaimTemplates for several', () => {
    const single = objectsOf(renderApp(bound(), cluster));
    expect(single.find((o) => o.kind === 'Deployment')!.spec.strategy).toEqual({ type: 'Recreate' });
    const scaled = objectsOf(renderApp(bound({ replicas: 3 }), cluster));
    const set = scaled.find((o) => o.kind === 'StatefulSet')!;
    expect(set.spec.volumeClaimTemplates.map((t: Obj) => t.metadata.name)).toEqual(['web-srv-app-uploads']);
    expect(set.spec.template.spec.volumes).toBeUndefined();
    expect(scaled.filter((o) => o.kind === 'PersistentVolumeClaim')).toEqual([]);
    const autoscaled = objectsOf(renderApp(bound({ autoscale: { min: 1, max: 4 }, resources: { reservations: { cpus: 0.5 } } }), cluster));
    expect(autoscaled.find((o) => o.kind === 'StatefulSet')).toBeDefined();
  });

  it('get distinct DNS-1123 names that never take a declared volume\'s', () => {
    const long = `/${'deep/'.repeat(20)}dir`;
    const result = renderApp(app({
      web: { image: 'x', mounts: [{ volume: 'web-data', path: '/cache' }, { hostPath: '/srv/data', path: '/data' }, { hostPath: '/srv/Data', path: '/Data' }, { hostPath: '/srv/deep', path: long }] },
    }, { volumes: { 'web-data': {} } }), cluster);
    expect(errors(result.diagnostics)).toEqual([]);
    const claims = objectsOf(result).filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.metadata.name as string);
    expect(claims).toHaveLength(4);
    expect(new Set(claims).size).toBe(4);
    expect(claims).toEqual(expect.arrayContaining(['web-data', 'web-data-2', 'web-data-3']));
    for (const name of claims) expect(name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
  });

  it('leave sockets an error: Kubernetes has no Docker socket to mount', () => {
    const result = renderApp(app({ agent: { image: 'x', mounts: [{ hostPath: '/var/run/docker.sock', path: '/var/run/docker.sock' }, { hostPath: './state', path: '/state' }] } }), cluster);
    expect(errors(result.diagnostics)).toEqual([expect.objectContaining({ code: 'BIND_MOUNT_SOCKET_UNSUPPORTED', field: 'services.agent.mounts[0]' })]);
    expect(result.diagnostics.find((d) => d.code === 'BIND_MOUNT_SOCKET_UNSUPPORTED')!.message).toContain('/var/run/docker.sock');
    const claims = objectsOf(result).filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.metadata.name);
    expect(claims).toEqual(['agent-state']);
    const other = renderApp(app({ agent: { image: 'x', mounts: [{ hostPath: '/run/containerd/containerd.sock', path: '/run/c.sock' }] } }), cluster);
    expect(errors(other.diagnostics).map((d) => d.code)).toEqual(['BIND_MOUNT_SOCKET_UNSUPPORTED']);
  });

  it('stay host binds on Docker destinations', () => {
    expect(composeOf(renderApp(bound(), caddy)).services.web.volumes).toEqual(['./uploads:/srv/app/uploads']);
    expect(renderApp(bound(), caddy).diagnostics.filter((d) => d.code.startsWith('BIND_'))).toEqual([]);
  });
});
