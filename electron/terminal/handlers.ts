import type { PartialHandlers } from '../api/router.js';
import type { TerminalManager } from './terminal-manager.js';

type TerminalMethods = 'terminals.open' | 'terminals.write' | 'terminals.resize' | 'terminals.ack' | 'terminals.reconnect' | 'terminals.close' | 'terminals.list' | 'terminals.attach';

export function terminalHandlers(terminals: TerminalManager): PartialHandlers<TerminalMethods> {
  return {
    'terminals.open': ({ serverId, cols, rows }) => terminals.open(serverId, { cols, rows }),
    'terminals.write': ({ terminalId, data }) => {
      terminals.get(terminalId).write(data);
      return {};
    },
    'terminals.resize': ({ terminalId, cols, rows }) => {
      terminals.get(terminalId).resize({ cols, rows });
      return {};
    },
    'terminals.ack': ({ terminalId, bytes }) => {
      terminals.get(terminalId).ack(bytes);
      return {};
    },
    'terminals.reconnect': async ({ terminalId }) => {
      await terminals.get(terminalId).reconnect();
      return {};
    },
    'terminals.list': () => terminals.list(),
    'terminals.attach': ({ terminalId }) => terminals.attach(terminalId),
    'terminals.close': ({ terminalId }) => {
      terminals.close(terminalId);
      return {};
    },
  };
}
