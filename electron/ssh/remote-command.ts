import { quote } from 'shell-quote';
import { ApiError } from '../../shared/api/errors.js';

/**
 * SSH carries one command string that the remote login shell parses, so each
 * argument is quoted for that shell and reaches the program exactly as given.
 */
export function remoteCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new ApiError('INVALID_INPUT', 'No command given to run.');
  if (argv.some((arg) => arg.includes('\0'))) throw new ApiError('INVALID_INPUT', 'Command arguments cannot contain NUL characters.');
  return quote([...argv]);
}
