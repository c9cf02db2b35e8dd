import { usePrompts } from './prompts-store';
import { HostKeyDialog } from './HostKeyDialog';
import { SecretDialog } from './SecretDialog';

/** Shows the oldest pending prompt; the rest wait their turn. */
export function PromptLayer() {
  const prompt = usePrompts((s) => s.queue[0]);
  const answer = usePrompts((s) => s.answer);
  if (!prompt) return null;
  if (prompt.kind === 'hostKey') {
    return <HostKeyDialog key={prompt.promptId} prompt={prompt} onAnswer={(accept) => void answer(prompt.promptId, { accept })} />;
  }
  return <SecretDialog key={prompt.promptId} prompt={prompt} onAnswer={(a) => void answer(prompt.promptId, a)} />;
}
