// STUB: replaced by the SSH/servers work. Keeps the signatures core.ts relies on.
import type { EventBus } from '../api/event-bus.js';
import type { Prompter } from '../prompts/prompt-broker.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { Host } from '../hosts/host.js';
import { ApiError } from '../../shared/api/errors.js';

export interface ServerServiceOptions {
  dataDir: string;
  secrets: SecretStore;
  prompter: Prompter;
  events: EventBus;
}

export class ServerService {
  constructor(readonly options: ServerServiceOptions) {}
  async host(id: string): Promise<Host> {
    throw new ApiError('NOT_FOUND', `No server ${id}.`);
  }
  async dispose(): Promise<void> {}
}
