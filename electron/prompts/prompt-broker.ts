import { randomUUID } from 'node:crypto';
import type { Prompt } from '../../shared/api/contract.js';
import { ApiError } from '../../shared/api/errors.js';

export type PromptRequest = Prompt extends infer P ? (P extends Prompt ? Omit<P, 'promptId'> : never) : never;
export interface PromptAnswer {
  accept: boolean;
  secret?: string;
  remember?: boolean;
}

/**
 * Asks the user something (host key, password, passphrase) and waits for the
 * answer. The UI host shows prompts from events; the CLI answers from flags
 * and the TTY. Connections that need an answer just await `ask`.
 */
export interface Prompter {
  ask(request: PromptRequest): Promise<PromptAnswer>;
}

type Emit = (prompt: Prompt) => void;
type EmitClosed = (promptId: string) => void;

/** Prompter for UIs: emits a `prompt` event and resolves on `prompts.answer`. */
export class PromptBroker implements Prompter {
  private readonly pending = new Map<string, (answer: PromptAnswer) => void>();

  constructor(
    private readonly emit: Emit,
    private readonly emitClosed: EmitClosed,
    private readonly timeoutMs = 5 * 60_000,
  ) {}

  ask(request: PromptRequest): Promise<PromptAnswer> {
    const promptId = randomUUID();
    return new Promise<PromptAnswer>((resolve) => {
      const timer = setTimeout(() => this.settle(promptId, { accept: false }), this.timeoutMs);
      timer.unref?.();
      this.pending.set(promptId, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      this.emit({ ...request, promptId } as Prompt);
    });
  }

  answer(promptId: string, answer: PromptAnswer): void {
    if (!this.pending.has(promptId)) throw new ApiError('NOT_FOUND', 'This prompt was already answered or has expired. Try connecting again.');
    this.settle(promptId, answer);
  }

  /** Pending prompts are re-sent to a UI that connects late (e.g. a reloaded page). */
  get pendingCount(): number {
    return this.pending.size;
  }

  cancelAll(): void {
    for (const id of [...this.pending.keys()]) this.settle(id, { accept: false });
  }

  private settle(promptId: string, answer: PromptAnswer) {
    const resolve = this.pending.get(promptId);
    if (!resolve) return;
    this.pending.delete(promptId);
    this.emitClosed(promptId);
    resolve(answer);
  }
}
