import { ApiError } from '../../shared/api/errors.js';
import type { Prompter } from '../prompts/prompt-broker.js';
import {
  appendKnownHost,
  checkHostKey,
  fingerprint,
  keyTypeLabel,
  keyTypeOfBlob,
  knownHostName,
  hostsFieldMatches,
  knownKeyTypes,
  readKnownHostsFiles,
  type KnownHostEntry,
  type KnownHostsSkip,
} from './known-hosts.js';

/**
 * OpenSSH's `StrictHostKeyChecking ask`: known keys pass silently, unknown
 * keys are put to the user, changed and revoked keys are refused outright.
 */
export interface KnownHostsFiles {
  /** Read only: ~/.ssh/known_hosts and the system-wide file. */
  readonly user: readonly string[];
  /** Berth's own file, where accepted keys are written. */
  readonly berth: string;
  /** Where warnings about skipped lines go, like OpenSSH's; stderr by default. */
  readonly warn?: (message: string) => void;
}

export interface HostKeyTarget {
  serverId: string;
  host: string;
  port: number;
}

export async function loadKnownHosts(files: KnownHostsFiles, skipped?: KnownHostsSkip[]): Promise<KnownHostEntry[]> {
  return readKnownHostsFiles([...files.user, files.berth], skipped);
}

const warned = new Set<string>();

/** One warning per skipped line that names this host, once per process. */
function warnAboutSkipped(files: KnownHostsFiles, skipped: readonly KnownHostsSkip[], name: string): void {
  for (const skip of skipped) {
    if (!hostsFieldMatches(skip.hosts, name)) continue;
    const key = `${skip.file}\u0000${skip.line}\u0000${skip.reason}`;
    if (warned.has(key)) continue;
    warned.add(key);
    const message = `Warning: ${skip.file}:${skip.line}: skipped this line for ${name}: ${skip.reason}. OpenSSH skips it too; fix or remove the line.`;
    if (files.warn) files.warn(message);
    else process.stderr.write(`${message}\n`);
  }
}

const RSA_ALGORITHMS = ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

/**
 * Host key algorithms ssh2 can verify. known_hosts may name others that
 * OpenSSH knows (security keys: sk-ssh-ed25519@openssh.com, ...); asking ssh2
 * for one of those fails every connection with "Unsupported algorithm".
 */
export const SUPPORTED_HOST_KEY_TYPES: ReadonlySet<string> = new Set(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa', 'ssh-dss']);

/** Host key algorithms to put first so the server presents a key we already trust; only ones ssh2 supports. */
export function preferredHostKeyAlgorithms(entries: readonly KnownHostEntry[], target: HostKeyTarget): string[] {
  return knownKeyTypes(entries, knownHostName(target.host, target.port))
    .filter((type) => SUPPORTED_HOST_KEY_TYPES.has(type))
    .flatMap((type) => (type === 'ssh-rsa' ? RSA_ALGORITHMS : [type]));
}

export function changedKeyMessage(target: HostKeyTarget, blob: Buffer, offending: KnownHostEntry): string {
  const name = knownHostName(target.host, target.port);
  const label = keyTypeLabel(keyTypeOfBlob(blob));
  return [
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    'IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!',
    'Someone could be eavesdropping on you right now (man-in-the-middle attack)!',
    'It is also possible that a host key has just been changed.',
    `The fingerprint for the ${label} key sent by the remote host is`,
    `${fingerprint(blob)}.`,
    'Please contact your system administrator.',
    `Add correct host key in ${offending.file} to get rid of this message.`,
    `Offending ${keyTypeLabel(offending.keyType)} key in ${offending.file}:${offending.line}`,
    '  remove with:',
    `  ssh-keygen -f '${offending.file}' -R '${name}'`,
    `Host key for ${name} has changed and Berth refuses to connect. Once you have confirmed the new key is genuine, remove the old line and connect again.`,
  ].join('\n');
}

function revokedKeyMessage(target: HostKeyTarget, blob: Buffer, entry: KnownHostEntry): string {
  return [
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    '@       WARNING: REVOKED HOST KEY DETECTED!               @',
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    `The ${keyTypeLabel(keyTypeOfBlob(blob))} host key for ${knownHostName(target.host, target.port)} is marked as revoked in ${entry.file}:${entry.line}.`,
    `Fingerprint: ${fingerprint(blob)}. Berth will not connect to a host presenting a revoked key; ask the server's administrator for its current key.`,
  ].join('\n');
}

/**
 * Decides on a presented host key. Resolves when the key is trusted (saving
 * it when the user accepted a new one); rejects with an ApiError otherwise.
 */
export async function verifyHostKey(files: KnownHostsFiles, prompter: Prompter, target: HostKeyTarget, blob: Buffer): Promise<void> {
  const name = knownHostName(target.host, target.port);
  const skipped: KnownHostsSkip[] = [];
  const verdict = checkHostKey(await loadKnownHosts(files, skipped), name, blob);
  warnAboutSkipped(files, skipped, name);
  switch (verdict.status) {
    case 'known':
      return;
    case 'revoked':
      throw new ApiError('HOST_KEY_REVOKED', revokedKeyMessage(target, blob, verdict.entry));
    case 'changed':
      throw new ApiError('HOST_KEY_CHANGED', changedKeyMessage(target, blob, verdict.offending));
    case 'unknown': {
      const answer = await prompter.ask({
        kind: 'hostKey',
        serverId: target.serverId,
        host: target.host,
        port: target.port,
        keyType: keyTypeOfBlob(blob),
        fingerprint: fingerprint(blob),
      });
      if (!answer.accept) {
        throw new ApiError('HOST_KEY_REJECTED', `The host key of ${name} (${fingerprint(blob)}) was not accepted, so Berth did not connect. Compare the fingerprint with the server's (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) and try again.`);
      }
      if (answer.remember !== false) await appendKnownHost(files.berth, name, blob);
      return;
    }
  }
}

/** Message for unattended runs that met a key nobody has accepted yet. */
export function unknownHostKeyMessage(host: string, port: number, keyType: string, keyFingerprint: string, hint: string): string {
  const name = knownHostName(host, port);
  return [
    `The authenticity of host '${name}' can't be established.`,
    `${keyTypeLabel(keyType)} key fingerprint is ${keyFingerprint}.`,
    `Key type: ${keyType}`,
    hint,
  ].join('\n');
}
