import { ApiError } from '../../shared/api/errors.js';
import type { Prompter } from '../prompts/prompt-broker.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { Credentials } from '../ssh/auth.js';

type Kind = 'password' | 'passphrase';

/**
 * Server passwords and key passphrases. Asked for through the Prompter when
 * unknown; kept in the SecretStore when the user chose to remember and the
 * store persists, otherwise in memory for this run only.
 */
export class CredentialVault {
  private readonly memory = new Map<string, string>();

  constructor(
    private readonly secrets: SecretStore,
    private readonly prompter: Prompter,
  ) {}

  for(serverId: string): Credentials {
    return {
      get: (kind, label) => this.get(serverId, kind, label),
      forget: (kind) => this.forget(serverId, kind),
    };
  }

  async forgetServer(serverId: string): Promise<void> {
    await Promise.all([this.forget(serverId, 'password'), this.forget(serverId, 'passphrase')]);
  }

  private async get(serverId: string, kind: Kind, label: string): Promise<string> {
    const key = secretKey(serverId, kind);
    const known = this.memory.get(key) ?? (await this.secrets.get(key));
    if (known !== undefined) return known;
    const answer = await this.prompter.ask({ kind, serverId, label, canRemember: this.secrets.persistent });
    if (!answer.accept || answer.secret === undefined) throw new ApiError('CANCELLED', `No ${kind} was given, so Berth did not log in.`);
    if (answer.remember && this.secrets.persistent) await this.secrets.set(key, answer.secret);
    else this.memory.set(key, answer.secret);
    return answer.secret;
  }

  private async forget(serverId: string, kind: Kind): Promise<void> {
    const key = secretKey(serverId, kind);
    this.memory.delete(key);
    await this.secrets.delete(key);
  }
}

function secretKey(serverId: string, kind: Kind): string {
  return `server/${serverId}/${kind}`;
}
