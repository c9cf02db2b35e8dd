// STUB: replaced by the terminal work.
import type { PartialHandlers } from '../api/router.js';
import type { TerminalManager } from './terminal-manager.js';
import { ApiError } from '../../shared/api/errors.js';

type TerminalMethods = 'terminals.open' | 'terminals.write' | 'terminals.resize' | 'terminals.ack' | 'terminals.reconnect' | 'terminals.close';

export function terminalHandlers(_terminals: TerminalManager): PartialHandlers<TerminalMethods> {
  const todo = () => {
    throw new ApiError('UNSUPPORTED', 'not yet');
  };
  return {
    'terminals.open': todo,
    'terminals.write': todo,
    'terminals.resize': todo,
    'terminals.ack': todo,
    'terminals.reconnect': todo,
    'terminals.close': todo,
  };
}
