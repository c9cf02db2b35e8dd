/** `kind: Status` errors shaped as kube-apiserver's (k8s.io/apimachinery/pkg/api/errors). */
import type { ResourceType } from './resources.js';

export interface StatusCause { reason?: string; message?: string; field?: string }

export class KubeError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[]; retryAfterSeconds?: number },
  ) {
    super(message);
  }

  status(): Record<string, unknown> {
    const s: Record<string, unknown> = {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason,
    };
    if (this.details) s.details = this.details;
    s.code = this.code;
    return s;
  }
}

export function successStatus(details?: Record<string, unknown>): Record<string, unknown> {
  const s: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' };
  if (details) s.details = details;
  return s;
}

export const notFound = (r: ResourceType, name: string) =>
  new KubeError(404, 'NotFound', `${r.group ? `${r.plural}.${r.group}` : r.plural} "${name}" not found`, { name, group: r.group || undefined, kind: r.plural });

export const alreadyExists = (r: ResourceType, name: string) =>
  new KubeError(409, 'AlreadyExists', `${r.group ? `${r.plural}.${r.group}` : r.plural} "${name}" already exists`, { name, group: r.group || undefined, kind: r.plural });

export const conflictRV = (r: ResourceType, name: string) =>
  new KubeError(409, 'Conflict', `Operation cannot be fulfilled on ${r.group ? `${r.plural}.${r.group}` : r.plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, group: r.group || undefined, kind: r.plural });

export const badRequest = (message: string) => new KubeError(400, 'BadRequest', message);

export const invalid = (r: ResourceType, name: string, causes: Array<{ field: string; type: string; message: string }>) => {
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new KubeError(422, 'Invalid', `${r.group ? `${r.kind}.${r.group}` : r.kind} "${name}" is invalid: ${summary}`, {
    name, group: r.group || undefined, kind: r.kind,
    causes: causes.map((c) => ({ reason: c.type, message: c.message, field: c.field })),
  });
};

export const unauthorized = () => new KubeError(401, 'Unauthorized', 'Unauthorized');

export const methodNotAllowed = () => new KubeError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

export const unsupportedMediaType = (contentType: string) =>
  new KubeError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/apply-patch+cbor${contentType ? '' : ''}`);

export const notFoundPath = () => new KubeError(404, 'NotFound', 'the server could not find the requested resource', {});

export const namespaceNotFound = (ns: string) =>
  new KubeError(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' });

export const expired = (message: string) => new KubeError(410, 'Expired', message);
