import type { Readable } from 'node:stream';
import type { ApiError } from '../../../shared/api/errors.js';
import type { KubeObject } from './kube-client.js';

export interface KubeRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/**
 * What the Kubernetes deploy steps (plan, lock, releases, apply, rollout,
 * prune, status and logs) ask of a cluster. KubeClient answers through the
 * API (a kubeconfig context, or an SSH cluster's tunnel); RemoteKubeApi runs
 * kubectl on the cluster's server over SSH, for a cluster only the server can
 * reach. Every error is an ApiError with the cluster's own message.
 */
export interface KubeApi {
  readonly label: string;
  version(): Promise<string>;
  /** Server-side apply with field manager berth; `dryRun` returns what the object would become without storing it. */
  apply(object: KubeObject, options?: { dryRun?: boolean; force?: boolean }): Promise<KubeObject>;
  /** The live object, or undefined when it does not exist. */
  read(ref: KubeRef): Promise<KubeObject | undefined>;
  list(apiVersion: string, kind: string, namespace: string | undefined, labelSelector?: string): Promise<KubeObject[]>;
  /** false when it did not exist. */
  delete(ref: KubeRef): Promise<boolean>;
  /** A create, which the API server makes atomic: CONFLICT when the object exists (the lock). */
  create(object: KubeObject): Promise<KubeObject>;
  /** A replace at the object's metadata.resourceVersion: CONFLICT when it changed since it was read. */
  replace(object: KubeObject): Promise<KubeObject>;
  /** A JSON merge patch (RFC 7386) of some fields, as field manager berth. */
  mergePatch(ref: KubeRef, patch: Record<string, unknown>): Promise<void>;
  /** A watch on a collection path; `onEvent` sees every ADDED/MODIFIED/DELETED object. Abort to stop. */
  watch(path: string, query: Record<string, string | number | boolean | undefined>, onEvent: (type: string, object: KubeObject) => void, onDone: (err: unknown) => void): Promise<AbortController>;
  /** One container's log as a stream; with follow it stays open until the signal aborts or the container ends. */
  podLog(namespace: string, pod: string, container: string, options: { follow: boolean; tailLines?: number; signal?: AbortSignal }): Promise<Readable>;
  /** Runs fn, turning its error into an ApiError that says what was being done. */
  call<T>(what: string, fn: () => Promise<T>): Promise<T>;
  translate(err: unknown, what: string): ApiError;
}
