import { describe, expect, it } from 'vitest';
import { importCompose, type ImportOptions } from '../../shared/translate/import/index.js';
import { codes, importOk, service } from './helpers.js';

/** A directory beside the compose file, as the CLI's loaders see it. */
function folder(files: Record<string, string | Uint8Array>): Pick<ImportOptions, 'loadFile' | 'loadBytes' | 'listDir'> {
  const norm = (p: string) => p.replace(/^\.\//, '').replace(/\/+$/, '');
  const bytes = (p: string) => {
    const v = files[norm(p)];
    return v === undefined ? undefined : typeof v === 'string' ? new TextEncoder().encode(v) : v;
  };
  return {
    loadFile: (p) => {
      const b = bytes(p);
      return b && new TextDecoder().decode(b);
    },
    loadBytes: bytes,
    listDir: (p) => {
      const dir = norm(p);
      const prefix = dir === '.' || dir === '' ? '' : `${dir}/`;
      const names = new Set<string>();
      for (const f of Object.keys(files)) {
        if (!f.startsWith(prefix)) continue;
        const rest = f.slice(prefix.length).split('/');
        names.add(rest.length > 1 ? `${rest[0]}/` : rest[0]!);
      }
      return names.size > 0 && files[dir] === undefined ? [...names] : undefined;
    },
  };
}

// Issue #9 items 4 and 5: bound files and config directories are files of the app; shared directories stay one mount.
describe('bound files and directories', () => {
  it('a bound file beside the compose file becomes a file with its content inlined (item 4)', () => {
    const r = importOk('services:\n  web:\n    image: nginx\n    volumes: ["./nginx.conf:/etc/nginx/conf.d/default.conf:ro"]\n', folder({ 'nginx.conf': 'server { listen 80; }\n' }));
    expect(service(r, 'web').files).toEqual([{ path: '/etc/nginx/conf.d/default.conf', content: 'server { listen 80; }\n', source: './nginx.conf' }]);
    expect(service(r, 'web').mounts).toEqual([]);
  });

  it('a file that is not UTF-8 text is kept byte for byte as base64 (item 4)', () => {
    const der = new Uint8Array([0x30, 0x82, 0x01, 0xff, 0x00, 0xc3]);
    const r = importOk('services:\n  web:\n    image: nginx\n    volumes: ["./ca.der:/etc/ssl/ca.der:ro"]\n', folder({ 'ca.der': der }));
    expect(service(r, 'web').files).toEqual([{ path: '/etc/ssl/ca.der', content: Buffer.from(der).toString('base64'), encoding: 'base64', source: './ca.der' }]);
  });

  it('a bound script keeps its execute bit', () => {
    const r = importOk('services:\n  web:\n    image: x\n    volumes: ["./entrypoint.sh:/entrypoint.sh"]\n', folder({ 'entrypoint.sh': '#!/bin/sh\nexec "$@"\n' }));
    expect(service(r, 'web').files).toEqual([expect.objectContaining({ path: '/entrypoint.sh', mode: '0755' })]);
  });

  it('a small config directory becomes one file per file under the target (item 4)', () => {
    const r = importOk('services:\n  web:\n    image: nginx\n    volumes: ["./conf.d:/etc/nginx/conf.d"]\n', folder({ 'conf.d/a.conf': 'a', 'conf.d/sub/b.conf': 'b' }));
    expect(service(r, 'web').files).toEqual([
      { path: '/etc/nginx/conf.d/a.conf', content: 'a', source: './conf.d/a.conf' },
      { path: '/etc/nginx/conf.d/sub/b.conf', content: 'b', source: './conf.d/sub/b.conf' },
    ]);
    expect(service(r, 'web').mounts).toEqual([]);
  });

  it('a large directory or a writable data directory stays a bind', () => {
    const many = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`config/f${i}.txt`, 'x']));
    const r = importOk('services:\n  web:\n    image: x\n    volumes: ["./config:/config:ro", "./data:/var/lib/app"]\n', folder({ ...many, 'data/db.sqlite': 'x' }));
    expect(service(r, 'web').mounts).toEqual([
      { hostPath: './config', path: '/config', readOnly: true },
      { hostPath: './data', path: '/var/lib/app', readOnly: false },
    ]);
    expect(codes(r)).toContain('IMPORT_BIND_DIR_TOO_LARGE');
  });

  it('a missing bound file is an error naming the file and the service (item 4)', () => {
    const r = importCompose('services:\n  web:\n    image: nginx\n    volumes: ["./nginx.conf:/etc/nginx/conf.d/default.conf:ro"]\n', { fileName: 'compose.yml', ...folder({ 'other.txt': 'x' }) });
    expect(r.app).toBeNull();
    const d = r.diagnostics.find((x) => x.code === 'IMPORT_BIND_SOURCE_MISSING');
    expect(d).toMatchObject({ severity: 'error', file: 'compose.yml', line: 4 });
    expect(d!.message).toContain('./nginx.conf');
    expect(d!.message).toContain('"web"');
  });

  it('the same host directory mounted by several services is one mount source, however it is spelled (item 5)', () => {
    const r = importOk('services:\n  a:\n    image: x\n    volumes: ["./shared/:/data"]\n  b:\n    image: x\n    volumes: ["./shared:/srv/data", "./x/../shared:/more"]\n', folder({ 'shared/big.bin': 'x' }));
    const sources = [...service(r, 'a').mounts, ...service(r, 'b').mounts].map((m) => ('hostPath' in m ? m.hostPath : m.volume));
    expect(new Set(sources)).toEqual(new Set(['./shared']));
  });
});
