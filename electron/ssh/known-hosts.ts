import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { readFileIfExists } from '../storage/atomic-file.js';

/**
 * OpenSSH known_hosts files: plain and hashed (|1|salt|hmac) names, [host]:port
 * for other ports than 22, comma lists, * and ? wildcards, ! negation and the
 * @revoked marker. @cert-authority lines are skipped: Berth does not use host
 * certificates. As in OpenSSH, a line whose key cannot be read (an unknown key
 * type, bad base64, a truncated or mislabelled key) is skipped, never taken as
 * the host's key: only a valid, different key is a changed key.
 */

export interface KnownHostEntry {
  file: string;
  line: number;
  marker?: 'revoked' | 'cert-authority';
  /** Comma list of patterns, or one |1| hashed name. */
  hosts: string;
  keyType: string;
  keyBase64: string;
}

/** How OpenSSH names a host in known_hosts: the bare name on port 22, [host]:port otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** A line that was not used, and why; printed as a warning, like OpenSSH's. */
export interface KnownHostsSkip {
  file: string;
  line: number;
  /** The line's host field, to tell whether the skip concerns the host being checked. */
  hosts: string;
  reason: string;
}

/** Text from a known_hosts file as it may appear in a message: one short line, whatever the file holds. */
export function clipForMessage(text: string, max = 60): string {
  // eslint-disable-next-line no-control-regex -- control characters are what must not reach a terminal
  const flat = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return flat.length > max ? `${flat.slice(0, max)}… (${flat.length} characters)` : flat;
}

/** Reads SSH wire fields (uint32 length, then bytes) off a key blob; undefined once it runs out. */
class BlobReader {
  private offset = 0;
  constructor(private readonly blob: Buffer) {}
  field(): Buffer | undefined {
    if (this.offset + 4 > this.blob.length) return undefined;
    const length = this.blob.readUInt32BE(this.offset);
    if (this.offset + 4 + length > this.blob.length) return undefined;
    const value = this.blob.subarray(this.offset + 4, this.offset + 4 + length);
    this.offset += 4 + length;
    return value;
  }
  get done(): boolean {
    return this.offset === this.blob.length;
  }
}

const ecPoint = (bytes: number) => (point: Buffer | undefined) =>
  point !== undefined && ((point[0] === 4 && point.length === 1 + 2 * bytes) || ((point[0] === 2 || point[0] === 3) && point.length === 1 + bytes));
const curve = (name: string, bytes: number) => (r: BlobReader) => r.field()?.toString('latin1') === name && ecPoint(bytes)(r.field());
const nonEmpty = (r: BlobReader) => (r.field()?.length ?? 0) > 0;

/** The public key layouts of the key types OpenSSH writes to known_hosts: the fields after the type name. */
const KEY_LAYOUTS: Record<string, (r: BlobReader) => boolean> = {
  'ssh-ed25519': (r) => r.field()?.length === 32,
  'sk-ssh-ed25519@openssh.com': (r) => r.field()?.length === 32 && r.field() !== undefined,
  'ssh-rsa': (r) => nonEmpty(r) && nonEmpty(r),
  'ssh-dss': (r) => nonEmpty(r) && nonEmpty(r) && nonEmpty(r) && nonEmpty(r),
  'ecdsa-sha2-nistp256': curve('nistp256', 32),
  'ecdsa-sha2-nistp384': curve('nistp384', 48),
  'ecdsa-sha2-nistp521': curve('nistp521', 66),
  'sk-ecdsa-sha2-nistp256@openssh.com': (r) => curve('nistp256', 32)(r) && r.field() !== undefined,
};

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Why OpenSSH would not read this key, or undefined when it would. */
function keyProblem(keyType: string, keyBase64: string): string | undefined {
  const layout = KEY_LAYOUTS[keyType];
  if (!layout) return `the key type "${clipForMessage(keyType, 40)}" is not one Berth can check`;
  if (keyBase64.length % 4 !== 0 || !BASE64.test(keyBase64)) return `the ${keyType} key is not valid base64 (truncated?)`;
  const reader = new BlobReader(Buffer.from(keyBase64, 'base64'));
  const named = reader.field()?.toString('latin1');
  if (named !== keyType) return `the key is labelled ${keyType} but holds ${named === undefined ? 'no key' : `a ${clipForMessage(named, 40)} key`}`;
  if (!layout(reader) || !reader.done) return `the ${keyType} key is incomplete or has extra bytes (truncated?)`;
  return undefined;
}

/** Entries of one file; lines that cannot be used are left out and, when `skipped` is given, listed there. */
export function parseKnownHosts(text: string, file: string, skipped?: KnownHostsSkip[]): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#')) return;
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const name = fields.shift()!;
      if (name === '@revoked') marker = 'revoked';
      else if (name === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    const [hosts, keyType, keyBase64] = fields;
    if (!hosts || !keyType || !keyBase64) return;
    const problem = keyProblem(keyType, keyBase64);
    if (problem) {
      skipped?.push({ file, line: index + 1, hosts, reason: problem });
      return;
    }
    entries.push({ file, line: index + 1, marker, hosts, keyType, keyBase64 });
  });
  return entries;
}

function hashedMatches(hashed: string, name: string): boolean {
  const [, magic, salt, hash] = hashed.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return digest === hash;
}

/**
 * OpenSSH match_pattern: `*` matches any run of characters, `?` exactly one,
 * everything else itself, ignoring case. Greedy with a single resume point
 * (the last `*` seen), so the pattern is read once: time is linear in the
 * pattern (and at most quadratic in the host name), and no regular
 * expression is ever built from the file's text.
 */
export function wildcardMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const s = name.toLowerCase();
  let pi = 0;
  let si = 0;
  let star = -1;
  let resume = 0;
  while (si < s.length) {
    const c = p[pi];
    if (c === '*') {
      star = pi++;
      resume = si;
    } else if (pi < p.length && (c === '?' || c === s[si])) {
      pi++;
      si++;
    } else if (star >= 0) {
      pi = star + 1;
      si = ++resume;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

/** OpenSSH match_hostname: any positive pattern matches and no negated one does. */
export function hostsFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|')) return hashedMatches(hosts, name);
  let matched = false;
  for (const pattern of hosts.split(',')) {
    if (!pattern) continue;
    const negated = pattern.startsWith('!');
    if (wildcardMatches(negated ? pattern.slice(1) : pattern, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** 'SHA256:' + unpadded base64, exactly as ssh-keygen -l prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The name OpenSSH shows for a key type in messages, e.g. ED25519. */
export function keyTypeLabel(keyType: string): string {
  if (keyType === 'ssh-ed25519') return 'ED25519';
  if (keyType === 'ssh-rsa') return 'RSA';
  if (keyType.startsWith('ecdsa-')) return 'ECDSA';
  if (keyType === 'ssh-dss') return 'DSA';
  return keyType;
}

export type HostKeyVerdict =
  | { status: 'known' }
  | { status: 'unknown'; otherTypesKnown: string[] }
  | { status: 'changed'; offending: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry };

export function checkHostKey(entries: readonly KnownHostEntry[], name: string, blob: Buffer): HostKeyVerdict {
  const keyType = keyTypeOfBlob(blob);
  const keyBase64 = blob.toString('base64');
  const forHost = entries.filter((e) => e.marker !== 'cert-authority' && hostsFieldMatches(e.hosts, name));
  const revoked = forHost.find((e) => e.marker === 'revoked' && e.keyBase64 === keyBase64);
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = forHost.filter((e) => e.marker === undefined);
  if (plain.some((e) => e.keyType === keyType && e.keyBase64 === keyBase64)) return { status: 'known' };
  const offending = plain.find((e) => e.keyType === keyType);
  if (offending) return { status: 'changed', offending };
  return { status: 'unknown', otherTypesKnown: [...new Set(plain.map((e) => e.keyType))] };
}

/** Key types already trusted for this host, to ask the server for those first. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], name: string): string[] {
  return [...new Set(entries.filter((e) => e.marker === undefined && hostsFieldMatches(e.hosts, name)).map((e) => e.keyType))];
}

export async function readKnownHostsFiles(files: readonly string[], skipped?: KnownHostsSkip[]): Promise<KnownHostEntry[]> {
  const texts = await Promise.all(files.map(async (file) => ({ file, text: await readFileIfExists(file).catch(() => undefined) })));
  return texts.flatMap(({ file, text }) => (text ? parseKnownHosts(text, file, skipped) : []));
}

/** Appends in OpenSSH format so `ssh` itself can use the file too. */
export async function appendKnownHost(file: string, name: string, blob: Buffer): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const existing = (await readFileIfExists(file)) ?? '';
  const separator = existing && !existing.endsWith('\n') ? '\n' : '';
  await fs.appendFile(file, `${separator}${name} ${keyTypeOfBlob(blob)} ${blob.toString('base64')}\n`, { mode: 0o600 });
}
