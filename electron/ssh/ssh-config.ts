import os from 'node:os';
import path from 'node:path';
import SSHConfig from 'ssh-config';
import { glob, isDynamicPattern } from 'tinyglobby';
import type { SshConfigCandidate } from '../../shared/model/server.js';
import { readFileIfExists } from '../storage/atomic-file.js';
import { expandHome } from '../storage/paths.js';

/**
 * Reads ~/.ssh/config for import. Include is resolved here (ssh-config does
 * not); `Match exec` is never run: reading a config must not execute it.
 */

const MAX_INCLUDE_DEPTH = 16;
/** Expands * ? [..] like OpenSSH's glob(3): no braces or extglobs, no dot files, sorted. */
async function expandGlob(pattern: string): Promise<string[]> {
  if (!isDynamicPattern(pattern)) return [pattern];
  const found = await glob(pattern, { absolute: true, onlyFiles: true, dot: false, braceExpansion: false, extglob: false, expandDirectories: false });
  return found.sort();
}

function includeArguments(line: string): string[] | undefined {
  const match = /^\s*include(?:\s*=\s*|\s+)(.*)$/i.exec(line);
  if (!match) return undefined;
  return [...match[1]!.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

async function inlineIncludes(file: string, sshDir: string, depth: number): Promise<string> {
  if (depth > MAX_INCLUDE_DEPTH) throw new Error(`${file}: Include nested deeper than ${MAX_INCLUDE_DEPTH} levels (a loop?).`);
  const text = (await readFileIfExists(file)) ?? '';
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const targets = includeArguments(line);
    if (!targets) {
      out.push(line);
      continue;
    }
    for (const target of targets) {
      const expanded = expandHome(target);
      const absolute = path.isAbsolute(expanded) ? expanded : path.join(sshDir, expanded);
      for (const included of await expandGlob(absolute)) out.push(await inlineIncludes(included, sshDir, depth + 1));
    }
  }
  return out.join('\n');
}

export async function loadSshConfig(file: string, sshDir: string = path.dirname(file)): Promise<SSHConfig> {
  return SSHConfig.parse(await inlineIncludes(file, sshDir, 0));
}

function patternsOf(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.map((v: { val: string }) => v.val);
  return [];
}

/** Concrete Host aliases: patterns without wildcards or negation. */
export function hostAliases(config: SSHConfig): string[] {
  const aliases = new Set<string>();
  for (const line of config) {
    if (line.type !== SSHConfig.DIRECTIVE || !/^host$/i.test(line.param)) continue;
    for (const pattern of patternsOf(line.value)) if (!/[*?!]/.test(pattern)) aliases.add(pattern);
  }
  return [...aliases];
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function splitProxyJump(value: string | undefined): string[] {
  if (!value || value.toLowerCase() === 'none') return [];
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

export function resolveAlias(config: SSHConfig, alias: string): SshConfigCandidate {
  const computed = config.compute(alias, { ignoreCase: true, matchExec: false });
  const identityFile = first(computed.identityfile);
  return {
    alias,
    host: first(computed.hostname) ?? alias,
    port: Number(first(computed.port) ?? 22) || 22,
    user: first(computed.user) ?? os.userInfo().username,
    identityFile: identityFile ? expandHome(identityFile) : undefined,
    proxyJump: splitProxyJump(first(computed.proxyjump)),
  };
}

/** A ProxyJump hop that is not an alias: [user@]host[:port] or ssh://[user@]host[:port]. */
export function parseJumpSpec(spec: string): { user?: string; host: string; port?: number } {
  const bare = spec.replace(/^ssh:\/\//, '');
  const at = bare.lastIndexOf('@');
  const user = at >= 0 ? bare.slice(0, at) : undefined;
  const rest = at >= 0 ? bare.slice(at + 1) : bare;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed) return { user, host: bracketed[1]!, port: bracketed[2] ? Number(bracketed[2]) : undefined };
  const colon = rest.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(rest.slice(colon + 1))) return { user, host: rest.slice(0, colon), port: Number(rest.slice(colon + 1)) };
  return { user, host: rest };
}

export async function scanSshConfig(file: string, sshDir?: string): Promise<SshConfigCandidate[]> {
  const config = await loadSshConfig(file, sshDir);
  return hostAliases(config).map((alias) => resolveAlias(config, alias));
}
