import type { App, Destination } from '../../shared/model/app.js';
import type { ContainerStatus, DeployPlanView, LockInfo, ReleaseInfo } from '../../shared/model/deploy.js';
import type { Host } from '../hosts/host.js';
import type { Step } from './engine/step.js';

/** What the deploy service asks of every kind of destination; the engine, records and log are shared. */
export interface DeployTarget<D extends Destination = Destination> {
  plan(request: TargetPlanRequest<D>): Promise<TargetPlan>;
  releases(appName: string, destination: D): Promise<{ releases: ReleaseInfo[]; lock: LockInfo | null }>;
  unlock(appName: string, destination: D, force: boolean): Promise<{ removed: LockInfo | null }>;
  status(appName: string, destination: D): Promise<ContainerStatus[]>;
  logs(appName: string, destination: D, options: LogOptions, write: (text: string) => void): Promise<void>;
}

export interface LogOptions {
  service?: string;
  tail: number;
  follow: boolean;
  signal?: AbortSignal;
}

export interface TargetPlanRequest<D extends Destination> {
  kind: 'deploy' | 'rollback';
  app?: App;
  appName: string;
  destination: D;
  to?: string;
  buildOn?: 'server' | 'local';
  force?: boolean;
  /** The folder local build contexts are relative to (the app file's folder). */
  appDir?: string;
  /** Secret values by name (deploy: every one the app needs). */
  secrets: Record<string, string>;
  releaseId: string;
  by: string;
  berthVersion: string;
  isOwnDeadDeploy(releaseId: string): Promise<boolean>;
}

export interface TargetPlan {
  view: DeployPlanView;
  steps: Step[];
  /** The server the steps run on, when they run on one. */
  server?: Host;
  /** The app's definition as this plan deploys it (a rollback's restored one), for the records. */
  app?: App;
  heartbeat?(): Promise<unknown>;
  reachable?(): Promise<boolean>;
  /** Records on the destination that a deploy that did not commit ended so. */
  markFailed(state: 'failed' | 'cancelled', error: string): Promise<void>;
}
