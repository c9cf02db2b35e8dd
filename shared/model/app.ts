import { z } from 'zod';

/**
 * The app definition (`berth.yaml`): what the user describes once. It says
 * nothing about where the app runs; that is the destination's job, so the
 * same definition renders to compose or to Kubernetes.
 *
 * Bump APP_API_VERSION and add a migration when the shape changes.
 */
export const APP_API_VERSION = 'berth.dev/v1';

/** Service and volume names: DNS-1123 labels, so they are valid on every target. */
export const ResourceName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'lowercase letters, digits and dashes; starts and ends with a letter or digit (DNS-1123 label)');

export const EnvName = z.string().min(1).regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'letters, digits and underscores; not starting with a digit');

/** Kubernetes-style quantity for memory and storage: 512Mi, 1Gi, 500M, 1073741824. */
export const ByteQuantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|K|M|G|T|k)?$/, 'a size such as 512Mi or 1Gi');

export const Port = z.number().int().min(1).max(65535);

export const EnvScope = z.enum(['runtime', 'build', 'both']);

/** `${secret:NAME}` inside an env template: filled in from the secret store at render time. */
export const SECRET_PLACEHOLDER = /\$\{secret:([A-Za-z0-9_.-]+)\}/g;

/**
 * An environment entry. A plain string is a runtime value. Secrets hold only
 * a reference: the value lives in the secret store, never in berth.yaml.
 */
export const EnvValue = z.union([
  z.string(),
  z.object({ value: z.string(), scope: EnvScope.default('runtime') }).strict(),
  z.object({ secret: z.string().min(1).describe('key in the secret store'), scope: EnvScope.default('runtime') }).strict(),
  /** A value with secrets inside it (`postgres://app:${secret:PG_PASS}@db/app`): the whole value is treated as a secret. */
  z.object({ template: z.string().min(1).describe('text with ${secret:NAME} placeholders'), scope: EnvScope.default('runtime') }).strict(),
]);
export type EnvValue = z.infer<typeof EnvValue>;

/**
 * With `git`, the image is built from that repository at `ref` (`context` is a
 * subdirectory of it). Without `git`, `context` is a directory on this
 * computer, relative to the app's folder (where the compose file was imported
 * from), built here and shipped to the server.
 */
export const BuildSource = z
  .object({
    git: z.string().min(1).optional().describe('repository URL (https or ssh); leave out to build a local directory'),
    ref: z.string().default('main').describe('branch, tag or commit (with git)'),
    dockerfile: z.string().default('Dockerfile'),
    context: z.string().default('.').describe('subdirectory of the repository, or a local directory when git is not set'),
    target: z.string().min(1).optional().describe('build stage (docker build --target)'),
    args: z.record(z.string(), z.string()).optional().describe('build arguments'),
    cacheFrom: z.array(z.string().min(1)).optional().describe('images to use as build cache'),
    /** A private repository's deploy key: the name of a secret holding an SSH private key. */
    deployKey: z.string().min(1).optional().describe('secret holding the SSH deploy key of a private repository'),
  })
  .strict();
export type BuildSource = z.infer<typeof BuildSource>;

export const ServicePort = z
  .object({
    port: Port.describe('container port'),
    protocol: z.enum(['tcp', 'udp']).default('tcp'),
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).max(15).optional(),
    /** Published on the host (Docker) or as a LoadBalancer port (Kubernetes); routed HTTP traffic never needs this. */
    publish: Port.optional(),
    /** The host address a published port binds (127.0.0.1 keeps it off the network); Docker only. */
    hostIp: z.string().min(1).optional().describe('host address the published port binds, e.g. 127.0.0.1'),
  })
  .strict();

export const Route = z
  .object({
    domain: z.string().min(1).regex(/^(\*\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/i, 'a domain name such as app.example.com'),
    path: z.string().startsWith('/').default('/'),
    port: Port.describe('container port the route sends traffic to'),
    https: z.boolean().default(true),
    www: z.enum(['none', 'to-www', 'to-apex']).default('none').describe('redirect between www. and the bare domain'),
    stripPrefix: z.boolean().default(false).describe('remove the path prefix before forwarding'),
  })
  .strict();
export type Route = z.infer<typeof Route>;

export const VolumeMount = z
  .object({ volume: ResourceName, path: z.string().startsWith('/'), readOnly: z.boolean().default(false) })
  .strict();
/** A host directory: Docker only; rendering for Kubernetes reports it. */
export const BindMount = z
  .object({ hostPath: z.string().min(1), path: z.string().startsWith('/'), readOnly: z.boolean().default(false) })
  .strict();
export const Mount = z.union([VolumeMount, BindMount]);

/** A file of the app, written into the container: a config file that sat beside the compose file, inlined. */
export const FileMount = z
  .object({
    path: z.string().startsWith('/'),
    content: z.string(),
    /** base64 for binary content (certificates in DER, images); text otherwise. */
    encoding: z.enum(['utf8', 'base64']).optional(),
    mode: z.string().regex(/^0?[0-7]{3}$/).optional(),
    /** Where the content came from (`./nginx.conf`), so a re-import or a reader can find it. */
    source: z.string().optional(),
  })
  .strict();

/** A secret written as a file (compose `secrets:`), by default at /run/secrets/<secret>; `*_FILE` variables keep pointing at it. */
export const SecretFile = z
  .object({
    secret: z.string().min(1).describe('key in the secret store'),
    path: z.string().startsWith('/').optional().describe('default /run/secrets/<secret>'),
    mode: z.string().regex(/^0?[0-7]{3}$/).optional(),
  })
  .strict();

export const TmpfsMount = z
  .object({ path: z.string().startsWith('/'), size: ByteQuantity.optional(), mode: z.string().regex(/^0?[0-7]{3,4}$/).optional() })
  .strict();

/** A host name another service may use for this one (compose network alias): any DNS name, dotted or not. */
export const HostAlias = z.string().min(1).max(253).regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'a host name such as db or xmpp.meet.jitsi');

export const DependencyCondition = z.enum(['started', 'healthy', 'completed']);
/** `db` is short for `{service: db, condition: started}`, as in compose. */
export const Dependency = z.union([
  ResourceName,
  z
    .object({
      service: ResourceName,
      condition: DependencyCondition.default('started').describe('started, healthy (its health check passes) or completed (it ran once and exited 0)'),
      required: z.boolean().default(true),
      restart: z.boolean().default(false).describe('restart this service when the dependency is updated (Docker)'),
    })
    .strict(),
]);
export type Dependency = z.infer<typeof Dependency>;
export type DependencyCondition = z.infer<typeof DependencyCondition>;

/** Every dependency in its long form. */
export function dependenciesOf(service: { dependsOn?: Dependency[] }): Array<{ service: string; condition: DependencyCondition; required: boolean; restart: boolean }> {
  return (service.dependsOn ?? []).map((d) => (typeof d === 'string' ? { service: d, condition: 'started' as const, required: true, restart: false } : d));
}

export const HealthCheck = z
  .object({
    /** Turns off the image's own HEALTHCHECK (compose `disable: true`); nothing else may be set then. */
    disable: z.literal(true).optional(),
    http: z.object({ path: z.string().startsWith('/').default('/'), port: Port }).strict().optional(),
    /** exec form (array) or a shell line (string, run with /bin/sh -c). */
    command: z.union([z.array(z.string()).min(1), z.string().min(1)]).optional(),
    tcp: z.object({ port: Port }).strict().optional(),
    // Docker's own defaults, kept explicit so both targets behave the same.
    intervalSeconds: z.number().positive().default(30),
    timeoutSeconds: z.number().positive().default(30),
    retries: z.number().int().min(1).default(3),
    startPeriodSeconds: z.number().min(0).default(0),
  })
  .strict()
  .refine((h) => [h.http, h.command, h.tcp].filter((x) => x !== undefined).length === (h.disable ? 0 : 1), {
    message: 'a health check needs exactly one of http, command or tcp (or only disable: true)',
  });
export type HealthCheck = z.infer<typeof HealthCheck>;

const Limits = z.object({ cpus: z.number().positive().optional(), memory: ByteQuantity.optional() }).strict();
export const Resources = z.object({ limits: Limits.optional(), reservations: Limits.optional() }).strict();

export const Autoscale = z
  .object({
    min: z.number().int().min(1),
    max: z.number().int().min(1),
    cpuPercent: z.number().int().min(1).max(100).default(80),
  })
  .strict()
  .refine((a) => a.max >= a.min, { message: 'autoscale.max must be at least autoscale.min' });

export const Service = z
  .object({
    image: z.string().min(1).optional(),
    build: BuildSource.optional(),
    /** Replaces the image's entrypoint (Kubernetes `command`). */
    entrypoint: z.array(z.string()).optional(),
    /** Replaces the image's default command (Kubernetes `args`). */
    command: z.array(z.string()).optional(),
    workingDir: z.string().optional(),
    user: z.string().optional(),
    ports: z.array(ServicePort).default([]),
    routes: z.array(Route).default([]),
    env: z.record(EnvName, EnvValue).default({}),
    mounts: z.array(Mount).default([]),
    files: z.array(FileMount).default([]),
    healthcheck: HealthCheck.optional(),
    resources: Resources.optional(),
    replicas: z.number().int().min(0).default(1),
    autoscale: Autoscale.optional(),
    restart: z.enum(['always', 'unless-stopped', 'on-failure', 'no']).default('unless-stopped'),
    /**
     * once: a task that runs to completion (migrations, seeders): a Job on
     * Kubernetes, and dependents can wait for it with condition completed.
     * Restart decides what Docker does when it exits; it does not make a
     * service a task.
     */
    runs: z.enum(['continuously', 'once']).optional().describe('continuously (default) or once: a task that runs to completion'),
    /** global: one copy on every node (a DaemonSet on Kubernetes); Docker runs one. */
    mode: z.enum(['replicated', 'global']).optional(),
    dependsOn: z.array(Dependency).default([]),
    hooks: z
      .object({
        preDeploy: z.array(z.string()).default([]).describe('shell lines run in a one-off container of the new release before traffic moves'),
        postDeploy: z.array(z.string()).default([]),
      })
      .strict()
      .optional(),
    labels: z.record(z.string(), z.string()).default({}),
    annotations: z.record(z.string(), z.string()).default({}),
    stopGracePeriodSeconds: z.number().int().min(0).optional(),
    /** missing (default): an image already on the server is used as is, unless its tag is latest; always: pull on every deploy. */
    pull: z.enum(['missing', 'always']).optional(),
    /** How long a deploy waits for this service to become healthy (default 60). */
    readyTimeoutSeconds: z.number().int().min(1).max(3600).optional(),

    // ---- how the container runs: kept on Docker, expressed on Kubernetes where it can be ----
    /** Other host names this service answers to (compose network aliases); valid labels become extra Services on Kubernetes. */
    aliases: z.array(HostAlias).optional(),
    /** A fixed container name (Docker); side-by-side deploys then stop the old container first. */
    containerName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/).optional(),
    ipv4Address: z.string().min(1).optional().describe('fixed address on the app network (Docker; needs network.subnet)'),
    ipv6Address: z.string().min(1).optional(),
    capAdd: z.array(z.string().min(1)).optional(),
    capDrop: z.array(z.string().min(1)).optional(),
    privileged: z.boolean().optional(),
    readOnly: z.boolean().optional().describe('read-only root filesystem'),
    init: z.boolean().optional().describe('run an init process that reaps zombies'),
    stopSignal: z.string().min(1).optional(),
    shmSize: ByteQuantity.optional().describe('size of /dev/shm'),
    tmpfs: z.array(TmpfsMount).optional(),
    sysctls: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    extraHosts: z.array(z.object({ host: z.string().min(1), ip: z.string().min(1) }).strict()).optional().describe('extra /etc/hosts entries; ip may be host-gateway'),
    secretFiles: z.array(SecretFile).optional(),
    /**
     * Compose service keys Berth does not model (logging, ulimits, devices,
     * dns, security_opt, pids_limit, network_mode, GPU reservations…), passed
     * to Docker exactly as written. Kubernetes renders report each one.
     */
    compose: z.record(z.string(), z.unknown()).optional().describe('compose keys passed to Docker verbatim'),
  })
  .strict()
  .refine((s) => s.image !== undefined || s.build !== undefined, { message: 'a service needs an image or a build source', path: ['image'] });
export type Service = z.infer<typeof Service>;

export const Volume = z
  .object({
    size: ByteQuantity.default('1Gi'),
    /** Kubernetes access mode; ReadWriteOnce forces the Recreate strategy. */
    shared: z.boolean().default(false).describe('ReadWriteMany instead of ReadWriteOnce'),
  })
  .strict();

export const OverrideTarget = z.enum(['compose', 'kubernetes']);
export type OverrideTarget = z.infer<typeof OverrideTarget>;

/** A user's edit of the rendered output, kept as a JSON merge patch (RFC 7396) on one object. */
export const Override = z
  .object({
    target: OverrideTarget,
    /** Kubernetes kind (Deployment, Service…) or compose section (service, volume, network, caddy). */
    kind: z.string().min(1),
    name: z.string().min(1),
    patch: z.record(z.string(), z.unknown()),
  })
  .strict();
export type Override = z.infer<typeof Override>;

export const App = z
  .object({
    apiVersion: z.literal(APP_API_VERSION),
    kind: z.literal('App'),
    name: ResourceName,
    services: z.record(ResourceName, Service).refine((s) => Object.keys(s).length > 0, { message: 'an app needs at least one service' }),
    volumes: z.record(ResourceName, Volume).default({}),
    /** The app network's address range, needed only for fixed service addresses (Docker). */
    network: z.object({ subnet: z.string().min(1).optional(), ipv6Subnet: z.string().min(1).optional() }).strict().optional(),
    overrides: z.array(Override).default([]),
  })
  .strict();
export type App = z.infer<typeof App>;
export type AppInput = z.input<typeof App>;

// ---- destinations: where an app runs, kept apart from what it is ----

export const DockerDestination = z
  .object({
    type: z.literal('docker'),
    name: z.string().min(1),
    server: z.string().min(1).describe('server id; "local" is this computer'),
    network: z.string().default('berth'),
    /** caddy: Berth's own proxy, routes switched through its admin API. traefik: labels compatible with Coolify's proxy. none: publish ports. */
    proxy: z.enum(['caddy', 'traefik', 'none']).default('caddy'),
    selinuxRelabel: z.boolean().default(false).describe('append :z to bind mounts'),
    // Deploy settings; each is optional and has the default the deploy docs state.
    proxyImage: z.string().min(1).optional().describe('image of the berth-proxy container (default caddy:2)'),
    httpPort: Port.optional().describe('host port of the proxy for HTTP (default 80)'),
    httpsPort: Port.optional().describe('host port of the proxy for HTTPS (default 443)'),
    tls: z.enum(['acme', 'internal']).optional().describe("certificates from Let's Encrypt (acme, default) or Caddy's own CA (internal)"),
    dockerSocket: z.string().startsWith('/').optional().describe('Docker socket on the server (default /var/run/docker.sock; rootless Docker uses /run/user/<uid>/docker.sock)'),
    buildOn: z.enum(['server', 'local']).optional().describe('where images are built from source (default server)'),
    keepReleases: z.number().int().min(1).max(100).optional().describe('releases kept for rollback (default 5)'),
    drainSeconds: z.number().min(0).max(3600).optional().describe('how long the previous release keeps running after traffic moved (default 30)'),
    readinessSeconds: z.number().min(0).max(600).optional().describe('how long a service without a health check must stay up (default 7)'),
  })
  .strict();

export const KubernetesDestination = z
  .object({
    type: z.literal('kubernetes'),
    name: z.string().min(1),
    context: z.string().min(1).describe('kubeconfig context'),
    namespace: ResourceName.default('default'),
    ingressClass: z.string().optional(),
    storageClass: z.string().optional(),
    tlsIssuer: z.string().optional().describe('cert-manager ClusterIssuer name'),
    imagePullSecret: z.string().optional(),
    /** Where images built from source are pushed; build-only services then run <registry>/<app>-<service>:<ref>. */
    registry: z.string().min(1).optional(),
  })
  .strict();

export const Destination = z.discriminatedUnion('type', [DockerDestination, KubernetesDestination]);
export type Destination = z.infer<typeof Destination>;
export type DockerDestination = z.infer<typeof DockerDestination>;
export type KubernetesDestination = z.infer<typeof KubernetesDestination>;

/**
 * Where a destination deploys, in words: "Docker on this computer", "Docker on vps-1", "Kubernetes prod, namespace
 * shop"; `compact` ("Kubernetes prod/shop") for a select or a list. `serverName` names a server by its id.
 */
export function destinationTarget(d: Destination, { compact = false, serverName = (id: string) => id }: { compact?: boolean; serverName?: (id: string) => string } = {}): string {
  if (d.type === 'kubernetes') return compact ? `Kubernetes ${d.context}/${d.namespace}` : `Kubernetes ${d.context}, namespace ${d.namespace}`;
  return `Docker on ${d.server === 'local' ? 'this computer' : serverName(d.server)}`;
}
