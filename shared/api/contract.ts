import { z } from 'zod';
import { Server, ServerInput, ServerStatus, SshConfigCandidate, ServerId } from '../model/server.js';
import { App, Destination } from '../model/app.js';
import { Diagnostic } from '../model/diagnostic.js';
import { ContainerStatus, DeployPlanView, DeployRecord, LockInfo, ReleaseInfo } from '../model/deploy.js';
import { ClusterList, ClusterStatus, KubeContextName, NamespaceList } from '../model/cluster.js';
import { ForwardableService, KubeObjectName, PortForwardInfo, PortNumber } from '../model/port-forward.js';

/**
 * The whole API between the UI and the core, declared once. Electron IPC and
 * the web host's WebSocket both carry exactly these calls and events, and the
 * core validates every input against these schemas before acting on it.
 */

const none = z.object({}).strict();
const TerminalId = z.string().min(1).max(64);
const terminalSize = { cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(1000) };
/**
 * Docker's rule for container names, or Kubernetes' `<pod>/<container>` (one slash, each part starting with a letter or
 * digit); never an option (no leading dash), never a path beyond that one slash.
 */
const ContainerName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,253}(\/[A-Za-z0-9][A-Za-z0-9_.-]{0,62})?$/, 'a container name such as shop-web-1, or pod/container');

export const RenderTarget = z.enum(['compose', 'kubernetes']);
export type RenderTarget = z.infer<typeof RenderTarget>;

export const RenderedFile = z.object({
  /** Stable id used by the UI tabs, e.g. compose.yaml, .env, caddy.json, manifests.yaml */
  path: z.string(),
  language: z.enum(['yaml', 'json', 'dotenv', 'text']),
  content: z.string(),
  /** base64: content is the base64 text of a binary file (an app file with encoding base64); write the decoded bytes. */
  encoding: z.literal('base64').optional(),
  /** Whether edits to this file are kept as overrides (the main output is; the env file is not). */
  editable: z.boolean(),
});
export type RenderedFile = z.infer<typeof RenderedFile>;

export const OverrideStatus = z.object({
  kind: z.string(),
  name: z.string(),
  target: RenderTarget,
  /** False when the object the patch was made for no longer exists in the render. */
  applied: z.boolean(),
});

export const RenderResult = z.object({
  target: RenderTarget,
  files: z.array(RenderedFile),
  diagnostics: z.array(Diagnostic),
  overrides: z.array(OverrideStatus),
});
export type RenderResult = z.infer<typeof RenderResult>;

export const AppSummary = z.object({
  name: z.string(),
  services: z.number().int(),
  updatedAt: z.string(),
  /** Set when the app's file cannot be read: names the file and what to do. The other apps are listed as usual. */
  error: z.string().optional(),
});
export type AppSummary = z.infer<typeof AppSummary>;

const method = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });

export const TerminalState = z.enum(['connecting', 'open', 'disconnected', 'exited']);
export const TerminalInfo = z.object({ terminalId: TerminalId, serverId: z.string(), title: z.string(), state: TerminalState, message: z.string().optional() });
export type TerminalInfo = z.infer<typeof TerminalInfo>;

export const methods = {
  'system.info': method(none, z.object({
    version: z.string(),
    dataDir: z.string(),
    host: z.enum(['electron', 'web']),
    /** Whether passwords and passphrases can be remembered here, and if not, why. */
    secretStorage: z.object({ persistent: z.boolean(), reason: z.string().optional() }),
  })),

  'servers.list': method(none, z.array(Server)),
  'servers.add': method(ServerInput, Server),
  'servers.update': method(z.object({ id: ServerId, server: ServerInput }), Server),
  'servers.remove': method(z.object({ id: ServerId }), z.object({})),
  /** Connect (asking about the host key if needed) and probe what the server runs. */
  'servers.test': method(z.object({ id: z.string() }), ServerStatus),
  'servers.statuses': method(none, z.array(ServerStatus)),
  'servers.sshConfig.scan': method(z.object({ path: z.string().optional() }), z.array(SshConfigCandidate)),
  'servers.sshConfig.import': method(z.object({ path: z.string().optional(), aliases: z.array(z.string()).min(1) }), z.array(Server)),

  /** Answers a `prompt` event: host key decisions and passwords/passphrases. */
  'prompts.answer': method(z.object({
    promptId: z.string(),
    accept: z.boolean(),
    secret: z.string().optional(),
    remember: z.boolean().optional(),
  }), z.object({})),

  'terminals.open': method(z.object({ serverId: z.string(), cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(1000) }),
    z.object({ terminalId: TerminalId, title: z.string() })),
  'terminals.write': method(z.object({ terminalId: TerminalId, data: z.string().max(1 << 20) }), z.object({})),
  'terminals.resize': method(z.object({ terminalId: TerminalId, cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(1000) }), z.object({})),
  /** Flow control: the UI reports how many bytes of 'terminal.data' it has written to the screen. */
  'terminals.ack': method(z.object({ terminalId: TerminalId, bytes: z.number().int().min(0) }), z.object({})),
  'terminals.reconnect': method(z.object({ terminalId: TerminalId }), z.object({})),
  'terminals.close': method(z.object({ terminalId: TerminalId }), z.object({})),
  /** The terminals still running in this Berth (a reloaded UI restores the tabs it had among them). */
  'terminals.list': method(none, z.array(TerminalInfo)),
  /**
   * Attaches the calling UI to a running terminal: its recent output (at most 256 KiB, base64 of the raw bytes since
   * results travel as JSON) to replay, after which
   * 'terminal.data' events continue exactly where the scrollback ends. The replay counts as unacknowledged
   * output like any frame, so the UI acks it as it draws it. A terminal nobody is attached to ends after
   * BERTH_TERMINAL_DETACHED_TIMEOUT seconds (600 by default).
   */
  'terminals.attach': method(z.object({ terminalId: TerminalId }), TerminalInfo.extend({ scrollback: z.base64() })),

  'apps.list': method(none, z.array(AppSummary)),
  'apps.get': method(z.object({ name: z.string() }), App),
  /**
   * Opening an app in the editor: the stored app and, for the destination the editor has picked, its masked render,
   * in one round trip (the form and the preview then show together). `render` is null without a destination, or when
   * the app cannot be rendered there: the editor then asks 'apps.render', whose error says why.
   */
  'apps.open': method(z.object({ name: z.string(), destination: Destination.nullable() }), z.object({ app: App, render: RenderResult.nullable() })),
  /**
   * `original` says what the save is: null creates the app (refused when the name is taken), a name saves that app
   * (renaming it, with its secrets, when app.name differs; refused when the new name is taken). Without it the app is
   * saved under its name, created or replaced.
   */
  'apps.save': method(z.object({ app: App, original: z.string().nullable().optional() }), AppSummary),
  /** A copy of a saved app under a new name, with its secrets' values; refused when the name is taken. */
  'apps.duplicate': method(z.object({ name: z.string(), as: App.shape.name }), AppSummary),
  'apps.remove': method(z.object({ name: z.string() }), z.object({})),
  /** Render an app (possibly unsaved) for a destination. Secrets stay masked unless revealSecrets. */
  'apps.render': method(z.object({ app: App, destination: Destination, revealSecrets: z.boolean().default(false) }), RenderResult),
  /**
   * Which of an app's secrets have a value in the secret store: their names only, never a value, so the form can show
   * "stored" after a reload.
   */
  'apps.secretStatus': method(z.object({ app: App.shape.name }), z.object({ stored: z.array(z.string()) })),
  /**
   * Take an edit of the rendered main file into the app: what the definition models changes the definition, the rest
   * becomes overrides; bad YAML comes back as diagnostics with a line.
   */
  'apps.applyEdit': method(z.object({ app: App, destination: Destination, path: z.string(), content: z.string() }),
    z.object({ app: App, diagnostics: z.array(Diagnostic) })),
  /** The render last deployed to this destination, for the diff view; null when never deployed. */
  'apps.lastDeployed': method(z.object({ name: z.string(), destination: z.string() }), z.object({ files: z.array(RenderedFile), deployedAt: z.string() }).nullable()),
  /** `overrideFiles` are merged over the compose file in order, as compose merges compose.override.yaml or `-f` files. */
  'apps.importCompose': method(z.object({ content: z.string(), name: z.string().optional(), envFile: z.string().optional(),
    overrideFiles: z.array(z.object({ name: z.string().max(255), content: z.string() })).max(8).optional() }),
    z.object({ app: App.nullable(), diagnostics: z.array(Diagnostic) })),
  'apps.schema': method(none, z.object({ berth: z.unknown(), compose: z.unknown(), kubernetes: z.unknown() })),

  /** Stores an app secret's value, typed by the user; there is deliberately no call that reads one back. */
  'secrets.set': method(z.object({ key: z.string().regex(/^app\/[^\s]{1,200}$/, 'an app secret key (app/<app>/<NAME>)'), value: z.string().max(65536) }), z.object({})),

  'destinations.list': method(none, z.array(Destination)),
  /**
   * Creates a destination; with `original`, changes that one (a rename when the name differs). Creating never replaces
   * one: a name in use (any case) is CONFLICT naming it. A Kubernetes destination's context must be one that
   * clusters.list offers; otherwise NOT_FOUND names the ones there are.
   */
  'destinations.save': method(z.object({ destination: Destination, original: z.string().min(1).optional() }), Destination),
  'destinations.remove': method(z.object({ name: z.string() }), z.object({})),

  /** Kubernetes contexts from the user's kubeconfig (as kubectl merges $KUBECONFIG), with the files read and what could not be. */
  'clusters.list': method(none, ClusterList),
  /** /version and /readyz of the context's API server, bounded by a timeout: reachable, unauthorised or offline with the reason. */
  'clusters.check': method(z.object({ context: KubeContextName }), ClusterStatus),
  /** The context's namespaces; when they cannot be listed, its own namespace and default, with the reason. */
  'clusters.namespaces': method(z.object({ context: KubeContextName }), NamespaceList),
  /** Reads a k3s/k0s/microk8s cluster's admin kubeconfig from a server over SSH; its API is then reached through an SSH tunnel. */
  'clusters.addFromServer': method(z.object({ server: z.string().min(1) }), z.object({ context: z.string(), distribution: z.string(), reachable: z.boolean(), message: z.string() })),
  'clusters.removeStored': method(z.object({ context: KubeContextName }), z.object({})),

  /**
   * Deploys. A plan reads the destination and changes nothing; starting it runs
   * exactly that plan. Progress arrives as deploy.record and deploy.log events.
   */
  'deploys.plan': method(z.object({
    kind: z.enum(['deploy', 'rollback']).default('deploy'),
    app: z.string(),
    destination: z.string(),
    /** Rollback target; default: the newest kept release before the serving one. */
    to: z.string().optional(),
    /** Kubernetes: take over fields another field manager owns. */
    force: z.boolean().optional(),
  }), z.object({ planId: z.string(), plan: DeployPlanView })),
  'deploys.start': method(z.object({ planId: z.string() }), DeployRecord),
  'deploys.cancel': method(z.object({ deployId: z.string() }), z.object({})),
  /** This installation's deploy records, newest first (running ones included). */
  'deploys.list': method(z.object({ app: z.string().optional() }), z.array(DeployRecord)),
  /** A deploy's log so far (the live part then arrives as deploy.log events). */
  'deploys.log': method(z.object({ deployId: z.string() }), z.object({ text: z.string() })),
  /** The releases kept on the destination's server and its lock, newest first. */
  'releases.list': method(z.object({ app: z.string(), destination: z.string() }), z.object({ releases: z.array(ReleaseInfo), lock: LockInfo.nullable() })),
  /** Breaks a stale lock (a live one only with force). */
  'releases.unlock': method(z.object({ app: z.string(), destination: z.string(), force: z.boolean().default(false) }), z.object({ removed: LockInfo.nullable() })),
  'apps.status': method(z.object({ app: z.string(), destination: z.string() }), z.array(ContainerStatus)),
  /**
   * The app's container logs in a terminal (same ids and events as terminals.open): the last 200 lines of each
   * running container, then followed, each line prefixed with its service; one service, or all.
   */
  'containers.logs': method(z.object({ app: z.string(), destination: z.string(), service: z.string().min(1).optional(), ...terminalSize }),
    z.object({ terminalId: TerminalId, title: z.string() })),
  /** A shell (sh) in one of the app's containers, in a terminal with a PTY; refused for a container of another app. */
  'containers.shell': method(z.object({ app: z.string(), destination: z.string(), container: ContainerName, ...terminalSize }),
    z.object({ terminalId: TerminalId, title: z.string() })),
  /** Restarts one of the app's containers (docker restart; on Kubernetes, deletes the pod so that its controller starts a new one); refused for a container of another app. */
  'containers.restart': method(z.object({ app: z.string(), destination: z.string(), container: ContainerName }), z.object({})),

  /**
   * Kubernetes port-forwards: a local port on 127.0.0.1 to a port of one of the app's Services (a ready pod behind it,
   * the Service port's targetPort) or pods; each connection is its own stream. They live as long as this Berth process.
   */
  'portForwards.start': method(z.object({
    app: z.string(),
    destination: z.string(),
    service: KubeObjectName.optional(),
    pod: KubeObjectName.optional(),
    /** The Service's port, or the pod's container port. */
    port: PortNumber,
    /** Default: a free port. */
    localPort: PortNumber.optional(),
  }).refine((v) => !!v.service !== !!v.pod, 'give a service or a pod, not both'), PortForwardInfo),
  'portForwards.list': method(none, z.array(PortForwardInfo)),
  'portForwards.stop': method(z.object({ id: z.string() }), z.object({})),
  /** The app's Services on a Kubernetes destination with their TCP ports, for "Forward…". */
  'portForwards.services': method(z.object({ app: z.string(), destination: z.string() }), z.array(ForwardableService)),

  /** Opens http(s) links in the user's browser; anything else is refused. */
  'shell.openExternal': method(z.object({ url: z.string().url() }), z.object({})),
} as const;

export const HostKeyPrompt = z.object({
  promptId: z.string(),
  kind: z.literal('hostKey'),
  serverId: z.string(),
  host: z.string(),
  port: z.number(),
  keyType: z.string(),
  fingerprint: z.string(),
});
export const SecretPrompt = z.object({
  promptId: z.string(),
  kind: z.enum(['password', 'passphrase']),
  serverId: z.string(),
  /** What is asked for, e.g. "Password for deploy@example.com" or "Passphrase for ~/.ssh/id_ed25519". */
  label: z.string(),
  /** Whether the answer can be remembered on this host (see system.info secretStorage). */
  canRemember: z.boolean(),
});
export const Prompt = z.discriminatedUnion('kind', [HostKeyPrompt, SecretPrompt]);
export type Prompt = z.infer<typeof Prompt>;


export const events = {
  /** Shell output as raw UTF-8 bytes; a frame may end inside a multibyte character, the next one carries the rest. */
  'terminal.data': z.object({ terminalId: TerminalId, data: z.instanceof(Uint8Array) }),
  'terminal.status': z.object({ terminalId: TerminalId, state: TerminalState, message: z.string().optional(), exitCode: z.number().nullable().optional() }),
  'server.status': ServerStatus,
  'prompt': Prompt,
  /** A deploy's record changed (a step started or ended, or the deploy finished). */
  'deploy.record': DeployRecord,
  /** Redacted log output of a running deploy, as terminal text (CRLF line ends, ANSI colours). */
  'deploy.log': z.object({ deployId: z.string(), data: z.string() }),
  /** A source of Kubernetes contexts changed (a kubeconfig file was edited); the UI lists them again. */
  'clusters.changed': z.object({ source: z.string() }),
  /** The port-forwards changed (started, stopped, a connection opened or closed, one failed): all of them. */
  'portForwards.changed': z.object({ forwards: z.array(PortForwardInfo) }),
  /** A prompt was answered elsewhere or timed out; the UI closes it. */
  'prompt.closed': z.object({ promptId: z.string() }),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const isMethodName = (s: unknown): s is MethodName => typeof s === 'string' && Object.hasOwn(methods, s);
export const isEventName = (s: unknown): s is EventName => typeof s === 'string' && Object.hasOwn(events, s);
