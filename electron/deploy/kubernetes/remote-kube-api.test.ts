import { describe, expect, it } from 'vitest';
import type { RemoteKubectl } from '../../kube/ssh-clusters/remote-kubectl.js';
import { JsonStreamSplitter, RemoteKubeApi, resourceArg, watchTarget } from './remote-kube-api.js';

describe('RemoteKubeApi: the Kubernetes API through kubectl on the server', () => {
  it('names resources as kubectl takes them, fully qualified, and refuses anything that is not a name', () => {
    expect(resourceArg('apps/v1', 'Deployment')).toBe('deployment.v1.apps');
    expect(resourceArg('networking.k8s.io/v1', 'Ingress')).toBe('ingress.v1.networking.k8s.io');
    expect(resourceArg('v1', 'Secret')).toBe('secret');
    expect(() => resourceArg('v1', '--kubeconfig=/x')).toThrow(/not a valid kind/);
    expect(() => resourceArg('apps/v1 --server=x', 'Deployment')).toThrow(/not a valid apiVersion/);
  });

  it('turns the rollout watch paths into kubectl get --watch arguments', () => {
    expect(watchTarget('/apis/apps/v1/namespaces/shop/deployments')).toEqual({ resource: 'deployments.v1.apps', namespace: 'shop' });
    expect(watchTarget('/api/v1/namespaces/shop/events')).toEqual({ resource: 'events', namespace: 'shop' });
    expect(() => watchTarget('/api/v1/namespaces/shop/pods/../../secrets')).toThrow(/Cannot watch/);
  });

  it('splits the pretty-printed JSON documents of a watch, however the chunks fall', () => {
    const docs: unknown[] = [];
    const splitter = new JsonStreamSplitter((d) => docs.push(d));
    const text = `${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a}"{' } } }, null, 4)}\n${JSON.stringify({ type: 'MODIFIED', object: { s: 'x\\"}' } }, null, 4)}\n`;
    for (let i = 0; i < text.length; i += 7) splitter.push(text.slice(i, i + 7));
    expect(docs).toEqual([{ type: 'ADDED', object: { metadata: { name: 'a}"{' } } }, { type: 'MODIFIED', object: { s: 'x\\"}' } }]);
  });

  it("sorts kubectl's errors into the codes the deploy acts on", () => {
    const api = new RemoteKubeApi({ prefix: ['k3s', 'kubectl'] } as unknown as RemoteKubectl, 'web1-k3s');
    expect(api.errorOf('Error from server (NotFound): deployments.apps "web" not found', 1, 'read Deployment shop/web')).toMatchObject({ code: 'NOT_FOUND' });
    expect(api.errorOf('Error from server (AlreadyExists): configmaps "berth-lock-shop" already exists', 1, 'lock shop')).toMatchObject({ code: 'CONFLICT' });
    const conflict = api.errorOf('error: Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas\nPlease review the fields above', 1, 'apply Deployment shop/web');
    expect(conflict).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('managed by "kubectl"') });
    expect(api.errorOf('Error from server (Forbidden): secrets is forbidden', 1, 'list Secret')).toMatchObject({ code: 'AUTH_FAILED' });
    expect(api.errorOf('The Deployment "web" is invalid: spec.replicas: Invalid value\nError from server (Invalid): ...', 1, 'apply')).toMatchObject({ code: 'INVALID_INPUT' });
    expect(api.errorOf('The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?', 1, 'reach the API server')).toMatchObject({ code: 'CONNECTION_LOST' });
    expect(api.errorOf('sh: 1: k3s: not found', 127, 'reach the API server')).toMatchObject({ code: 'UNAVAILABLE' });
  });
});
