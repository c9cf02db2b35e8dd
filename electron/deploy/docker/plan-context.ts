import type { App, DockerDestination } from '../../../shared/model/app.js';
import { proxyNetwork } from '../../../shared/translate/render/compose/render-compose.js';
import type { ReleaseInfo } from '../../../shared/model/deploy.js';
import type { SplitResult } from '../../../shared/deploy/compose-split.js';
import type { ServerFacts } from './server-facts.js';

/** A destination's deploy settings with their defaults filled in. */
export interface DeploySettings {
  proxy: DockerDestination['proxy'];
  proxyNetwork: string;
  proxyImage: string;
  httpPort: number;
  httpsPort: number;
  tls: 'acme' | 'internal';
  buildOn: 'server' | 'local';
  keepReleases: number;
  drainSeconds: number;
  readinessSeconds: number;
  healthTimeoutSeconds: number;
}

export function deploySettings(destination: DockerDestination): DeploySettings {
  return {
    proxy: destination.proxy,
    // Traefik mode joins Coolify's network; caddy the destination's own (default "berth").
    proxyNetwork: proxyNetwork(destination) ?? destination.network,
    proxyImage: destination.proxyImage ?? 'caddy:2',
    httpPort: destination.httpPort ?? 80,
    httpsPort: destination.httpsPort ?? 443,
    tls: destination.tls ?? 'acme',
    buildOn: destination.buildOn ?? 'server',
    keepReleases: destination.keepReleases ?? 5,
    drainSeconds: destination.drainSeconds ?? 30,
    readinessSeconds: destination.readinessSeconds ?? 7,
    healthTimeoutSeconds: 60,
  };
}

/** An image the release runs, and how it gets onto the server. */
export interface ReleaseImagePlan {
  service: string;
  ref: string;
  source:
    | { kind: 'present' }
    | { kind: 'pull' }
    | ({ kind: 'build'; on: 'server' | 'local'; git: string; ref: string; commit: string; built: boolean; deployKey?: string } & BuildSettings)
    /** A directory of the app's folder on this computer (no git): built here every deploy and sent to the server. */
    | ({ kind: 'local-dir'; dir: string } & BuildSettings);
}

/** How docker build runs, whatever the source. */
export interface BuildSettings {
  /** The Dockerfile, relative to the context (as in compose). */
  dockerfile: string;
  /** Relative to the checkout (git) or the app's folder (local-dir). */
  context: string;
  args: Record<string, string>;
  target?: string;
  cacheFrom?: string[];
}

/** The release's files, relative to its directory, with their real content and what the plan may show. */
export interface ReleaseFile {
  name: string;
  content: string;
  preview: string;
  mode: number;
}

/** Everything a Docker step needs to plan its actions; fixed before the plan is shown. */
export interface DockerPlanContext {
  app: App;
  destination: DockerDestination;
  settings: DeploySettings;
  facts: ServerFacts;
  kind: 'deploy' | 'rollback';
  releaseId: string;
  by: string;
  berthVersion: string;
  split: SplitResult;
  /** The compose project the release's stateless services run as. */
  releaseProject: string;
  releaseDir: string;
  files: ReleaseFile[];
  images: ReleaseImagePlan[];
  previous?: ReleaseInfo;
  /** Hooks from the app definition (a rollback runs none: its migrations already ran). */
  hooks: { service: string; pre: string[]; post: string[] }[];
  /** release.json as first written (state running); the record step rewrites it with the outcome. */
  releaseInfo: ReleaseInfo & { project: string };
  /** Set when the app's lock was left by this installation's own deploy that died (interrupted): it is broken first. */
  ownDeadLock?: string;
  /** Services (stateful ones included) whose containers the health gate waits for. */
  gated: { service: string; project: string; stateful: boolean }[];
}
