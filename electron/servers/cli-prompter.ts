import { ApiError } from '../../shared/api/errors.js';
import type { PromptAnswer, PromptRequest, Prompter } from '../prompts/prompt-broker.js';
import { knownHostName, keyTypeLabel } from '../ssh/known-hosts.js';
import { unknownHostKeyMessage } from '../ssh/host-key-check.js';

interface TtyInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/**
 * The CLI's Prompter. Host keys are never asked about: --accept-new trusts a
 * new key, otherwise the run fails with the fingerprint. Passwords and
 * passphrases are read from the terminal without echo.
 */
export class CliPrompter implements Prompter {
  constructor(
    private readonly options: { acceptNew: boolean; stdin: TtyInput; stderr: NodeJS.WritableStream },
  ) {}

  async ask(request: PromptRequest): Promise<PromptAnswer> {
    if (request.kind === 'hostKey') {
      const name = knownHostName(request.host, request.port);
      if (!this.options.acceptNew) {
        throw new ApiError('HOST_KEY_UNKNOWN', unknownHostKeyMessage(request.host, request.port, request.keyType, request.fingerprint, 'Berth did not connect. Check the fingerprint with the server (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then run again with --accept-new to trust it.'));
      }
      this.options.stderr.write(`Permanently added '${name}' (${keyTypeLabel(request.keyType)} ${request.fingerprint}) to Berth's known hosts.\n`);
      return { accept: true, remember: true };
    }
    if (!this.options.stdin.isTTY || !this.options.stdin.setRawMode) {
      throw new ApiError('CANCELLED', `${request.label} is needed, but stdin is not a terminal to ask on. Run this in a terminal, or use a key without a passphrase or an ssh-agent.`);
    }
    const secret = await readHidden(this.options.stdin, this.options.stderr, `${request.label}: `);
    // Only a persistent store offers to remember, and in the CLI that is the user's opt-in (BERTH_SECRETS_PASSPHRASE).
    return secret === undefined ? { accept: false } : { accept: true, secret, remember: request.canRemember };
  }
}

/** Reads a line with echo off; undefined when the user presses Ctrl-C or Ctrl-D. */
function readHidden(stdin: TtyInput, stderr: NodeJS.WritableStream, label: string): Promise<string | undefined> {
  stderr.write(label);
  stdin.setRawMode!(true);
  stdin.resume();
  let value = '';
  return new Promise((resolve) => {
    const finish = (result: string | undefined) => {
      stdin.removeListener('data', onData);
      stdin.setRawMode!(false);
      stdin.pause();
      stderr.write('\n');
      resolve(result);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') return finish(value);
        if (ch === '\u0003' || ch === '\u0004') return finish(undefined);
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
