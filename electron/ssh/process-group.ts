import { PassThrough, type Readable } from 'node:stream';

const MARKER = 'berth-pgid ';

/**
 * An SSH channel closing does not stop a program that runs without a PTY, and
 * OpenSSH signals only the session's first process. So a program that must be
 * killable whole is started through a shell that first names its process
 * group leader on stderr, then execs the program.
 */
export function inProcessGroup(argv: readonly string[]): string[] {
  return ['sh', '-c', `echo "${MARKER}$$" >&2; exec "$@"`, 'sh', ...argv];
}

/** Kills the whole process group of that leader; the SSH session closes with it. */
export function killGroupCommand(pid: string): string[] {
  return ['sh', '-c', 'pg=$(ps -o pgid= -p "$1" 2>/dev/null | tr -d " "); [ -n "$pg" ] && kill -KILL -- "-$pg" 2>/dev/null; kill -KILL "$1" 2>/dev/null; true', 'sh', pid];
}

/** The program's stderr without the marker line, and the leader's pid once the marker was read. */
export function stripLeaderLine(stderr: Readable): { stderr: Readable; leader: () => string | undefined } {
  const out = new PassThrough();
  let leader: string | undefined;
  let head = '';
  let done = false;
  stderr.on('data', (chunk: Buffer) => {
    if (done) return void out.write(chunk);
    head += chunk.toString('utf8');
    const end = head.indexOf('\n');
    if (end < 0 && head.length < 64) return;
    done = true;
    const match = head.match(/^berth-pgid (\d+)\n/);
    if (match) leader = match[1];
    const rest = match ? head.slice(match[0].length) : head;
    if (rest) out.write(rest);
  });
  stderr.on('end', () => {
    if (!done && head) out.write(head);
    out.end();
  });
  return { stderr: out, leader: () => leader };
}
