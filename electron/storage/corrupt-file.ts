import { ApiError } from '../../shared/api/errors.js';

/** What losing the file costs by default; stores say it more precisely where they can. */
const DEFAULT_LOSS = 'what it held is then lost';

/**
 * The error for a Berth file that cannot be read: it names the file, what is
 * wrong and what to do. Berth never replaces such a file on its own; only
 * the user does, by fixing it or moving it away.
 */
export function corruptFile(file: string, problem: string, loss = DEFAULT_LOSS): ApiError {
  return new ApiError('CORRUPT_FILE', `${file} ${problem}. Berth has left the file as it is: fix it, or move it away to start without it (${loss}).`);
}

/** JSON.parse, failing with the file's name and the line and column of the error. */
export function parseJsonFile(file: string, text: string, loss?: string): unknown {
  if (!text.trim()) throw corruptFile(file, 'is empty', loss);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw corruptFile(file, `is not valid JSON: ${describeJsonError(err, text)}`, loss);
  }
}

/** "Unterminated string in JSON at position 320" becomes "Unterminated string in JSON at line 12, column 5". */
export function describeJsonError(err: unknown, text: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const match = /\s*at position (\d+)(?: \(line \d+ column \d+\))?/.exec(message);
  if (!match) return message;
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message.slice(0, match.index)} at line ${line}, column ${column}${message.slice(match.index + match[0].length)}`;
}
