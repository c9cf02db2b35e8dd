import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/errors.js';
import { App, Destination, KubernetesDestination, type AppInput } from '../../shared/model/app.js';
import { LOCAL_SERVER_ID } from '../../shared/model/server.js';
import type { PortForwardInfo } from '../../shared/model/port-forward.js';
import { EventBus } from '../../electron/api/event-bus.js';
import { forward } from '../../electron/cli/commands/port-forward.js';
import { main } from '../../electron/cli/main.js';
import { DestinationStore } from '../../electron/apps/destination-store.js';
import { ContainerActions } from '../../electron/deploy/container-actions.js';
import { portForwardHandlers } from '../../electron/deploy/port-forward-handlers.js';
import { DeployService } from '../../electron/deploy/deploy-service.js';
import { KubeClient } from '../../electron/deploy/kubernetes/kube-client.js';
import { openPodShell } from '../../electron/deploy/kubernetes/pod-exec.js';
import { forwardableServices, LocalForward, PortForwards } from '../../electron/deploy/kubernetes/port-forward.js';
import { LocalHost } from '../../electron/local/local-host.js';
import { MemorySecretStore } from '../../electron/secrets/secret-store.js';
import { TerminalHarness } from '../../electron/terminal/testing/terminal-harness.js';
import { kubectlMissing, startKubectlWorld, type KubectlWorld } from '../kube/kubectl.js';

/**
 * Container actions and port-forwards on a Kubernetes destination, against the
 * FAKE Kubernetes API server of the test fixtures (exec over WebSocket runs
 * the command as a local process; port-forward reaches a local port the test
 * exposes for a pod), through the same classes the app uses.
 */
const skip = kubectlMissing();
const NS = 'actions';

const shop = App.parse({
  apiVersion: 'berth.dev/v1',
  kind: 'App',
  name: 'shop',
  services: {
    web: { image: 'nginx:1.27', ports: [{ port: 80 }] },
    worker: { image: 'busybox:1.36', command: ['sh', '-c', 'sleep 3600'] },
  },
} satisfies AppInput);

type Rec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- kubectl's JSON, read field by field

/** A TCP echo server on 127.0.0.1: what a pod's port answers with, once exposed. */
async function echoServer(): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    count += 1;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => count,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** Connects to a local port, sends `text` and resolves with what came back once it has as many bytes. */
function roundTrip(port: number, text: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`timed out; got ${JSON.stringify(got)}`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(text));
    socket.on('data', (d) => {
      got += d.toString();
      if (got.length >= text.length) {
        clearTimeout(timer);
        socket.end();
        resolve(got);
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      reject(new Error(`closed after ${JSON.stringify(got)}`));
    });
  });
}

function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return (async () => {
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
}

describe.skipIf(skip)('Kubernetes container actions and port-forwards (fake API server)', () => {
  let world: KubectlWorld;
  let dataDir: string;
  let deploys: DeployService;
  let client: KubeClient;
  let harness: TerminalHarness;
  let actions: ContainerActions;
  const destination = KubernetesDestination.parse({ type: 'kubernetes', name: 'fake-cluster', context: 'fake-kube', namespace: NS });

  const kubectlJson = async (...args: string[]): Promise<Rec> => {
    const r = await world.run([...args, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Rec;
  };
  const runningPod = async (service: string): Promise<string> => {
    const pods = await kubectlJson('get', 'pods', '-n', NS, '-l', `app.kubernetes.io/instance=shop,app.kubernetes.io/name=${service}`);
    const pod = pods.items.find((p: Rec) => p.status.phase === 'Running' && !p.metadata.deletionTimestamp);
    expect(pod, JSON.stringify(pods.items.map((p: Rec) => p.status))).toBeDefined();
    return pod.metadata.name as string;
  };
  const applyPod = async (name: string, app: string, image: string) => {
    const r = await world.run(['apply', '-f', '-'], {
      input: `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${NS}\n  labels: {app.kubernetes.io/instance: ${app}, app.kubernetes.io/name: web}\nspec:\n  containers:\n  - name: main\n    image: ${image}\n`,
    });
    expect(r.code, r.stderr).toBe(0);
  };

  beforeAll(async () => {
    world = await startKubectlWorld();
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-kube-actions-'));
    const kc = new KubeConfig();
    kc.loadFromFile(world.kubeconfig);
    client = new KubeClient(kc, 'fake-kube');
    deploys = new DeployService({
      dataDir, secrets: new MemorySecretStore(), events: new EventBus(), version: '0.0.0-test', by: 'tester@here', heartbeatSeconds: 1,
      host: () => Promise.reject(new Error('no servers in this test')),
      kube: async () => client,
    });
    const { planId } = await deploys.plan({ kind: 'deploy', app: shop, destination });
    const record = await deploys.wait((await deploys.start(planId)).id);
    expect(record.outcome, await deploys.log(record.id)).toBe('succeeded');
    const local = new LocalHost();
    harness = new TerminalHarness(async () => {
      throw new Error('container terminals resolve their own host');
    });
    actions = new ContainerActions({
      deploys,
      terminals: harness.manager,
      destination: async (name) => {
        if (name !== destination.name) throw new ApiError('NOT_FOUND', `There is no destination named ${name}.`);
        return destination;
      },
      host: async (id) => {
        expect(id).toBe(LOCAL_SERVER_ID);
        return local;
      },
      kube: (d) => deploys.kubeClient(d),
    });
  }, 120_000);

  afterAll(async () => {
    harness?.dispose();
    await deploys?.dispose();
    await world?.stop();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('execs a command in a container over WebSocket: its output, then its exit status', async () => {
    const pod = await runningPod('web');
    const shell = await openPodShell(client, { namespace: NS, pod, container: 'web' }, { cols: 80, rows: 24 }, ['sh', '-c', 'echo hi; exit 3']);
    let out = '';
    shell.onData((chunk) => (out += chunk.toString()));
    const closed = await new Promise<{ exitCode: number | null; error?: Error }>((resolve) => shell.onClose(resolve));
    expect(out).toContain('hi');
    expect(closed).toEqual({ exitCode: 3 });
    const exec = world.kube.requests.find((r) => r.path === `/api/v1/namespaces/${NS}/pods/${pod}/exec`);
    expect(exec?.query).toContain('tty=true');
    expect(exec?.query).toContain('container=web');
    expect(exec?.query).not.toContain('stderr=true');
  }, 30_000);

  it('opens a shell tab on this computer: input reaches the shell, resizes go out on the resize channel, the exit code ends the tab', async () => {
    const sent: Buffer[] = [];
    // What goes out on the WebSocket (the fake accepts resize frames but keeps no record of them): the real send, wrapped.
    const realSend = WebSocket.prototype.send;
    WebSocket.prototype.send = function (this: WebSocket, data: unknown, ...rest: unknown[]) {
      if (Buffer.isBuffer(data)) sent.push(Buffer.from(data));
      return (realSend as (...a: unknown[]) => void).call(this, data, ...rest);
    } as typeof realSend;
    try {
      const pod = await runningPod('web');
      const name = `${pod}/web`;
      const { terminalId, title } = await actions.shell({ app: 'shop', destination: destination.name, container: name, cols: 100, rows: 30 });
      expect(title).toBe(`${name} · fake-cluster`);
      const resizes = () => sent.filter((b) => b[0] === 4).map((b) => JSON.parse(b.subarray(1).toString()) as { width: number; height: number });
      await waitFor(() => resizes().length >= 1, 'the first size');
      expect(resizes()[0]).toEqual({ width: 100, height: 30 });
      const session = harness.manager.get(terminalId);
      session.resize({ cols: 132, rows: 43 });
      await waitFor(() => resizes().some((r) => r.width === 132 && r.height === 43), 'the resize');
      session.write('echo "in the pod: $TERM"; exit 3\n');
      await harness.waitForText(terminalId, 'in the pod: xterm-256color');
      expect(sent.some((b) => b[0] === 0 && b.subarray(1).toString().includes('exit 3'))).toBe(true);
      await harness.waitFor(() => harness.statuses.some((s) => s.terminalId === terminalId && s.state === 'exited' && s.exitCode === 3), 'the exit code');
    } finally {
      WebSocket.prototype.send = realSend;
    }
  }, 30_000);

  it('keeps the terminal\'s flow control: while the tab does not acknowledge, the WebSocket is paused; nothing is lost', async () => {
    const pod = await runningPod('web');
    const { terminalId } = await actions.shell({ app: 'shop', destination: destination.name, container: `${pod}/web`, cols: 80, rows: 24 });
    const session = harness.manager.get(terminalId);
    const total = 16 * 1024 * 1024;
    harness.autoAck = false;
    try {
      session.write(`head -c ${total} /dev/zero | tr '\\0' x; echo; echo flood-done\n`);
      await harness.waitFor(() => session.paused, 'the pause');
      await new Promise((r) => setTimeout(r, 1000));
      const held = harness.text(terminalId).length;
      // Paused: what arrived is the window plus what was in flight in the socket buffers, not the whole flood.
      expect(held).toBeLessThan(total / 2);
      await new Promise((r) => setTimeout(r, 500));
      expect(harness.text(terminalId).length - held).toBeLessThan(1024 * 1024);
    } finally {
      harness.autoAck = true;
    }
    const acked = (harness.frames.get(terminalId) ?? []).reduce((n, f) => n + f.length, 0);
    session.ack(acked);
    await harness.waitForText(terminalId, 'flood-done', 60_000);
    expect((harness.text(terminalId).match(/x/g) ?? []).length).toBe(total);
    harness.manager.close(terminalId);
  }, 90_000);

  it('refuses a shell in a container that does not run, saying what it does instead', async () => {
    await applyPod('broken', 'shop', 'registry.invalid/pull-fails:1');
    await waitFor(async () => (await deploys.status('shop', destination)).some((c) => c.name === 'broken/main' && /ErrImagePull|ImagePullBackOff/.test(c.state)), 'the pull failure');
    await expect(actions.shell({ app: 'shop', destination: destination.name, container: 'broken/main', cols: 80, rows: 24 })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/broken\/main is waiting \((ErrImagePull|ImagePullBackOff)\)/) });
    await expect(openPodShell(client, { namespace: NS, pod: 'broken', container: 'main' }, { cols: 80, rows: 24 })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/is waiting \((ErrImagePull|ImagePullBackOff)\), not running/) });
    await expect(openPodShell(client, { namespace: NS, pod: 'gone-pod', container: 'main' }, { cols: 80, rows: 24 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await world.run(['delete', 'pod', 'broken', '-n', NS, '--wait=false'])).code).toBe(0);
  }, 30_000);

  it('refuses a container that is not the app\'s, and leaves it alone', async () => {
    await applyPod('blog-web', 'blog', 'nginx:1.27');
    await waitFor(async () => (await kubectlJson('get', 'pod', 'blog-web', '-n', NS)).status.phase === 'Running', 'the other app\'s pod');
    for (const container of ['blog-web/main', 'nope/web']) {
      await expect(actions.restart({ app: 'shop', destination: destination.name, container })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('not a container of shop') });
      await expect(actions.shell({ app: 'shop', destination: destination.name, container, cols: 80, rows: 24 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    expect((await kubectlJson('get', 'pod', 'blog-web', '-n', NS)).metadata.deletionTimestamp).toBeUndefined();
    expect(world.kube.requests.some((r) => r.method === 'DELETE' && r.path.endsWith('/pods/blog-web'))).toBe(false);
    // Nor is it forwarded to.
    const forwards = new PortForwards({ client: async () => ({ client, namespace: NS }) });
    await expect(forwards.start({ app: 'shop', destination: destination.name, pod: 'blog-web', port: 80 })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('not a pod of shop') });
    expect(forwards.list()).toEqual([]);
  }, 30_000);

  it('follows the logs of a Kubernetes app in a terminal, each line prefixed with pod/container', async () => {
    const pod = await runningPod('web');
    const { terminalId, title } = await actions.logs({ app: 'shop', destination: destination.name, service: 'web', cols: 100, rows: 20 });
    expect(title).toBe('shop web logs · fake-cluster');
    await new Promise((r) => setTimeout(r, 300));
    world.kube.appendLog(NS, pod, 'web', 'GET / 200');
    await harness.waitForText(terminalId, `${pod}/web | GET / 200\r\n`);
    harness.manager.close(terminalId);
  }, 30_000);

  it('restarts a container by deleting its pod; the controller starts a new one', async () => {
    const before = await runningPod('worker');
    await actions.restart({ app: 'shop', destination: destination.name, container: `${before}/worker` });
    expect(world.kube.requests.some((r) => r.method === 'DELETE' && r.path === `/api/v1/namespaces/${NS}/pods/${before}`)).toBe(true);
    await waitFor(async () => {
      const rows = await deploys.status('shop', destination);
      return rows.some((c) => c.service === 'worker' && c.state === 'running' && !c.name.startsWith(`${before}/`)) && !rows.some((c) => c.name.startsWith(`${before}/`));
    }, 'the replacement pod');
  }, 30_000);

  it('forwards a local port to a Service: bytes round-trip, two connections at once, a failed connection is not fatal, stop frees the port', async () => {
    const echo = await echoServer();
    const changes: PortForwardInfo[][] = [];
    const forwards = new PortForwards({ client: async () => ({ client, namespace: NS }), onChange: (list) => changes.push(list) });
    try {
      expect(await forwardableServices(client, NS, 'shop')).toEqual([expect.objectContaining({ service: 'web', appService: 'web', ports: [expect.objectContaining({ port: 80 })] })]);
      const pods = await kubectlJson('get', 'pods', '-n', NS, '-l', 'app.kubernetes.io/instance=shop,app.kubernetes.io/name=web');
      const service = await kubectlJson('get', 'service', 'web', '-n', NS);
      const targetPort = Number(service.spec.ports[0].targetPort);
      for (const p of pods.items) world.kube.exposePodPort(NS, p.metadata.name, targetPort, echo.port);

      const info = await forwards.start({ app: 'shop', destination: destination.name, service: 'web', port: 80 });
      expect(info).toMatchObject({ target: { kind: 'service', name: 'web' }, port: 80, podPort: targetPort, url: `http://127.0.0.1:${info.localPort}` });
      expect(pods.items.map((p: Rec) => p.metadata.name)).toContain(info.pod);

      expect(await roundTrip(info.localPort, 'hello through the pod\n')).toBe('hello through the pod\n');
      const [a, b] = await Promise.all([roundTrip(info.localPort, 'A'.repeat(100_000)), roundTrip(info.localPort, 'B'.repeat(70_000))]);
      expect(a).toBe('A'.repeat(100_000));
      expect(b).toBe('B'.repeat(70_000));
      expect(echo.connections()).toBe(3);
      const portForwardRequests = world.kube.requests.filter((r) => r.path === `/api/v1/namespaces/${NS}/pods/${info.pod}/portforward`);
      expect(portForwardRequests.length).toBe(3);
      await waitFor(() => forwards.list()[0]?.connections === 0, 'the connections to close');
      expect(forwards.list()[0]).toMatchObject({ totalConnections: 3 });

      // A port nothing listens on in the pod: that connection ends, with the pod's reason; the forward stays.
      const bad = await forwards.start({ app: 'shop', destination: destination.name, pod: info.pod, port: 9 });
      await expect(roundTrip(bad.localPort, 'x', 5000)).rejects.toThrow(/closed after ""/);
      await waitFor(() => !!forwards.list().find((f) => f.id === bad.id)?.lastError, 'the error');
      expect(forwards.list().find((f) => f.id === bad.id)?.lastError).toMatch(/error forwarding port 9/);
      expect(await roundTrip(info.localPort, 'still there')).toBe('still there');

      await expect(forwards.start({ app: 'shop', destination: destination.name, service: 'web', port: 81 })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('its ports are 80') });
      await expect(forwards.start({ app: 'shop', destination: destination.name, service: 'web', port: 80, localPort: info.localPort })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('in use') });

      await forwards.stop(info.id);
      await forwards.stop(bad.id);
      expect(forwards.list()).toEqual([]);
      expect(changes.at(-1)).toEqual([]);
      // The port is free again.
      const again = net.createServer();
      await new Promise<void>((resolve, reject) => {
        again.once('error', reject);
        again.listen(info.localPort, '127.0.0.1', resolve);
      });
      await new Promise<void>((resolve) => again.close(() => resolve()));
      await expect(forwards.stop(info.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await forwards.dispose();
      await echo.close();
    }
  }, 60_000);

  it('reports the API server\'s own reason when it refuses a stream (a pod that is gone), per connection', async () => {
    const errors: string[] = [];
    const ghost = new LocalForward(client, { namespace: NS, pod: 'ghost', port: 80 }, { pod: 'ghost', podPort: 80 }, { onError: (m) => errors.push(m) });
    const port = await ghost.listen();
    try {
      await expect(roundTrip(port, 'x', 5000)).rejects.toThrow(/closed after ""/);
      await waitFor(() => errors.length > 0, 'the error');
      expect(errors[0]).toMatch(/Could not forward port 80 of ghost: pods "ghost" not found/);
      expect(ghost.connections).toBe(0);
    } finally {
      await ghost.stop();
    }
  }, 30_000);

  it('forwards a pod port, and ends its open connections when stopped', async () => {
    const echo = await echoServer();
    const forwards = new PortForwards({ client: async () => ({ client, namespace: NS }) });
    try {
      const pod = await runningPod('web');
      world.kube.exposePodPort(NS, pod, 8080, echo.port);
      const info = await forwards.start({ app: 'shop', destination: destination.name, pod, port: 8080, localPort: 0 });
      expect(info).toMatchObject({ target: { kind: 'pod', name: pod }, pod, podPort: 8080 });
      const socket = net.connect(info.localPort, '127.0.0.1');
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.on('error', () => undefined);
      let got = '';
      socket.on('data', (d) => (got += d.toString()));
      socket.write('ping');
      await waitFor(() => got === 'ping', 'the echo');
      await forwards.dispose();
      await closed;
      await expect(roundTrip(info.localPort, 'x', 2000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await forwards.dispose();
      await echo.close();
    }
  }, 30_000);
  it('serves port-forwards through the API handlers: the app\'s services, start, list, a change event each time, stop; Docker destinations refused', async () => {
    const echo = await echoServer();
    const events = new EventBus();
    const seen: PortForwardInfo[][] = [];
    events.subscribe((event, payload) => {
      if (event === 'portForwards.changed') seen.push((payload as { forwards: PortForwardInfo[] }).forwards);
    });
    const handlerDir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-kube-pf-handlers-'));
    const store = new DestinationStore(handlerDir);
    await store.save(destination);
    await store.save(Destination.parse({ type: 'docker', name: 'vps', server: 'local' }));
    const { handlers, dispose } = portForwardHandlers({ deploys, dataDir: handlerDir, events });
    try {
      const pod = await runningPod('web');
      world.kube.exposePodPort(NS, pod, 80, echo.port);
      expect(await handlers['portForwards.services']({ app: 'shop', destination: destination.name })).toMatchObject([{ service: 'web', ports: [{ port: 80 }] }]);
      const info = await handlers['portForwards.start']({ app: 'shop', destination: destination.name, pod, port: 80 });
      expect(seen.at(-1)).toMatchObject([{ id: info.id, localPort: info.localPort }]);
      expect(await handlers['portForwards.list']({})).toMatchObject([{ id: info.id }]);
      expect(await roundTrip(info.localPort, 'via the handlers')).toBe('via the handlers');
      await handlers['portForwards.stop']({ id: info.id });
      expect(seen.at(-1)).toEqual([]);
      await expect(handlers['portForwards.start']({ app: 'shop', destination: 'vps', service: 'web', port: 80 })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
      await expect(handlers['portForwards.services']({ app: 'shop', destination: 'vps' })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    } finally {
      await dispose();
      await echo.close();
      await fs.rm(handlerDir, { recursive: true, force: true });
    }
  }, 30_000);

  describe('on the command line', () => {
    const io = () => {
      let out = '';
      let err = '';
      const home = path.join(dataDir, 'cli-home');
      return {
        ctx: {
          stdout: new Writable({ write: (c, _e, cb) => { out += String(c); cb(); } }),
          stderr: new Writable({ write: (c, _e, cb) => { err += String(c); cb(); } }),
          stdin: new PassThrough(),
          env: { PATH: process.env.PATH, HOME: home, BERTH_HOME: path.join(home, 'berth'), KUBECONFIG: world.kubeconfig, SHELL: '/bin/sh' },
        },
        out: () => out,
        err: () => err,
      };
    };

    it('berth port-forward forwards a Service until stopped', async () => {
      const echo = await echoServer();
      const pods = await kubectlJson('get', 'pods', '-n', NS, '-l', 'app.kubernetes.io/instance=shop,app.kubernetes.io/name=web');
      const service = await kubectlJson('get', 'service', 'web', '-n', NS);
      for (const p of pods.items) world.kube.exposePodPort(NS, p.metadata.name, Number(service.spec.ports[0].targetPort), echo.port);
      const { ctx, out, err } = io();
      let stop!: () => void;
      const running = forward({ ...ctx, argv: ['shop', '--context', 'fake-kube', '--namespace', NS, '--service', 'web', '--port', '80'] }, new Promise<void>((resolve) => (stop = resolve)));
      try {
        await waitFor(() => /Forwarding http:\/\/127\.0\.0\.1:\d+ → service web:80/.test(out()) || err() !== '', 'the forward to start');
        expect(err()).toBe('');
        const localPort = Number(/127\.0\.0\.1:(\d+)/.exec(out())![1]);
        expect(await roundTrip(localPort, 'over the CLI')).toBe('over the CLI');
        stop();
        expect(await running).toBe(0);
        await expect(roundTrip(localPort, 'x', 2000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      } finally {
        stop();
        await running.catch(() => undefined);
        await echo.close();
      }
    }, 30_000);

    it('refuses bad input with the usage', async () => {
      const { ctx, err } = io();
      expect(await main(['port-forward', 'shop', '--context', 'fake-kube', '--service', 'web'], ctx)).toBe(2);
      expect(err()).toMatch(/--port is required/);
      expect(await main(['port-forward', 'shop', '--context', 'fake-kube', '--service', 'web', '--pod', 'x', '--port', '80'], ctx)).toBe(2);
      expect(await main(['port-forward', 'shop', '--context', 'fake-kube', '--namespace', NS, '--service', 'nope', '--port', '80'], ctx)).toBe(1);
      expect(err()).toMatch(/nope is not a Service of shop/);
    }, 30_000);

    it('berth status and logs work for a Kubernetes destination', async () => {
      const status = io();
      expect(await main(['status', 'shop', '--context', 'fake-kube', '--namespace', NS], status.ctx), status.err()).toBe(0);
      expect(status.out()).toMatch(/^web\s+running\s+ready .*\/web$/m);
      expect(status.out()).toMatch(/^worker\s+running\s+ready .*\/worker$/m);
      const pod = await runningPod('web');
      world.kube.appendLog(NS, pod, 'web', 'from the CLI');
      const logs = io();
      expect(await main(['logs', 'shop', '--context', 'fake-kube', '--namespace', NS, '--service', 'web'], logs.ctx), logs.err()).toBe(0);
      expect(logs.out()).toContain(`${pod}/web | from the CLI`);
    }, 30_000);
  });
});
