import { z } from 'zod';

/** A Kubernetes object name (RFC 1123 subdomain): never an option, never a path. */
export const KubeObjectName = z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'a Kubernetes name such as web or web-7d9f8-abcde');

export const PortNumber = z.number().int().min(1).max(65535);

/** A forward of a local port on 127.0.0.1 to a port of one of an app's Services (through a ready pod behind it) or pods. */
export const PortForwardInfo = z.object({
  id: z.string(),
  app: z.string(),
  destination: z.string(),
  namespace: z.string(),
  target: z.object({ kind: z.enum(['service', 'pod']), name: z.string() }),
  /** The Service's port, or the pod's container port, as asked for. */
  port: z.number().int(),
  /** The pod connections reach now, and its container port. */
  pod: z.string(),
  podPort: z.number().int(),
  localPort: z.number().int(),
  /** http://127.0.0.1:<localPort> */
  url: z.string(),
  /** Connections open now, and since the start. */
  connections: z.number().int(),
  totalConnections: z.number().int(),
  startedAt: z.string(),
  /** The last connection that failed, and why; a failed connection never ends the forward. */
  lastError: z.string().optional(),
});
export type PortForwardInfo = z.infer<typeof PortForwardInfo>;

/** A Service of the app with the ports it can be forwarded on. */
export const ForwardableService = z.object({
  service: z.string(),
  /** The app's service it belongs to (label app.kubernetes.io/name). */
  appService: z.string().optional(),
  ports: z.array(z.object({ port: z.number().int(), name: z.string().optional(), targetPort: z.union([z.number().int(), z.string()]).optional(), protocol: z.string().optional() })),
});
export type ForwardableService = z.infer<typeof ForwardableService>;
