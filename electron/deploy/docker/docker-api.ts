import http from 'node:http';
import { PassThrough, type Duplex } from 'node:stream';
import Docker from 'dockerode';
import type { Host } from '../../hosts/host.js';

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/**
 * The Docker Engine API of a host, reached through the host's own connection:
 * for a server, each HTTP request travels in an SSH channel to the daemon's
 * unix socket (OpenSSH streamlocal forwarding), so nothing but SSH is open
 * and no CLI text is parsed for status, health or logs.
 */
export function dockerApi(host: Host, socketPath = DEFAULT_DOCKER_SOCKET): Docker {
  const agent = new http.Agent({ keepAlive: false });
  // http.Agent accepts an asynchronous createConnection through its callback.
  (agent as unknown as { createConnection: (options: unknown, done: (err: Error | null, socket?: Duplex) => void) => void }).createConnection = (_options, done) => {
    host.connectUnix(socketPath).then((socket) => done(null, asSocket(socket)), (err: Error) => done(err));
  };
  return new Docker({ protocol: 'http', host: 'docker', port: 80, agent } as Docker.DockerOptions);
}

/** ssh2 channels lack the few net.Socket methods Node's HTTP client calls. */
function asSocket(stream: Duplex): Duplex {
  const socket = stream as Duplex & Record<string, unknown>;
  for (const name of ['setTimeout', 'setNoDelay', 'setKeepAlive', 'ref', 'unref']) {
    if (typeof socket[name] !== 'function') socket[name] = () => socket;
  }
  return socket;
}

/** Splits Docker's multiplexed (non-TTY) log stream into text. */
export function demuxLogs(buffer: Buffer): string {
  let out = '';
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    out += buffer.subarray(offset + 8, offset + 8 + size).toString('utf8');
    offset += 8 + size;
  }
  return offset === 0 && buffer.length > 0 ? buffer.toString('utf8') : out;
}

/** A live, demultiplexed log stream of one container (stdout and stderr interleaved as they come). */
export async function followLogs(docker: Docker, containerId: string, options: { tail: number; follow: boolean; signal?: AbortSignal }): Promise<NodeJS.ReadableStream> {
  const container = docker.getContainer(containerId);
  const info = await container.inspect();
  if (!options.follow) {
    const buffer = (await container.logs({ stdout: true, stderr: true, tail: options.tail, follow: false })) as unknown as Buffer;
    const out = new PassThrough();
    out.end(info.Config.Tty ? buffer.toString('utf8') : demuxLogs(buffer));
    return out;
  }
  const raw = (await container.logs({ stdout: true, stderr: true, tail: options.tail, follow: true, abortSignal: options.signal })) as unknown as NodeJS.ReadableStream;
  if (info.Config.Tty) return raw;
  const out = new PassThrough();
  docker.modem.demuxStream(raw, out, out);
  raw.on('end', () => out.end());
  raw.on('error', () => out.end());
  return out;
}
