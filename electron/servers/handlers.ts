import type { PartialHandlers } from '../api/router.js';
import type { PromptBroker } from '../prompts/prompt-broker.js';
import type { ServerService } from './server-service.js';

type ServerMethods = 'servers.list' | 'servers.add' | 'servers.update' | 'servers.remove' | 'servers.test' | 'servers.statuses' | 'servers.sshConfig.scan' | 'servers.sshConfig.import' | 'prompts.answer';

export function serverHandlers(service: ServerService, prompts: PromptBroker): PartialHandlers<ServerMethods> {
  return {
    'servers.list': () => service.list(),
    'servers.add': (input) => service.add(input),
    'servers.update': ({ id, server }) => service.update(id, server),
    'servers.remove': async ({ id }) => {
      await service.remove(id);
      return {};
    },
    'servers.test': ({ id }) => service.test(id),
    'servers.statuses': () => service.statusList(),
    'servers.sshConfig.scan': ({ path }) => service.scanSshConfig(path),
    'servers.sshConfig.import': ({ path, aliases }) => service.importSshConfig(path, aliases),
    'prompts.answer': ({ promptId, ...answer }) => {
      prompts.answer(promptId, answer);
      return {};
    },
  };
}
