import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../api/event-bus.js';
import { ClusterService } from './cluster-service.js';
import { kubeconfigFiles } from './kubeconfig.js';
import { KubeconfigSource } from './kubeconfig-source.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-kubeconfig-'));
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

const write = async (rel: string, lines: string[]) => {
  const file = path.join(dir, rel);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `${lines.join('\n')}\n`);
  return file;
};

/** kubectl's own reading of the same files: the reference the merge is held to. */
function kubectl(kubeconfig: string, args: string[]): string {
  return execFileSync('kubectl', args, { env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kubeconfig }, encoding: 'utf8' }).trim();
}

const FIRST = [
  'apiVersion: v1', 'kind: Config',
  'clusters:',
  '- name: shared-cluster', '  cluster: { server: "https://first.example:6443" }',
  '- name: only-first', '  cluster: { server: "https://only-first.example" }',
  'users:', '- name: alice', '  user: { token: from-first }',
  'contexts:',
  '- name: shared', '  context: { cluster: shared-cluster, user: alice, namespace: first-ns }',
  '- name: first', '  context: { cluster: only-first, user: alice }',
];
const SECOND = [
  'apiVersion: v1', 'kind: Config', 'current-context: second',
  'clusters:',
  '- name: shared-cluster', '  cluster: { server: "https://second.example:6443" }',
  '- name: only-second', '  cluster: { server: "https://only-second.example" }',
  'users:', '- name: alice', '  user: { token: from-second }', '- name: bob', '  user: { exec: { apiVersion: client.authentication.k8s.io/v1, command: aws, args: [eks, get-token] } }',
  'contexts:',
  '- name: shared', '  context: { cluster: only-second, user: bob, namespace: second-ns }',
  '- name: second', '  context: { cluster: shared-cluster, user: bob }',
];

describe('kubeconfig files, merged as kubectl merges them', () => {
  it('takes each context, cluster and user from the first file that names it, and current-context from the first that sets one', async () => {
    const first = await write('a/config', FIRST);
    const second = await write('b/config', SECOND);
    const KUBECONFIG = [first, path.join(dir, 'missing'), second].join(path.delimiter);
    const source = new KubeconfigSource({ env: { KUBECONFIG } });
    const { contexts, files, problems } = await source.list();

    expect(files).toEqual([first, path.join(dir, 'missing'), second]);
    expect(problems).toEqual([]);
    expect(contexts).toEqual([
      { name: 'shared', cluster: 'shared-cluster', server: 'https://first.example:6443', user: 'alice', namespace: 'first-ns', current: false, source: { kind: 'kubeconfig', file: first }, auth: { kind: 'token' } },
      { name: 'first', cluster: 'only-first', server: 'https://only-first.example', user: 'alice', current: false, source: { kind: 'kubeconfig', file: first }, auth: { kind: 'token' } },
      { name: 'second', cluster: 'shared-cluster', server: 'https://first.example:6443', user: 'bob', current: true, source: { kind: 'kubeconfig', file: second }, auth: { kind: 'exec', command: 'aws' } },
    ]);

    // kubectl reads the same files the same way.
    expect(kubectl(KUBECONFIG, ['config', 'get-contexts', '-o', 'name']).split('\n').sort()).toEqual(contexts.map((c) => c.name).sort());
    expect(kubectl(KUBECONFIG, ['config', 'current-context'])).toBe('second');
    expect(kubectl(KUBECONFIG, ['config', 'view', '--minify', '--context', 'shared', '-o', 'jsonpath={.clusters[0].cluster.server} {.contexts[0].context.namespace}'])).toBe('https://first.example:6443 first-ns');
    expect(kubectl(KUBECONFIG, ['config', 'view', '--minify', '--context', 'second', '-o', 'jsonpath={.clusters[0].cluster.server}'])).toBe('https://first.example:6443');

    // client-node's own loadFromDefault refuses exactly this (a name in two files), hence Berth's merge.
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = [first, second].join(path.delimiter);
    try {
      expect(() => new KubeConfig().loadFromDefault()).toThrow(/Duplicate cluster: shared-cluster/);
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }

    // The first file's alice is the one whose token is sent.
    const ctx = new RequestContext('https://first.example:6443/version', HttpMethod.GET);
    await (await source.config('shared'))!.applySecurityAuthentication(ctx);
    expect(ctx.getHeaders().Authorization).toBe('Bearer from-first');
  });

  it('lets the first file that sets current-context win even when a later one sets another', async () => {
    const first = await write('a/config', [...FIRST, 'current-context: first']);
    const second = await write('b/config', SECOND);
    const KUBECONFIG = [first, second].join(path.delimiter);
    const { contexts } = await new KubeconfigSource({ env: { KUBECONFIG } }).list();
    expect(contexts.filter((c) => c.current).map((c) => c.name)).toEqual(['first']);
    expect(kubectl(KUBECONFIG, ['config', 'current-context'])).toBe('first');
  });

  it('reads ~/.kube/config when $KUBECONFIG is unset or empty, and drops empty and repeated entries', async () => {
    expect(kubeconfigFiles({ HOME: '/home/u' })).toEqual(['/home/u/.kube/config']);
    expect(kubeconfigFiles({ HOME: '/home/u', KUBECONFIG: '' })).toEqual(['/home/u/.kube/config']);
    expect(kubeconfigFiles({ KUBECONFIG: ['/a', '', '/b', '/a'].join(path.delimiter) })).toEqual(['/a', '/b']);
    await write('.kube/config', FIRST);
    expect((await new KubeconfigSource({ env: { HOME: dir } }).list()).contexts.map((c) => c.name)).toEqual(['shared', 'first']);
  });

  it('resolves relative certificate, key, token and plugin paths against the file that names them', async () => {
    await write('nested/certs/ca.pem', ['not a real CA']);
    await write('nested/token', ['token-from-file']);
    const file = await write('nested/config', [
      'clusters:', '- name: c', '  cluster: { server: "https://k.example", certificate-authority: certs/ca.pem }',
      'users:',
      '- name: cert', '  user: { client-certificate: certs/client.pem, client-key: ./certs/client.key }',
      '- name: file', '  user: { token-file: token }',
      '- name: plugin', '  user: { exec: { command: ./bin/get-token, apiVersion: client.authentication.k8s.io/v1 } }',
      '- name: on-path', '  user: { exec: { command: kubelogin, apiVersion: client.authentication.k8s.io/v1 } }',
      'contexts:',
      '- name: cert', '  context: { cluster: c, user: cert }',
      '- name: file', '  context: { cluster: c, user: file }',
      '- name: plugin', '  context: { cluster: c, user: plugin }',
      '- name: on-path', '  context: { cluster: c, user: on-path }',
    ]);
    // Read from elsewhere: the paths must not depend on the working directory.
    const source = new KubeconfigSource({ env: { KUBECONFIG: path.relative(process.cwd(), file), SHELL: '' } });
    const nested = path.join(dir, 'nested');
    const cert = (await source.config('cert'))!;
    expect(cert.getCurrentCluster()!.caFile).toBe(path.join(nested, 'certs/ca.pem'));
    expect(cert.getCurrentUser()).toMatchObject({ certFile: path.join(nested, 'certs/client.pem'), keyFile: path.join(nested, 'certs/client.key') });
    expect((await source.config('file'))!.getCurrentUser()!.token).toBe('token-from-file\n');
    expect((await source.config('plugin'))!.getCurrentUser()!.exec.command).toBe(path.join(nested, 'bin/get-token'));
    expect((await source.config('on-path'))!.getCurrentUser()!.exec.command).toBe('kubelogin');
    const kinds = Object.fromEntries((await source.list()).contexts.map((c) => [c.name, c.auth.kind]));
    expect(kinds).toEqual({ cert: 'client-certificate', file: 'token-file', plugin: 'exec', 'on-path': 'exec' });
  });

  it('lists the good files when one is broken, says which one, and flags contexts whose cluster is missing', async () => {
    const bad = await write('bad/config', ['contexts: [unclosed']);
    const good = await write('good/config', ['contexts:', '- name: orphan', '  context: { cluster: nowhere, user: nobody }']);
    const { contexts, problems } = await new KubeconfigSource({ env: { KUBECONFIG: [bad, good].join(path.delimiter) } }).list();
    expect(problems).toEqual([{ source: 'kubeconfig', file: bad, message: expect.stringMatching(/is not valid YAML: .+ \(line \d+\)$/) }]);
    expect(problems[0]!.message.startsWith(`${bad} is not valid YAML`)).toBe(true);
    expect(contexts).toEqual([expect.objectContaining({ name: 'orphan', server: '', problem: 'Its cluster nowhere is defined in no kubeconfig file.' })]);
  });

  it('re-reads a changed file and tells the UI', async () => {
    const file = await write('config', FIRST);
    const events = new EventBus();
    const seen: unknown[] = [];
    events.subscribe((event, payload) => seen.push([event, payload]));
    const clusters = new ClusterService({ sources: [new KubeconfigSource({ env: { KUBECONFIG: file } })], events });
    try {
      expect((await clusters.list()).contexts.map((c) => c.name)).toEqual(['shared', 'first']);
      // kubectl config use-context and editors write a new file; the watcher sees the rename too.
      await new Promise((r) => setTimeout(r, 50));
      await fs.writeFile(`${file}.new`, [...FIRST, '- name: added', '  context: { cluster: only-first, user: alice }'].join('\n'));
      await fs.rename(`${file}.new`, file);
      await expect.poll(() => seen, { timeout: 5000 }).toEqual([['clusters.changed', { source: 'kubeconfig' }]]);
      expect((await clusters.list()).contexts.map((c) => c.name)).toEqual(['shared', 'first', 'added']);
    } finally {
      clusters.dispose();
    }
  });
});
