import { describe, expect, it } from 'vitest';
import { app } from './support/apps.js';
import { kube } from './support/kube.js';

describe('storage on Kubernetes', () => {
  it('mounts a bound file as a ConfigMap key with subPath (issue item 4)', () => {
    const k = kube(app({ web: { image: 'nginx', files: [{ path: '/etc/nginx/conf.d/default.conf', content: 'server {}\n', source: './nginx.conf' }] } }));
    expect(k.find('ConfigMap', 'web-files')!.data).toEqual({ 'etc_nginx_conf.d_default.conf': 'server {}\n' });
    expect(k.pod('web').containers[0].volumeMounts).toEqual([{ name: 'berth-files', mountPath: '/etc/nginx/conf.d/default.conf', subPath: 'etc_nginx_conf.d_default.conf', readOnly: true }]);
    expect(k.objects.filter((o) => o.kind === 'PersistentVolumeClaim')).toEqual([]);
  });

  it('puts binary files in binaryData', () => {
    const k = kube(app({ web: { image: 'x', files: [{ path: '/certs/ca.der', content: 'AAEC', encoding: 'base64' }, { path: '/a.txt', content: 'a' }] } }));
    const map = k.find('ConfigMap', 'web-files')!;
    expect(map.binaryData).toEqual({ 'certs_ca.der': 'AAEC' });
    expect(map.data).toEqual({ 'a.txt': 'a' });
  });

  it('refuses files a ConfigMap cannot hold', () => {
    const k = kube(app({ web: { image: 'x', files: [{ path: '/big.bin', content: 'A'.repeat(1_500_000), encoding: 'base64' }] } }));
    expect(k.diagnostic('FILES_TOO_LARGE')[0]).toMatchObject({ severity: 'error', field: 'services.web.files' });
  });

  it('makes one claim of a host directory that several services bind, ReadWriteMany, with what that needs (issue item 5)', () => {
    const k = kube(app({
      web: { image: 'x', mounts: [{ hostPath: './uploads', path: '/srv/uploads' }] },
      worker: { image: 'x', mounts: [{ hostPath: './uploads/', path: '/data/uploads', readOnly: true }] },
    }));
    const claims = k.objects.filter((o) => o.kind === 'PersistentVolumeClaim');
    expect(claims.map((c) => [c.metadata.name, c.spec.accessModes])).toEqual([['uploads', ['ReadWriteMany']]]);
    expect(k.pod('web').volumes).toEqual([{ name: 'uploads', persistentVolumeClaim: { claimName: 'uploads' } }]);
    expect(k.pod('worker').containers[0].volumeMounts).toEqual([{ name: 'uploads', mountPath: '/data/uploads', readOnly: true }]);
    // Shared storage does not force Recreate.
    expect(k.find('Deployment', 'web')!.spec.strategy).toBeUndefined();
    const rwx = k.diagnostic('VOLUME_RWX_NEEDS_STORAGE');
    expect(rwx).toHaveLength(1);
    expect(rwx[0]!.message).toContain('ReadWriteMany');
    expect(rwx[0]!.message).toContain('NFS');
    expect(rwx[0]!.message).toContain('k3s');
    expect(k.diagnostic('BIND_MOUNT_AS_VOLUME')[0]!.message).toContain('shared by web, worker');
  });

  it('says what ReadWriteMany needs for a declared shared volume, and what ReadWriteOnce means for one mounted by several', () => {
    const k = kube(app({ a: { image: 'x', mounts: [{ volume: 'media', path: '/m' }, { volume: 'db', path: '/d' }] }, b: { image: 'x', mounts: [{ volume: 'media', path: '/m' }, { volume: 'db', path: '/d' }] } }, { volumes: { media: { shared: true }, db: {} } }));
    expect(k.diagnostic('VOLUME_RWX_NEEDS_STORAGE')[0]).toMatchObject({ severity: 'info', field: 'volumes.media.shared' });
    expect(k.diagnostic('VOLUME_RWO_SHARED')[0]!.message).toContain('single-node');
  });

  it('mounts file secrets from the app Secret at /run/secrets/<name> with subPath', () => {
    const k = kube(app({ db: { image: 'postgres', env: { POSTGRES_PASSWORD_FILE: '/run/secrets/db_password' }, secretFiles: [{ secret: 'db_password' }, { secret: 'tls', path: '/etc/tls/key.pem', mode: '0400' }] } }), { secrets: { db_password: 'p', tls: 'k' } });
    const pod = k.pod('db');
    expect(pod.volumes).toEqual([{ name: 'berth-secret-files', secret: { secretName: 'shop-secrets', items: [{ key: 'db_password', path: 'db_password' }, { key: 'tls', path: 'tls', mode: 0o400 }] } }]);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'berth-secret-files', mountPath: '/run/secrets/db_password', subPath: 'db_password', readOnly: true },
      { name: 'berth-secret-files', mountPath: '/etc/tls/key.pem', subPath: 'tls', readOnly: true },
    ]);
    expect(k.find('Secret', 'shop-secrets')!.stringData).toEqual({ db_password: '********', tls: '********' });
  });
});
