import { PassThrough, type Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/errors.js';
import { Destination } from '../../shared/model/app.js';
import type { ContainerStatus } from '../../shared/model/deploy.js';
import type { ExecChannel, ExecResult, Host, ShellChannel } from '../hosts/host.js';
import { TerminalHarness } from '../terminal/testing/terminal-harness.js';
import { ContainerActions, dockerArgv, logChannel, restartArgv, shellArgv } from './container-actions.js';

const vps = Destination.parse({ type: 'docker', name: 'vps', server: 'vps-1' });
const rootless = Destination.parse({ type: 'docker', name: 'rootless', server: 'vps-1', dockerSocket: '/run/user/1000/docker.sock' });
const kube = Destination.parse({ type: 'kubernetes', name: 'k3s', context: 'k3s' });

const container = (service: string, name: string, state = 'running'): ContainerStatus => ({ service, name, state, restarts: 0, image: `${service}:1` });
const shopContainers = [container('db', 'shop-state-db-1'), container('web', 'shop-r20261201-093000-ab12-web-1'), container('worker', 'shop-worker-1', 'exited')];

/** A server that records what it is asked to run; the exec channels it hands out are driven by the test. */
class FakeHost implements Host {
  readonly id = 'vps-1';
  readonly label = 'deploy@vps:22';
  readonly execs: string[][] = [];
  readonly spawns: { argv: readonly string[]; pty?: boolean; channel: FakeExec }[] = [];
  restartResult: ExecResult = { exitCode: 0, stdout: '', stderr: '' };

  async exec(argv: readonly string[]): Promise<ExecResult> {
    this.execs.push([...argv]);
    // homeAndSocket asks the login shell for $HOME and $DOCKER_HOST.
    if (argv[0] === 'sh') return { exitCode: 0, stdout: '/home/deploy\n', stderr: '' };
    if (argv.includes('restart')) return this.restartResult;
    return { exitCode: 127, stdout: '', stderr: 'unexpected' };
  }

  async spawn(argv: readonly string[], options: { pty?: boolean } = {}): Promise<ExecChannel> {
    const channel = new FakeExec();
    this.spawns.push({ argv, pty: options.pty, channel });
    return channel;
  }

  openShell(): Promise<ShellChannel> {
    throw new Error('container terminals must not open the login shell');
  }
  writeFile(): Promise<void> {
    throw new Error('not used');
  }
  connectUnix(): Promise<Duplex> {
    throw new Error('not used');
  }
  connectTcp(): Promise<Duplex> {
    throw new Error('not used');
  }
}

/** ssh2's channel as SshHost hands it out: stdout is the channel itself, with setWindow. */
class FakeExec implements ExecChannel {
  readonly stdout = Object.assign(new PassThrough(), { windows: [] as [number, number][], setWindow(rows: number, cols: number) { this.windows.push([rows, cols]); } });
  readonly stderr = new PassThrough();
  readonly stdin = new PassThrough();
  readonly input: string[] = [];
  killed = false;
  private finish!: (r: { exitCode: number | null }) => void;
  readonly done = new Promise<{ exitCode: number | null }>((resolve) => (this.finish = resolve));
  writeStdin(data: string | Uint8Array) {
    this.input.push(String(data));
  }
  endStdin() {}
  kill() {
    this.killed = true;
    this.finish({ exitCode: null });
  }
  exit(code: number) {
    this.finish({ exitCode: code });
  }
}

describe('container actions', () => {
  let harness: TerminalHarness;
  let host: FakeHost;
  let logCalls: { app: string; service?: string; tail: number; follow: boolean; signal?: AbortSignal }[];

  const actions = (destinations: Destination[] = [vps, rootless, kube], containers = shopContainers) => {
    host = new FakeHost();
    logCalls = [];
    harness = new TerminalHarness(async () => {
      throw new Error('container terminals resolve their own host');
    });
    return new ContainerActions({
      terminals: harness.manager,
      host: async () => host,
      destination: async (name) => {
        const found = destinations.find((d) => d.name === name);
        if (!found) throw new ApiError('NOT_FOUND', `There is no destination named ${name}.`);
        return found;
      },
      deploys: {
        status: async (app) => (app === 'shop' ? containers : []),
        logs: async (app, _destination, options, write) => {
          logCalls.push({ app, ...options });
          write('db  | ready\n');
          write('web | listening on 8080\n');
          await new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve(), { once: true }));
        },
      },
    });
  };

  afterEach(() => harness?.dispose());

  it('builds docker command lines as argument lists, with -H only for a socket other than the default', () => {
    expect(shellArgv('/var/run/docker.sock', 'shop-web-1')).toEqual(['docker', 'exec', '-it', '-e', 'TERM=xterm-256color', 'shop-web-1', 'sh']);
    expect(restartArgv('/run/user/1000/docker.sock', 'shop-web-1')).toEqual(['docker', '-H', 'unix:///run/user/1000/docker.sock', 'restart', 'shop-web-1']);
    expect(dockerArgv('/var/run/docker.sock', 'ps')).toEqual(['docker', 'ps']);
  });

  it('restarts a container of the app with docker restart on its server', async () => {
    const a = actions();
    await a.restart({ app: 'shop', destination: 'rootless', container: 'shop-state-db-1' });
    expect(host.execs.at(-1)).toEqual(['docker', '-H', 'unix:///run/user/1000/docker.sock', 'restart', 'shop-state-db-1']);
  });

  it('refuses a container that is not one of the app\'s, before running anything', async () => {
    const a = actions();
    await expect(a.restart({ app: 'shop', destination: 'vps', container: 'other-app-db-1' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('not a container of shop') });
    await expect(a.restart({ app: 'blog', destination: 'vps', container: 'shop-state-db-1' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(a.shell({ app: 'blog', destination: 'vps', container: 'shop-state-db-1', cols: 80, rows: 24 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(host.execs.filter((argv) => argv[0] === 'docker')).toEqual([]);
    expect(host.spawns).toEqual([]);
  });

  it('says what went wrong when docker restart fails', async () => {
    const a = actions();
    host.restartResult = { exitCode: 1, stdout: '', stderr: 'Error response from daemon: conflict\n' };
    await expect(a.restart({ app: 'shop', destination: 'vps', container: 'shop-state-db-1' })).rejects.toThrow(/could not restart shop-state-db-1 on deploy@vps:22: Error response from daemon: conflict\. Open its logs/);
  });

  it('refuses Kubernetes destinations where no cluster client is available, and never runs docker for them', async () => {
    const a = actions();
    await expect(a.restart({ app: 'shop', destination: 'k3s', container: 'shop-state-db-1' })).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('Kubernetes') });
    await expect(a.restart({ app: 'shop', destination: 'k3s', container: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(host.execs).toEqual([]);
  });

  it('opens a shell as a terminal: docker exec -it in an SSH PTY of the terminal\'s size, input and resizes passed on', async () => {
    const a = actions();
    const { terminalId, title } = await a.shell({ app: 'shop', destination: 'vps', container: 'shop-state-db-1', cols: 120, rows: 40 });
    expect(title).toBe('shop-state-db-1 · vps');
    const [spawned] = host.spawns;
    expect(spawned).toMatchObject({ argv: ['docker', 'exec', '-it', '-e', 'TERM=xterm-256color', 'shop-state-db-1', 'sh'], pty: true });
    expect(spawned!.channel.stdout.windows).toEqual([[40, 120]]);

    spawned!.channel.stdout.write('/ # ');
    await harness.waitForText(terminalId, '/ # ');
    const session = harness.manager.get(terminalId);
    session.write('ls\r');
    expect(spawned!.channel.input).toEqual(['ls\r']);
    session.resize({ cols: 90, rows: 30 });
    expect(spawned!.channel.stdout.windows.at(-1)).toEqual([30, 90]);

    spawned!.channel.exit(0);
    await harness.waitFor(() => harness.statuses.some((s) => s.terminalId === terminalId && s.state === 'exited'), 'the exited status');
  });

  it('refuses a shell in a stopped container', async () => {
    const a = actions();
    await expect(a.shell({ app: 'shop', destination: 'vps', container: 'shop-worker-1', cols: 80, rows: 24 })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('exited') });
  });

  it('follows logs as a terminal, one service or all, with CRLF line ends; closing the tab stops following', async () => {
    const a = actions();
    const { terminalId, title } = await a.logs({ app: 'shop', destination: 'vps', cols: 100, rows: 20 });
    expect(title).toBe('shop logs · vps');
    await harness.waitForText(terminalId, 'web | listening on 8080\r\n');
    expect(harness.text(terminalId)).toContain('db  | ready\r\n');
    expect(logCalls).toMatchObject([{ app: 'shop', service: undefined, tail: 200, follow: true }]);
    harness.manager.close(terminalId);
    expect(logCalls[0]!.signal?.aborted).toBe(true);

    const one = await a.logs({ app: 'shop', destination: 'vps', service: 'web', cols: 100, rows: 20 });
    expect(one.title).toBe('shop web logs · vps');
    await harness.waitFor(() => logCalls.length === 2, 'the second log call');
    expect(logCalls[1]).toMatchObject({ service: 'web' });
  });

  it('refuses logs of a service with no running container, saying what to do', async () => {
    const a = actions();
    await expect(a.logs({ app: 'shop', destination: 'vps', service: 'worker', cols: 80, rows: 24 })).rejects.toThrow(/no running worker container on vps\. Deploy it, or open Status/);
  });
});

describe('logChannel', () => {
  it('holds output while paused and delivers it in order on resume', async () => {
    let write!: (text: string) => void;
    const channel = logChannel(async (w, signal) => {
      write = w;
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    });
    const seen: string[] = [];
    channel.onData((chunk) => seen.push(chunk.toString()));
    await new Promise((r) => setImmediate(r));
    write('one\n');
    channel.pause();
    write('two\n');
    write('three\n');
    expect(seen).toEqual(['one\r\n']);
    channel.resume();
    expect(seen).toEqual(['one\r\n', 'two\r\n', 'three\r\n']);
    channel.close();
  });

  it('ends with the reason when following fails', async () => {
    const channel = logChannel(async () => {
      throw new ApiError('UNAVAILABLE', 'Docker is not running.');
    });
    const seen: string[] = [];
    const closed = new Promise<{ exitCode: number | null }>((resolve) => channel.onClose(resolve));
    channel.onData((chunk) => seen.push(chunk.toString()));
    expect(await closed).toEqual({ exitCode: 1 });
    expect(seen.join('')).toContain('Docker is not running.');
  });
});

describe('container names in the API', () => {
  it('accepts Docker names and Kubernetes pod/container, nothing that could be an option or a longer path', async () => {
    const { methods } = await import('../../shared/api/contract.js');
    const ok = (container: string) => methods['containers.restart'].input.safeParse({ app: 'shop', destination: 'k3s', container }).success;
    expect(ok('shop-web-1')).toBe(true);
    expect(ok('web-7d9f8c6b5-x2k4q/web')).toBe(true);
    for (const bad of ['-rf', 'web/', '/web', 'a/b/c', 'pod/-c', '../etc', 'pod/../x', 'pod/c d', 'pod\\c']) expect(ok(bad), bad).toBe(false);
  });
});
