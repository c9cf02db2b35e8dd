import { parse } from 'shell-quote';

export interface SplitCommand {
  argv: string[];
  /** Shell operators (`&&`, `|`, `>`…) or comments that compose passes on as plain words. */
  operators: string[];
}

// shell-quote expands `$VAR` itself; compose has already interpolated, so any `$` left is meant for the container.
const DOLLAR = '\uE002';

/** Splits a string command the way compose does (shell words, no shell): quotes group, operators stay words. */
export function splitCommand(text: string): SplitCommand {
  const argv: string[] = [];
  const operators: string[] = [];
  for (const token of parse(text.replaceAll('$', DOLLAR))) {
    if (typeof token === 'string') {
      argv.push(token.replaceAll(DOLLAR, '$'));
    } else if ('op' in token) {
      const word = token.op === 'glob' ? token.pattern : token.op;
      if (token.op !== 'glob') operators.push(token.op);
      argv.push(word.replaceAll(DOLLAR, '$'));
    } else if ('comment' in token) {
      operators.push('#');
      argv.push(...`#${token.comment}`.replaceAll(DOLLAR, '$').split(/\s+/).filter(Boolean));
    }
  }
  return { argv, operators };
}

/** `command`/`entrypoint`: a list is used as is, a string is split into words. */
export function toArgv(value: unknown): SplitCommand | undefined {
  if (typeof value === 'string') return splitCommand(value);
  if (Array.isArray(value)) return { argv: value.map((v) => String(v)), operators: [] };
  return undefined;
}
