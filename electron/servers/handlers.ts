// STUB: replaced by the SSH/servers work.
import type { PartialHandlers } from '../api/router.js';
import type { PromptBroker } from '../prompts/prompt-broker.js';
import type { ServerService } from './server-service.js';
import { ApiError } from '../../shared/api/errors.js';

type ServerMethods = 'servers.list' | 'servers.add' | 'servers.update' | 'servers.remove' | 'servers.test' | 'servers.statuses' | 'servers.sshConfig.scan' | 'servers.sshConfig.import' | 'prompts.answer';

export function serverHandlers(_service: ServerService, prompts: PromptBroker): PartialHandlers<ServerMethods> {
  const todo = () => {
    throw new ApiError('UNSUPPORTED', 'not yet');
  };
  return {
    'servers.list': todo,
    'servers.add': todo,
    'servers.update': todo,
    'servers.remove': todo,
    'servers.test': todo,
    'servers.statuses': todo,
    'servers.sshConfig.scan': todo,
    'servers.sshConfig.import': todo,
    'prompts.answer': ({ promptId, ...answer }) => {
      prompts.answer(promptId, answer);
      return {};
    },
  };
}
