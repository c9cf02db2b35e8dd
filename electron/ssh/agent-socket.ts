import fs from 'node:fs';

const WINDOWS_OPENSSH_AGENT = '\\\\.\\pipe\\openssh-ssh-agent';

/**
 * Where the ssh-agent is: an explicit socket, SSH_AUTH_SOCK, or on Windows
 * the OpenSSH agent's named pipe when it exists, else Pageant.
 */
export function resolveAgentSocket(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  if (explicit) return explicit;
  if (platform === 'win32') return pipeExists(WINDOWS_OPENSSH_AGENT) ? WINDOWS_OPENSSH_AGENT : 'pageant';
  return env.SSH_AUTH_SOCK || undefined;
}

function pipeExists(pipe: string): boolean {
  try {
    fs.statSync(pipe);
    return true;
  } catch (err) {
    // A busy pipe exists even though it cannot be opened right now.
    return (err as NodeJS.ErrnoException).code === 'EBUSY';
  }
}
