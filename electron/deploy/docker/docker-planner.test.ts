import { describe, expect, it } from 'vitest';
import { App, DockerDestination } from '../../../shared/model/app.js';
import type { Host } from '../../hosts/host.js';
import { resolveBuilds, type DockerPlanInput } from './docker-planner.js';

const app = App.parse({
  apiVersion: 'berth.dev/v1', kind: 'App', name: 'shop',
  services: { api: { build: { context: './api', target: 'prod', args: { A: '1' }, cacheFrom: ['shop-api:cache'] }, env: { B: { value: '2', scope: 'build' } } } },
});
const host = { label: 'this computer' } as Host;
const input = (extra: Partial<DockerPlanInput>): DockerPlanInput => ({
  app, destination: DockerDestination.parse({ type: 'docker', name: 'vps', server: 's1' }), server: host, secrets: {}, by: 't', berthVersion: 't', releaseId: 'r20261201-100000-abcd',
  localCheckoutDir: () => '/unused', ...extra,
});

describe('builds from a local directory (build.git absent)', () => {
  it("are built on this computer from the app's folder, whatever buildOn says", async () => {
    const builds = await resolveBuilds(input({ local: host, appDir: '/home/me/shop' }), 'server');
    expect(builds).toEqual([{
      service: 'api',
      ref: 'shop-api:local-r20261201-100000-abcd',
      source: { kind: 'local-dir', dir: '/home/me/shop', dockerfile: 'Dockerfile', context: './api', args: { A: '1', B: '2' }, target: 'prod', cacheFrom: ['shop-api:cache'] },
    }]);
  });

  it("are refused with what to do when the app's folder is unknown", async () => {
    await expect(resolveBuilds(input({ local: host }), 'server')).rejects.toThrow(/local directory \.\/api.*not told where that folder is.*build\.git/);
    await expect(resolveBuilds(input({ appDir: '/home/me/shop' }), 'server')).rejects.toThrow(/only this computer has.*build\.git/);
  });
});
