import { ApiException, KubernetesObjectApi, PatchStrategy, VersionApi, Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { Readable } from 'node:stream';
import { ApiError } from '../../../shared/api/errors.js';
import type { KubeApi, KubeRef } from './kube-api.js';
import { openPodLog } from './pod-logs.js';

export const FIELD_MANAGER = 'berth';

export type KubeObject = KubernetesObject & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } & Record<string, unknown> } & Record<string, unknown>;

/**
 * The few API verbs a deploy uses, on one context. Every error becomes an
 * ApiError whose message is the API server's own Status message, with what to
 * do next where Berth knows it (conflicts, permissions, an unreachable API).
 */
export class KubeClient implements KubeApi {
  readonly objects: KubernetesObjectApi;

  constructor(readonly config: KubeConfig, readonly label: string) {
    this.objects = KubernetesObjectApi.makeApiClient(config);
  }

  async version(): Promise<string> {
    const info = await this.call('reach the API server', () => this.config.makeApiClient(VersionApi).getCode());
    return info.gitVersion;
  }

  /** Server-side apply; `dryRun` returns what the object would become without storing it. */
  apply(object: KubeObject, options: { dryRun?: boolean; force?: boolean } = {}): Promise<KubeObject> {
    const body = { ...object, metadata: { ...object.metadata } };
    delete (body.metadata as Record<string, unknown>).managedFields;
    delete (body.metadata as Record<string, unknown>).resourceVersion;
    return this.call(`apply ${describe(object)}`, () => this.objects.patch(body, undefined, options.dryRun ? 'All' : undefined, FIELD_MANAGER, options.force ?? false, PatchStrategy.ServerSideApply) as Promise<KubeObject>);
  }

  /** The live object, or undefined when it does not exist. */
  async read(ref: { apiVersion: string; kind: string; name: string; namespace?: string }): Promise<KubeObject | undefined> {
    try {
      return (await this.objects.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } })) as KubeObject;
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return undefined;
      throw this.translate(err, `read ${describe(ref)}`);
    }
  }

  async list(apiVersion: string, kind: string, namespace: string | undefined, labelSelector?: string): Promise<KubeObject[]> {
    const result = await this.call(`list ${kind}`, () => this.objects.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector));
    return result.items.map((item) => ({ ...item, apiVersion, kind }) as KubeObject);
  }

  async delete(ref: { apiVersion: string; kind: string; name: string; namespace?: string }): Promise<boolean> {
    try {
      await this.objects.delete({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } }, undefined, undefined, undefined, undefined, 'Background');
      return true;
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return false;
      throw this.translate(err, `delete ${describe(ref)}`);
    }
  }

  create(object: KubeObject): Promise<KubeObject> {
    return this.call(`create ${describe(object)}`, () => this.objects.create(object, undefined, undefined, FIELD_MANAGER) as Promise<KubeObject>);
  }

  replace(object: KubeObject): Promise<KubeObject> {
    return this.call(`replace ${describe(object)}`, () => this.objects.replace(object, undefined, undefined, FIELD_MANAGER) as Promise<KubeObject>);
  }

  async mergePatch(ref: KubeRef, patch: Record<string, unknown>): Promise<void> {
    const body = { ...patch, apiVersion: ref.apiVersion, kind: ref.kind, metadata: { ...(patch.metadata as Record<string, unknown> | undefined), name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } };
    await this.call(`patch ${describe(ref)}`, () => this.objects.patch(body, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch));
  }

  podLog(namespace: string, pod: string, container: string, options: { follow: boolean; tailLines?: number; signal?: AbortSignal }): Promise<Readable> {
    return openPodLog(this.config, namespace, pod, container, options);
  }

  /** A watch on a collection path; `onEvent` sees every ADDED/MODIFIED/DELETED object. Abort to stop. */
  async watch(path: string, query: Record<string, string | number | boolean | undefined>, onEvent: (type: string, object: KubeObject) => void, onDone: (err: unknown) => void): Promise<AbortController> {
    return new Watch(this.config).watch(path, query, (type, object) => onEvent(type, object as KubeObject), onDone);
  }

  async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.translate(err, what);
    }
  }

  translate(err: unknown, what: string): ApiError {
    if (err instanceof ApiError) return err;
    if (err instanceof ApiException) {
      const status = parseStatus(err.body);
      const message = status?.message ?? `HTTP ${err.code}`;
      switch (err.code) {
        case 401:
          return new ApiError('AUTH_FAILED', `${this.label} refused Berth's credentials (${message}) when trying to ${what}. Log in again with your cluster's tool, or check the kubeconfig user.`);
        case 403:
          return new ApiError('AUTH_FAILED', `${this.label} does not allow this user to ${what}: ${message}. Ask the cluster's admin for that permission in this namespace.`);
        case 404:
          return new ApiError('NOT_FOUND', `Could not ${what}: ${message}.`);
        case 409:
          return conflictError(message, what);
        case 422:
        case 400:
        case 415:
          return new ApiError('INVALID_INPUT', `${this.label} rejected the request to ${what}: ${message}.`);
        default:
          return new ApiError('INTERNAL', `Could not ${what} on ${this.label}: ${message}.`);
      }
    }
    const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
    const code = e?.code ?? e?.cause?.code;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND') {
      return new ApiError('CONNECTION_LOST', `${this.label} did not answer while trying to ${what} (${code}). Check that the cluster is running and reachable, then deploy again.`);
    }
    return new ApiError('INTERNAL', `Could not ${what} on ${this.label}: ${e instanceof Error ? e.message : String(err)}`);
  }
}

function parseStatus(body: unknown): { message?: string; reason?: string } | undefined {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as { message?: string };
    } catch {
      return { message: body.slice(0, 500) };
    }
  }
  return body && typeof body === 'object' ? (body as { message?: string }) : undefined;
}

/** 409 from an apply names the other field managers; say who, and that forcing takes their fields. */
export function conflictError(message: string, what: string): ApiError {
  const managers = [...new Set([...message.matchAll(/conflict with "([^"]+)"/g)].map((m) => m[1]!))];
  if (managers.length > 0) {
    return new ApiError('CONFLICT', `Could not ${what}: fields Berth sets are managed by ${managers.map((m) => `"${m}"`).join(', ')} (${message}). Deploy with --force-conflicts (or "Take over fields" in the plan) to make Berth their manager, or stop managing them elsewhere.`);
  }
  return new ApiError('CONFLICT', `Could not ${what}: ${message}.`);
}

export function describe(ref: { kind: string; name?: string; metadata?: { name?: string; namespace?: string }; namespace?: string }): string {
  const name = ref.name ?? ref.metadata?.name ?? '?';
  const namespace = ref.namespace ?? ref.metadata?.namespace;
  return `${ref.kind} ${namespace ? `${namespace}/` : ''}${name}`;
}
