import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { remoteCommand } from './remote-command.js';

// The remote side runs our string through `sh -c`; a real sh shows each argument arrives intact.
const shells = ['/bin/sh', '/bin/bash'].filter((shell) => existsSync(shell));

function throughShell(args: string[]): string[] {
  const outputs = shells.map((shell) => run(shell, args));
  for (const output of outputs.slice(1)) expect(output).toEqual(outputs[0]);
  return outputs[0]!;
}

function run(shell: string, args: string[]): string[] {
  const out = execFileSync(shell, ['-c', remoteCommand(['printf', '%s\\0', ...args])], { env: { HOME: '/nonexistent-home', PATH: process.env.PATH } });
  return out.toString('utf8').split('\0').slice(0, -1);
}

describe('remoteCommand', () => {
  it('keeps shell syntax in arguments literal', () => {
    const args = ['a b', '$HOME', "'quoted'", ';', '', '*', '~', '`id`', '$(id)', 'x\ny', '"', '\\', '!x', "it's !"];
    expect(throughShell(args)).toEqual(args);
  });

  it('round-trips any argument list through a real sh', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\0')), { minLength: 1, maxLength: 6 }), (args) => {
        expect(throughShell(args)).toEqual(args);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses NUL and empty commands', () => {
    expect(() => remoteCommand([])).toThrow(/No command/);
    expect(() => remoteCommand(['a\0b'])).toThrow(/NUL/);
  });
});
