/**
 * Certificates for the fake Kubernetes API server: a throwaway CA and a server certificate it signs, made with the
 * openssl CLI in a temp dir (EC P-256, fast). SANs: the host asked for, 127.0.0.1, ::1 and localhost.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';

export interface FakeKubeCerts { caPem: string; certPem: string; keyPem: string }

export function generateCerts(host: string): FakeKubeCerts {
  const dir = mkdtempSync(join(tmpdir(), 'fake-kube-certs-'));
  const run = (...args: string[]) => {
    try {
      return execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('the fake Kubernetes API server needs the openssl CLI for its certificates (apt-get install openssl)', { cause: e });
      throw e;
    }
  };
  try {
    run('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key');
    run('req', '-x509', '-new', '-key', 'ca.key', '-sha256', '-days', '2', '-subj', '/CN=fake-kube-ca', '-out', 'ca.crt',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    run('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'server.key');
    run('req', '-new', '-key', 'server.key', '-subj', '/CN=kube-apiserver', '-out', 'server.csr');
    const sans = new Set<string>(['IP:127.0.0.1', 'IP:::1', 'DNS:localhost', 'DNS:kubernetes', 'DNS:kubernetes.default']);
    sans.add(isIP(host) ? `IP:${host}` : `DNS:${host}`);
    writeFileSync(join(dir, 'ext.cnf'), [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${[...sans].join(',')}`,
      '',
    ].join('\n'));
    run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
      '-sha256', '-extfile', 'ext.cnf', '-out', 'server.crt');
    return {
      caPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
      certPem: readFileSync(join(dir, 'server.crt'), 'utf8'),
      keyPem: readFileSync(join(dir, 'server.key'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
