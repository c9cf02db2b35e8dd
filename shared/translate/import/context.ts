import type { z } from 'zod';
import type { EnvValue, Service } from '../../model/app.js';
import type { DiagnosticSink, Origin } from './diagnostics.js';
import type { Lookup } from './interpolate.js';
import type { SecretCollector } from './secrets.js';

export type ServiceInput = z.input<typeof Service>;
export type EnvInput = z.input<typeof EnvValue>;

/** A service being filled in: the lists every step appends to are always there. */
export type DraftService = ServiceInput & {
  env: Record<string, EnvInput>;
  mounts: NonNullable<ServiceInput['mounts']>;
  files: NonNullable<ServiceInput['files']>;
};

/** Reads files beside the compose file (paths as written there, relative to it). */
export interface FileLoaders {
  loadFile?: ((path: string) => string | undefined) | undefined;
  /** Raw bytes, for files that may not be text (certificates, images); falls back to loadFile. */
  loadBytes?: ((path: string) => Uint8Array | undefined) | undefined;
  /** Entries of a directory, subdirectories with a trailing `/`; undefined when it is not a readable directory. */
  listDir?: ((path: string) => string[] | undefined) | undefined;
}

/** What the app network needs for fixed addresses, collected from the services. */
export interface NetworkSettings {
  subnet?: string;
  ipv6Subnet?: string;
}

export interface ServiceContext {
  sink: DiagnosticSink;
  origin: Origin;
  /** Normalised name of this service. */
  name: string;
  /** Original compose name → normalised name, for the services that are imported. */
  serviceNames: ReadonlyMap<string, string>;
  /** Normalises a named volume and declares it at the top level. */
  useVolume(source: string, origin: Origin): string;
  dotenv: Readonly<Record<string, string>>;
  /** The interpolation lookup: `.env` values, with secret variables as markers. */
  lookup: Lookup;
  files: FileLoaders;
  topSecrets: Record<string, unknown>;
  topConfigs: Record<string, unknown>;
  topNetworks: Record<string, unknown>;
  network: NetworkSettings;
  secrets: SecretCollector;
  /** Interpolates text read from files the compose file points at (env_file). */
  interpolate(text: string, origin: Origin): string;
}

export const fieldOf = (ctx: ServiceContext, f: string): string => `services.${ctx.name}.${f}`;
