import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface LoginShellPathOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  platform?: NodeJS.Platform;
}

/**
 * The PATH the user's login shell sets up. An app started from a desktop
 * launcher inherits the session's bare PATH, without what ~/.profile,
 * ~/.zprofile or Homebrew add, so credential plugins such as aws or
 * gke-gcloud-auth-plugin would not be found. Runs `$SHELL -l -c` once and
 * reads PATH between random markers, since profiles may print banners;
 * falls back to this process's PATH when there is no shell, it fails, or it
 * takes longer than the timeout.
 */
export function resolveLoginShellPath(options: LoginShellPathOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const fallback = env.PATH ?? '';
  const shell = env.SHELL;
  if ((options.platform ?? process.platform) === 'win32' || !shell) return Promise.resolve(fallback);
  const marker = `__BERTH_PATH_${randomBytes(6).toString('hex')}__`;
  // printf with the marker as data, not format, works the same in sh, bash, zsh, fish and tcsh.
  const script = `printf '%s' '${marker}'; printf '%s' "$PATH"; printf '%s' '${marker}'`;
  return new Promise((resolve) => {
    let out = '';
    let settled = false;
    const done = (value: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const child = spawn(shell, ['-l', '-c', script], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done(fallback);
    }, options.timeoutMs ?? 5000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      out += d;
      if (out.length > 1 << 20) child.kill('SIGKILL');
    });
    child.on('error', () => done(fallback));
    child.on('close', () => {
      const start = out.indexOf(marker);
      const end = start === -1 ? -1 : out.indexOf(marker, start + marker.length);
      const found = end === -1 ? '' : out.slice(start + marker.length, end);
      done(found || fallback);
    });
  });
}

/** Resolved once per process (per environment): starting a login shell costs up to a second. */
export class LoginShellPath {
  private value?: Promise<string>;

  constructor(private readonly options: LoginShellPathOptions = {}) {}

  get(): Promise<string> {
    this.value ??= resolveLoginShellPath(this.options);
    return this.value;
  }
}
