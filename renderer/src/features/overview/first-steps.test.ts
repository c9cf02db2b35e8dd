import { describe, expect, it } from 'vitest';
import type { ProbeResult, Server } from '../../../../shared/model/server';
import { allDone, firstSteps, localDockerProblem, uniqueName } from './first-steps';

const local: Server = { kind: 'local', id: 'local', name: 'This computer' };
const vps: Server = { kind: 'ssh', id: 'vps', name: 'vps', host: '10.0.0.5', port: 22, user: 'deploy', auth: { method: 'agent' }, proxyJump: [] };
const probe = (extra: Partial<ProbeResult>): ProbeResult => ({ os: 'Debian 12', arch: 'x86_64', docker: null, compose: null, kubectl: null, kubernetes: [], freeDiskBytes: null, probedAt: 'x', ...extra });

describe('firstSteps', () => {
  it('counts This computer as no server, any app as an app, and only a deploy that succeeded', () => {
    expect(firstSteps([local], 0, [{ outcome: 'failed' }, { outcome: 'running' }])).toEqual({ server: false, app: false, deploy: false });
    const done = firstSteps([local, vps], 1, [{ outcome: 'failed' }, { outcome: 'succeeded' }]);
    expect(done).toEqual({ server: true, app: true, deploy: true });
    expect(allDone(done)).toBe(true);
    expect(allDone({ ...done, deploy: false })).toBe(false);
  });
});

describe('uniqueName', () => {
  it('keeps a free name and numbers a taken one', () => {
    expect(uniqueName('hello-berth', ['shop'])).toBe('hello-berth');
    expect(uniqueName('hello-berth', ['hello-berth', 'hello-berth-2'])).toBe('hello-berth-3');
  });
});

describe('localDockerProblem', () => {
  it('is nothing when the daemon answers, and says what to do when it is missing or down', () => {
    expect(localDockerProblem(probe({ docker: '27.1.1' }))).toBeNull();
    expect(localDockerProblem(probe({}))).toMatch(/needs Docker, and it is not installed here\. Install Docker Desktop or Docker Engine/);
    expect(localDockerProblem(probe({ dockerClient: '20.10.24', dockerError: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock' })))
      .toBe('Docker is installed on this computer, but its daemon did not answer: start Docker (Docker Desktop, or the docker service), then check again. Docker said: Cannot connect to the Docker daemon at unix:///var/run/docker.sock');
  });
});
