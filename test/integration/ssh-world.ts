import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Prompt } from '../../shared/api/contract.js';
import type { ServerStatus } from '../../shared/model/server.js';
import { EventBus } from '../../electron/api/event-bus.js';
import type { PromptAnswer, PromptRequest, Prompter } from '../../electron/prompts/prompt-broker.js';
import { MemorySecretStore } from '../../electron/secrets/secret-store.js';
import { ServerService } from '../../electron/servers/server-service.js';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startSshd, type SshdHandle } from '../support/sshd.js';

/** A Prompter driven by the test: records every prompt and answers with `answer`. */
export class ScriptedPrompter implements Prompter {
  readonly asked: PromptRequest[] = [];
  answer: (request: PromptRequest) => PromptAnswer | Promise<PromptAnswer> = () => ({ accept: false });

  async ask(request: PromptRequest): Promise<PromptAnswer> {
    this.asked.push(request);
    return this.answer(request);
  }

  hostKeyPrompts(): Extract<Prompt, { kind: 'hostKey' }>[] {
    return this.asked.filter((p): p is Extract<Prompt, { kind: 'hostKey' }> => p.kind === 'hostKey') as never;
  }
}

export interface World {
  dir: string;
  sshDir: string;
  userKnownHosts: string;
  prompter: ScriptedPrompter;
  statuses: ServerStatus[];
  service: ServerService;
  dispose(): Promise<void>;
}

/** A ServerService on a throwaway data dir and ~/.ssh, so tests never touch the real ones. */
export async function createWorld(): Promise<World> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-world-'));
  const sshDir = path.join(dir, 'dot-ssh');
  await fs.mkdir(sshDir);
  const userKnownHosts = path.join(sshDir, 'known_hosts');
  const prompter = new ScriptedPrompter();
  const events = new EventBus();
  const statuses: ServerStatus[] = [];
  events.subscribe((event, payload) => {
    if (event === 'server.status') statuses.push(payload as ServerStatus);
  });
  const service = new ServerService({
    dataDir: path.join(dir, 'data'),
    secrets: new MemorySecretStore(),
    prompter,
    events,
    sshDir,
    userKnownHosts: [userKnownHosts],
    connectTimeoutMs: 5_000,
  });
  return {
    dir,
    sshDir,
    userKnownHosts,
    prompter,
    statuses,
    service,
    async dispose() {
      await service.dispose();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Trust the sshd's current key up front (as if accepted earlier), for tests about other things. */
export async function trust(world: World, sshd: SshdHandle): Promise<void> {
  await fs.appendFile(world.userKnownHosts, `[${sshd.host}]:${sshd.port} ${sshd.hostPublicKey}\n`);
}

export async function addServer(world: World, sshd: SshdHandle, name = 'test', extra: { keyPath?: string; proxyJump?: string[] } = {}) {
  return world.service.add({
    name,
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    auth: { method: 'key', keyPath: extra.keyPath ?? sshd.clientKeyPath },
    proxyJump: extra.proxyJump ?? [],
  });
}

export function countInLog(log: string, pattern: RegExp): number {
  return log.split('\n').filter((line) => pattern.test(line)).length;
}

/**
 * One sshd for the whole file and, for each test, a fresh world that already
 * trusts it. `bind` receives them before every test.
 */
export function useTrustedWorld(bind: (sshd: SshdHandle, world: World) => void): void {
  let sshd: SshdHandle | undefined;
  let world: World | undefined;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });
  beforeEach(async () => {
    world = await createWorld();
    await trust(world, sshd!);
    bind(sshd!, world);
  });
  afterEach(async () => {
    await world?.dispose();
  });
}
