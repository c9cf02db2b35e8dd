import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { z } from 'zod';
import { ApiError, describeIssues } from '../../shared/api/errors.js';
import { issueField } from '../../shared/api/issue-messages.js';
import { LOCAL_SERVER_ID, ServerInput, SshServer, type LocalServer, type Server, type ServerAuth, type ServerStatus, type SshConfigCandidate } from '../../shared/model/server.js';
import { findSameName, sameName, THIS_COMPUTER_NAME } from '../../shared/model/unique-names.js';
import type { EventBus } from '../api/event-bus.js';
import type { Host } from '../hosts/host.js';
import { LocalHost } from '../local/local-host.js';
import type { Prompter } from '../prompts/prompt-broker.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { ConnectionPool } from '../ssh/connection-pool.js';
import { serverLabel } from '../ssh/connect-hop.js';
import { loadSshConfig, scanSshConfig } from '../ssh/ssh-config.js';
import { SshConnection } from '../ssh/ssh-connection.js';
import { SshHost } from '../ssh/ssh-host.js';
import { expandHome } from '../storage/paths.js';
import { CredentialVault } from './credential-vault.js';
import { probeHost } from './probe.js';
import { serverStore } from './server-store.js';
import { slugify, uniqueId } from './server-ids.js';
import { planImport } from './ssh-config-import.js';

export interface ServerServiceOptions {
  dataDir: string;
  secrets: SecretStore;
  prompter: Prompter;
  events: EventBus;
  /** The user's OpenSSH directory (config, known_hosts); ~/.ssh by default. */
  sshDir?: string;
  /** known_hosts files read but never written; default ~/.ssh/known_hosts(2) and /etc/ssh/ssh_known_hosts. */
  userKnownHosts?: string[];
  /** Network time allowed to connect and log in; prompts do not count. */
  connectTimeoutMs?: number;
}

const LOCAL: LocalServer = { kind: 'local', id: LOCAL_SERVER_ID, name: THIS_COMPUTER_NAME };

/**
 * Servers: the list in <dataDir>/servers.json, "this computer", one pooled
 * SSH connection per server, connection status events and probes.
 */
export class ServerService {
  private readonly store;
  private readonly pool: ConnectionPool;
  private readonly vault: CredentialVault;
  private readonly statuses = new Map<string, ServerStatus>();
  private readonly localHost = new LocalHost();
  private readonly sshDir: string;

  constructor(readonly options: ServerServiceOptions) {
    this.store = serverStore(options.dataDir);
    this.sshDir = options.sshDir ?? path.join(os.homedir(), '.ssh');
    this.vault = new CredentialVault(options.secrets, options.prompter);
    this.pool = new ConnectionPool({
      connecting: (id) => this.setStatus({ serverId: id, state: 'connecting' }),
      connected: (id) => this.setStatus({ serverId: id, state: 'connected', probe: this.statuses.get(id)?.probe }),
      failed: (id, err) => this.setStatus({ serverId: id, state: 'error', error: ApiError.from(err).message }),
      closed: (id) => {
        if (this.statuses.get(id)?.state === 'connected') this.setStatus({ serverId: id, state: 'idle', probe: this.statuses.get(id)?.probe });
      },
    });
  }

  get berthKnownHosts(): string {
    return path.join(this.options.dataDir, 'known_hosts');
  }

  async list(): Promise<Server[]> {
    return [LOCAL, ...(await this.store.read()).servers];
  }

  async get(id: string): Promise<Server> {
    // This computer needs no stored settings, so it works even when servers.json cannot be read.
    if (id === LOCAL_SERVER_ID) return LOCAL;
    const server = (await this.list()).find((s) => s.id === id);
    if (!server) throw new ApiError('NOT_FOUND', `There is no server "${id}". List servers to see their ids.`);
    return server;
  }

  /** By id or by name, for the CLI. */
  async find(idOrName: string): Promise<Server> {
    if (idOrName === LOCAL_SERVER_ID) return LOCAL;
    const servers = await this.list();
    const server = servers.find((s) => s.id === idOrName) ?? servers.find((s) => s.name === idOrName);
    if (!server) throw new ApiError('NOT_FOUND', `There is no server "${idOrName}". Run "berth servers list" to see them.`);
    return server;
  }

  add(input: z.input<typeof ServerInput>): Promise<SshServer> {
    return this.mutate(async (servers) => {
      const parsed = parseInput(input);
      checkName(parsed.name, servers);
      await checkKeyFile(parsed.auth);
      const taken = new Set([LOCAL_SERVER_ID, ...servers.map((s) => s.id)]);
      if (parsed.id && taken.has(parsed.id)) throw new ApiError('CONFLICT', `A server with id "${parsed.id}" already exists. Choose another id or edit that server.`);
      const id = parsed.id ?? uniqueId(slugify(parsed.name), taken);
      const server = SshServer.parse({ ...parsed, kind: 'ssh', id });
      checkJumps(server, servers);
      return { servers: [...servers, server], result: server };
    });
  }

  update(id: string, input: z.input<typeof ServerInput>): Promise<SshServer> {
    return this.mutate(async (servers) => {
      const index = servers.findIndex((s) => s.id === id);
      if (id === LOCAL_SERVER_ID) throw new ApiError('INVALID_INPUT', 'This computer is built in and has no connection settings to edit.');
      if (index < 0) throw new ApiError('NOT_FOUND', `There is no server "${id}".`);
      const previous = servers[index]!;
      const server = SshServer.parse({ ...parseInput(input), kind: 'ssh', id });
      checkName(server.name, servers, id);
      // An unchanged key path was accepted before; only a new one is checked, so other edits still save while a key is being moved.
      if (JSON.stringify(previous.auth) !== JSON.stringify(server.auth)) await checkKeyFile(server.auth);
      checkJumps(server, servers);
      await this.pool.drop(id);
      if (JSON.stringify(previous.auth) !== JSON.stringify(server.auth)) await this.vault.forgetServer(id);
      return { servers: servers.map((s) => (s.id === id ? server : s)), result: server };
    });
  }

  remove(id: string): Promise<void> {
    return this.mutate(async (servers) => {
      if (id === LOCAL_SERVER_ID) throw new ApiError('INVALID_INPUT', 'This computer is built in and cannot be removed.');
      if (!servers.some((s) => s.id === id)) throw new ApiError('NOT_FOUND', `There is no server "${id}".`);
      const users = servers.filter((s) => s.proxyJump.includes(id)).map((s) => s.name);
      if (users.length) throw new ApiError('CONFLICT', `${id} is a jump host for ${users.join(', ')}. Change their ProxyJump first.`);
      await this.pool.drop(id);
      await this.vault.forgetServer(id);
      this.statuses.delete(id);
      return { servers: servers.filter((s) => s.id !== id), result: undefined };
    });
  }

  /** Connects (asking about the host key if needed) and probes what the server runs. */
  async test(id: string): Promise<ServerStatus> {
    const host = await this.host(id);
    try {
      const probe = await probeHost(host);
      const status: ServerStatus = { serverId: id, state: 'connected', probe };
      this.setStatus(status);
      return status;
    } catch (err) {
      const error = ApiError.from(err);
      this.setStatus({ serverId: id, state: 'error', error: error.message });
      throw error;
    }
  }

  async statusList(): Promise<ServerStatus[]> {
    return (await this.list()).map((s) => this.statuses.get(s.id) ?? { serverId: s.id, state: s.kind === 'local' ? 'connected' : 'idle' });
  }

  scanSshConfig(file?: string): Promise<SshConfigCandidate[]> {
    return scanSshConfig(file ?? path.join(this.sshDir, 'config'), this.sshDir);
  }

  async importSshConfig(file: string | undefined, aliases: readonly string[]): Promise<SshServer[]> {
    const config = await loadSshConfig(file ?? path.join(this.sshDir, 'config'), this.sshDir);
    return this.mutate(async (servers) => {
      const plan = planImport(config, aliases, servers, this.sshDir);
      const chosen = new Set(plan.chosen.map((s) => s.id));
      return { servers: [...servers, ...plan.added], result: [...plan.chosen, ...plan.added.filter((s) => !chosen.has(s.id))] };
    });
  }

  async host(id: string): Promise<Host> {
    const server = await this.get(id);
    if (server.kind === 'local') return this.localHost;
    return new SshHost(server.id, serverLabel(server), () => this.connection(server.id));
  }

  async sshHost(id: string): Promise<SshHost> {
    const host = await this.host(id);
    if (!(host instanceof SshHost)) throw new ApiError('UNSUPPORTED', 'This computer is not reached over SSH.');
    return host;
  }

  async dispose(): Promise<void> {
    await this.pool.closeAll();
  }

  private connection(id: string): Promise<SshConnection> {
    return this.pool.get(id, async () => {
      const chain = await this.chain(id);
      return SshConnection.open(chain, {
        knownHosts: { user: this.options.userKnownHosts ?? this.defaultUserKnownHosts(), berth: this.berthKnownHosts },
        prompter: this.options.prompter,
        credentials: (serverId) => this.vault.for(serverId),
        connectTimeoutMs: this.options.connectTimeoutMs ?? 20_000,
      });
    });
  }

  private defaultUserKnownHosts(): string[] {
    return [path.join(this.sshDir, 'known_hosts'), path.join(this.sshDir, 'known_hosts2'), '/etc/ssh/ssh_known_hosts'];
  }

  private async chain(id: string): Promise<SshServer[]> {
    const servers = (await this.store.read()).servers;
    const byId = new Map(servers.map((s) => [s.id, s]));
    const target = byId.get(id)!;
    return [
      ...target.proxyJump.map((hop) => {
        const server = byId.get(hop);
        if (!server) throw new ApiError('NOT_FOUND', `${target.name} jumps through "${hop}", which no longer exists. Edit its ProxyJump.`);
        return server;
      }),
      target,
    ];
  }

  private setStatus(status: ServerStatus) {
    this.statuses.set(status.serverId, status);
    this.options.events.emit('server.status', status);
  }

  /** Read-modify-write of servers.json under its lock, shared with every other Berth process on this data directory. */
  private async mutate<T>(change: (servers: SshServer[]) => Promise<{ servers: SshServer[]; result: T }>): Promise<T> {
    let outcome: { result: T } | undefined;
    await this.store.update(async (current) => {
      const { servers, result } = await change(current.servers);
      outcome = { result };
      return { servers };
    });
    return outcome!.result;
  }
}

function parseInput(input: z.input<typeof ServerInput>): z.output<typeof ServerInput> {
  const parsed = ServerInput.safeParse(input);
  if (!parsed.success) throw new ApiError('INVALID_INPUT', describeIssues(parsed.error, 'server'), parsed.error.issues[0] && issueField(parsed.error.issues[0].path));
  return parsed.data;
}

/**
 * Server names are what every list and picker shows, so two that read the same (any case) are refused, and so is
 * the built-in "This computer". The message names the server that has it.
 */
function checkName(name: string, servers: readonly SshServer[], except?: string) {
  if (sameName(name, THIS_COMPUTER_NAME)) throw new ApiError('CONFLICT', `"${THIS_COMPUTER_NAME}" is the built-in name of this computer. Choose another name.`, 'name');
  const other = findSameName(servers, name, (s) => s.id === except);
  if (other) throw new ApiError('CONFLICT', `A server named "${other.name}" already exists (${other.user}@${other.host}). Choose another name, or edit that server.`, 'name');
}

/** A key file that is not there would only fail at the first connection, far from where the path was typed. */
async function checkKeyFile(auth: ServerAuth) {
  if (auth.method !== 'key') return;
  const file = expandHome(auth.keyPath);
  const stat = await fs.stat(file).catch((err: NodeJS.ErrnoException) => err);
  if (stat instanceof Error) {
    const why = stat.code === 'ENOENT' ? 'There is no file' : stat.code === 'EACCES' ? 'Berth may not read the file' : `Berth cannot read the file (${stat.code ?? stat.message})`;
    throw new ApiError('INVALID_INPUT', `${why} ${auth.keyPath}. Enter the path of your private key, e.g. ~/.ssh/id_ed25519.`, 'auth.keyPath');
  }
  if (!stat.isFile()) throw new ApiError('INVALID_INPUT', `${auth.keyPath} is not a file. Enter the path of your private key file, e.g. ~/.ssh/id_ed25519.`, 'auth.keyPath');
}

function checkJumps(server: SshServer, servers: readonly SshServer[]) {
  for (const hop of server.proxyJump) {
    if (hop === server.id) throw new ApiError('INVALID_INPUT', `${server.name} cannot jump through itself.`);
    if (!servers.some((s) => s.id === hop)) throw new ApiError('INVALID_INPUT', `Jump host "${hop}" is not a server. Add it first.`);
  }
}
