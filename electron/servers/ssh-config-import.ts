import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type SSHConfig from 'ssh-config';
import { ApiError, describeIssues } from '../../shared/api/errors.js';
import { SshServer, type ServerAuth, type SshConfigCandidate } from '../../shared/model/server.js';
import { hostAliases, parseJumpSpec, resolveAlias } from '../ssh/ssh-config.js';
import { slugify, uniqueId } from './server-ids.js';
import { freeName, THIS_COMPUTER_NAME } from '../../shared/model/unique-names.js';

export interface ImportPlan {
  /** Servers for the chosen aliases, in the order asked. */
  chosen: SshServer[];
  /** Everything new to store, hops included. */
  added: SshServer[];
}

function defaultAuth(candidate: SshConfigCandidate, sshDir: string, env: NodeJS.ProcessEnv): ServerAuth {
  if (candidate.identityFile) return { method: 'key', keyPath: candidate.identityFile };
  if (env.SSH_AUTH_SOCK) return { method: 'agent' };
  const key = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((name) => path.join(sshDir, name)).find((file) => fs.existsSync(file));
  return key ? { method: 'key', keyPath: key } : { method: 'agent' };
}

/**
 * Turns chosen ~/.ssh/config aliases into servers. ProxyJump hops (aliases or
 * [user@]host[:port]) become servers too; a hop's own ProxyJump is flattened
 * into the chain, as OpenSSH applies it when connecting to that hop.
 */
export function planImport(config: SSHConfig, aliases: readonly string[], existing: readonly SshServer[], sshDir: string, env: NodeJS.ProcessEnv = process.env): ImportPlan {
  const known = new Set(hostAliases(config));
  const taken = new Set(['local', ...existing.map((s) => s.id)]);
  const added: SshServer[] = [];
  const bySpec = new Map<string, SshServer>();

  const candidateFor = (spec: string): SshConfigCandidate => {
    if (known.has(spec)) return resolveAlias(config, spec);
    const jump = parseJumpSpec(spec);
    // A hop's host may itself be an alias with more settings.
    const base = known.has(jump.host) ? resolveAlias(config, jump.host) : undefined;
    return {
      alias: spec,
      host: base?.host ?? jump.host,
      port: jump.port ?? base?.port ?? 22,
      user: jump.user ?? base?.user ?? os.userInfo().username,
      identityFile: base?.identityFile,
      proxyJump: base?.proxyJump ?? [],
    };
  };

  const ensure = (spec: string, stack: readonly string[]): SshServer => {
    const done = bySpec.get(spec);
    if (done) return done;
    if (stack.includes(spec)) throw new ApiError('INVALID_INPUT', `ProxyJump loops back to ${spec} (${[...stack, spec].join(' -> ')}). Fix ~/.ssh/config and import again.`);
    const candidate = candidateFor(spec);
    const proxyJump: string[] = [];
    for (const hopSpec of candidate.proxyJump) {
      const hop = ensure(hopSpec, [...stack, spec]);
      for (const id of [...hop.proxyJump, hop.id]) if (!proxyJump.includes(id)) proxyJump.push(id);
    }
    const same = [...existing, ...added].find((s) => s.host === candidate.host && s.port === candidate.port && s.user === candidate.user && sameJumps(s.proxyJump, proxyJump));
    if (same) {
      bySpec.set(spec, same);
      return same;
    }
    const id = uniqueId(slugify(candidate.alias), taken);
    // Names stay unique as when added by hand: an alias that reads like an existing server's name gets a number.
    const name = freeName(candidate.alias, [THIS_COMPUTER_NAME, ...existing.map((s) => s.name), ...added.map((s) => s.name)]);
    const parsed = SshServer.safeParse({ kind: 'ssh', id, name, host: candidate.host, port: candidate.port, user: candidate.user, auth: defaultAuth(candidate, sshDir, env), proxyJump });
    if (!parsed.success) {
      throw new ApiError('INVALID_INPUT', `Cannot import ${candidate.alias}: ${describeIssues(parsed.error)}`);
    }
    taken.add(id);
    added.push(parsed.data);
    bySpec.set(spec, parsed.data);
    return parsed.data;
  };

  const chosen = aliases.map((alias) => {
    if (!known.has(alias)) throw new ApiError('NOT_FOUND', `There is no "Host ${alias}" in the ssh config. Scan it again and pick from the list.`);
    return ensure(alias, []);
  });
  return { chosen, added };
}

function sameJumps(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
