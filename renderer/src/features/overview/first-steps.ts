import type { DeployRecord } from '../../../../shared/model/deploy';
import { dockerState, type ProbeResult, type Server } from '../../../../shared/model/server';

/** The three steps the Overview offers on a first start, and whether each is done. */
export interface FirstSteps {
  server: boolean;
  app: boolean;
  deploy: boolean;
}

export function firstSteps(servers: readonly Server[], appCount: number, deploys: readonly Pick<DeployRecord, 'outcome'>[]): FirstSteps {
  return {
    server: servers.some((s) => s.kind === 'ssh'),
    app: appCount > 0,
    deploy: deploys.some((d) => d.outcome === 'succeeded'),
  };
}

export const allDone = (steps: FirstSteps) => steps.server && steps.app && steps.deploy;

/** `base`, else `base-2`, `base-3`…: the first that no name in `taken` has. */
export function uniqueName(base: string, taken: readonly string[]): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Why deploying to this computer cannot work yet, from its probe; null when Docker answers there. */
export function localDockerProblem(probe: ProbeResult): string | null {
  const state = dockerState(probe);
  if (state === 'running') return null;
  if (state === 'not-answering') {
    return `Docker is installed on this computer, but its daemon did not answer: start Docker (Docker Desktop, or the docker service), then check again.${probe.dockerError ? ` Docker said: ${probe.dockerError}` : ''}`;
  }
  return 'Deploying to this computer needs Docker, and it is not installed here. Install Docker Desktop or Docker Engine, start it, then check again. Or add a server that runs Docker.';
}
