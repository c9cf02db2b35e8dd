import { create } from 'zustand';
import { api } from '../../api/api';
import type { Prompt } from '../../../../shared/api/contract';

interface PromptsState {
  queue: Prompt[];
  answer(promptId: string, answer: { accept: boolean; secret?: string; remember?: boolean }): Promise<void>;
}

/** Prompts from the core, oldest first; one is shown at a time. */
export const usePrompts = create<PromptsState>((set, get) => ({
  queue: [],
  async answer(promptId, answer) {
    set({ queue: get().queue.filter((p) => p.promptId !== promptId) });
    // A prompt that timed out meanwhile is already closed on the core's side; nothing is left to do.
    await api.call('prompts.answer', { promptId, ...answer }).catch(() => undefined);
  },
}));

api.on('prompt', (prompt) => usePrompts.setState((s) => ({ queue: [...s.queue.filter((p) => p.promptId !== prompt.promptId), prompt] })));
api.on('prompt.closed', ({ promptId }) => usePrompts.setState((s) => ({ queue: s.queue.filter((p) => p.promptId !== promptId) })));
