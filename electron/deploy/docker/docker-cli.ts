import { DEFAULT_DOCKER_SOCKET } from './docker-api.js';

export interface ComposeFlavour {
  /** v2+ is the `docker compose` plugin; v1 the legacy `docker-compose` binary. */
  kind: 'plugin' | 'standalone';
  version: string;
  major: number;
}

/**
 * Command lines for the docker and compose CLIs on one server, as argument
 * lists. Everything that changes the server goes through these, so the plan
 * can show each command exactly as it will run.
 */
export class DockerCli {
  constructor(
    readonly socket: string,
    readonly compose: ComposeFlavour,
  ) {}

  private get hostFlag(): string[] {
    return this.socket === DEFAULT_DOCKER_SOCKET ? [] : ['-H', `unix://${this.socket}`];
  }

  docker(...args: string[]): string[] {
    return ['docker', ...this.hostFlag, ...args];
  }

  /** `compose -p PROJECT -f FILE ARGS…`; v1 gets --compatibility so deploy.replicas and resources apply. */
  composeCmd(project: string, file: string, ...args: string[]): string[] {
    const base = this.compose.kind === 'plugin' ? ['docker', ...this.hostFlag, 'compose'] : ['docker-compose', ...this.hostFlag, '--compatibility'];
    return [...base, '-p', project, '-f', file, ...args];
  }
}

/** Parses `docker compose version --short` / `docker-compose version --short` output: 2.29.1, v2.29.1, 1.29.2, 5.0.0. */
export function parseComposeVersion(text: string): { version: string; major: number } | undefined {
  const match = text.trim().match(/v?(\d+)\.(\d+)(?:\.(\d+))?[^\s]*/);
  if (!match) return undefined;
  return { version: match[0].replace(/^v/, ''), major: Number(match[1]) };
}

/** Where Berth keeps an app on a server; every path is absolute (home resolved once). */
export class ServerLayout {
  constructor(readonly home: string) {}

  get root() {
    return `${this.home}/.berth`;
  }
  appDir(app: string) {
    return `${this.root}/apps/${app}`;
  }
  releasesDir(app: string) {
    return `${this.appDir(app)}/releases`;
  }
  releaseDir(app: string, id: string) {
    return `${this.releasesDir(app)}/${id}`;
  }
  lockDir(app: string) {
    return `${this.appDir(app)}/lock`;
  }
  srcDir(app: string, key: string) {
    return `${this.appDir(app)}/src/${key}`;
  }
  get proxyDir() {
    return `${this.root}/proxy`;
  }
}
