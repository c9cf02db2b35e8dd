import { execFile } from 'node:child_process';
import fs from 'node:fs';

/**
 * Network namespaces joined to the machine by a veth pair on a private /30, shared by the test servers
 * (docker-server.ts: Docker over SSH, kube-server-host.ts: the k3s stand-in). Each harness keeps its own
 * names, locks and cleanup of what else it starts; this is only the network.
 */

interface IpResult {
  code: number;
  stdout: string;
  stderr: string;
}

function ip(args: string[]): Promise<IpResult> {
  return new Promise((resolve) => {
    execFile('ip', args, { encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 127) : 0;
      resolve({ code, stdout, stderr: stderr || (err && typeof err.code !== 'number' ? err.message : '') });
    });
  });
}

async function mustIp(args: string[]): Promise<void> {
  const result = await ip(args);
  if (result.code !== 0) throw new Error(`ip ${args.join(' ')} exited with ${result.code}: ${result.stderr.trim()}`);
}

export async function netnsList(): Promise<string[]> {
  return (await ip(['netns', 'list'])).stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

export const linkExists = (name: string): boolean => fs.existsSync(`/sys/class/net/${name}`);

/** Pids of the processes in a namespace; none when it does not exist. */
export async function netnsPids(netns: string): Promise<number[]> {
  if (!(await netnsList()).includes(netns)) return [];
  return (await ip(['netns', 'pids', netns])).stdout.split('\n').filter(Boolean).map(Number);
}

const ipToInt = (address: string): number => address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0) >>> 0;
const maskOf = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
const overlaps = (a: number, aPrefix: number, b: number, bPrefix: number): boolean => {
  const mask = maskOf(Math.min(aPrefix, bPrefix));
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
};

/** IPv4 networks the machine already has (addresses and routes of every table), /16 or narrower. */
async function usedNetworks(): Promise<Array<[number, number]>> {
  const [addrs, routes] = await Promise.all([ip(['-4', '-o', 'addr', 'show']), ip(['-4', 'route', 'show', 'table', 'all'])]);
  const nets: Array<[number, number]> = [];
  for (const m of addrs.stdout.matchAll(/inet (\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?/g)) {
    nets.push([ipToInt(m[1]!), 32]);
    nets.push([ipToInt(m[1]!), Number(m[2] ?? 32)]);
  }
  for (const line of routes.stdout.split('\n')) {
    const m = /(?:^|\s)(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?(?:\s|$)/.exec(line);
    if (m) nets.push([ipToInt(m[1]!), Number(m[2] ?? 32)]);
  }
  // A default route (0.0.0.0/0) or a wide private range would rule out everything.
  return nets.filter(([, prefix]) => prefix >= 16);
}

/**
 * X of a /30 `<prefix>.X.0` that no address or route of the machine overlaps, starting the search at `seed`
 * so parallel workers tend to pick different ones. Call it under the harness's host-wide lock and claim the
 * subnet (put its address on the veth) before releasing the lock.
 */
export async function pickSubnet(prefix: string, seed: number): Promise<number> {
  const used = await usedNetworks();
  for (let i = 0; i < 254; i++) {
    const x = 1 + ((seed + i) % 254);
    if (!used.some(([net, bits]) => overlaps(ipToInt(`${prefix}.${x}.0`), 30, net, bits))) return x;
  }
  throw new Error(`no free /30 left in ${prefix}.1-254.0/30`);
}

export interface VethNamespace {
  netns: string;
  /** The host side of the pair, in the machine's namespace. */
  hostIf: string;
  /** The other side; renamed eth0 inside the namespace. */
  peerIf: string;
  hostAddress: string;
  address: string;
}

/** The namespace with lo and eth0 up, and no default route: it reaches only itself and the host side of the veth. */
export async function addVethNamespace({ netns, hostIf, peerIf, hostAddress, address }: VethNamespace): Promise<void> {
  if (hostIf.length > 15 || peerIf.length > 15) throw new Error(`interface names ${hostIf}/${peerIf} are longer than Linux's 15 characters`);
  await mustIp(['netns', 'add', netns]);
  await mustIp(['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', peerIf]);
  await mustIp(['link', 'set', peerIf, 'netns', netns]);
  await mustIp(['addr', 'add', `${hostAddress}/30`, 'dev', hostIf]);
  await mustIp(['link', 'set', hostIf, 'up']);
  await mustIp(['-n', netns, 'link', 'set', peerIf, 'name', 'eth0']);
  await mustIp(['-n', netns, 'addr', 'add', `${address}/30`, 'dev', 'eth0']);
  await mustIp(['-n', netns, 'link', 'set', 'eth0', 'up']);
  await mustIp(['-n', netns, 'link', 'set', 'lo', 'up']);
}

/**
 * Deletes the veth pair (deleting one end deletes both) and the namespace. Kill the namespace's processes
 * first (`netnsPids`): a namespace with processes in it outlives `ip netns del`.
 */
export async function removeVethNamespace(netns: string, links: string[]): Promise<void> {
  for (const link of links) {
    if (!linkExists(link)) continue;
    const del = await ip(['link', 'del', link]);
    if (del.code !== 0 && linkExists(link)) throw new Error(`ip link del ${link}: ${del.stderr.trim()}`);
  }
  if (!(await netnsList()).includes(netns)) return;
  const del = await ip(['netns', 'del', netns]);
  if (del.code !== 0 && (await netnsList()).includes(netns)) throw new Error(`ip netns del ${netns}: ${del.stderr.trim()}`);
}
