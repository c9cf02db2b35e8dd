import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../shared/model/app.js';
import { skipUnlessAvailable } from '../support/infra.js';
import { dockerServerUnavailableReason, writeWebAppRepo, type DockerServer } from '../support/docker-server.js';
import { createDeployWorld, getThroughProxy, useDockerServer } from './deploy-world.js';

const skip = skipUnlessAvailable('a Docker server in a network namespace', dockerServerUnavailableReason());

const webApp = (repo: string, extra: Record<string, unknown> = {}) => App.parse({
  apiVersion: 'berth.dev/v1', kind: 'App', name: 'blog',
  services: {
    web: {
      build: { git: repo, ref: 'main' },
      command: ['sh', '-c', 'exec httpd -f -p 8080 -h /www'],
      ports: [{ port: 8080, publish: 8088 }],
      routes: [{ domain: 'blog.test', port: 8080, https: false }],
      healthcheck: { http: { path: '/health', port: 8080 }, intervalSeconds: 1, timeoutSeconds: 2, retries: 3 },
      hooks: { preDeploy: ['echo "pre-deploy saw $(cat /www/index.html)"'], postDeploy: ['echo "post-deploy saw $(cat /www/index.html)"'] },
      stopGracePeriodSeconds: 1,
      ...extra,
    },
  },
});

function getPublished(address: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: address, port, path: '/', agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

describe.skipIf(skip)('proxy modes, hooks and pruning', () => {
  const setup = useDockerServer('blog', { world: false });
  let server: DockerServer;
  let repo: string;
  beforeAll(() => {
    [server, repo] = [setup.server(), setup.repo()];
  });

  it('runs pre- and post-deploy hooks in one-off containers of the new release', async () => {
    const world = await createDeployWorld(server, { keepReleases: 2 });
    try {
      await writeWebAppRepo(repo, 'h1');
      const record = await world.deploy(webApp(repo));
      const log = world.logs.get(record.id) ?? '';
      expect(record.outcome, `${record.error}\n${log}`).toBe('succeeded');
      expect(log).toContain('pre-deploy saw h1');
      expect(log).toContain('post-deploy saw h1');
      expect(log.indexOf('pre-deploy saw h1')).toBeLessThan(log.indexOf('==> Switch traffic'));
      expect(log.indexOf('post-deploy saw h1')).toBeGreaterThan(log.indexOf('==> Switch traffic'));
      expect((await getThroughProxy(server.address, 'blog.test')).body).toBe('h1\n');
    } finally {
      await world.dispose();
    }
  }, 240_000);

  it('keeps the newest releases and prunes older ones with the images only they used', async () => {
    const world = await createDeployWorld(server, { keepReleases: 2 });
    try {
      const ids: string[] = [];
      for (const v of ['p1', 'p2', 'p3']) {
        await writeWebAppRepo(repo, v);
        const record = await world.deploy(webApp(repo));
        expect(record.outcome, record.error).toBe('succeeded');
        ids.push(record.id);
      }
      const dirs = (await fs.readdir(path.join(server.home, '.berth/apps/blog/releases'))).sort();
      expect(dirs).not.toContain(ids[0]);
      expect(dirs).toEqual(expect.arrayContaining([ids[1], ids[2]]));
      const images = (await server.docker(['images', 'blog-web', '--format', '{{.Tag}}'])).stdout.trim().split('\n');
      expect(images).toHaveLength(2);
    } finally {
      await world.dispose();
    }
  }, 300_000);

  it('without a proxy publishes ports and stops the previous release first, as the plan warns', async () => {
    const world = await createDeployWorld(server, { proxy: 'none' });
    try {
      await writeWebAppRepo(repo, 'n1');
      const first = await world.deploy(webApp(repo, { routes: [] }));
      expect(first.outcome, first.error).toBe('succeeded');
      expect(await getPublished(server.address, 8088)).toBe('n1\n');
      await writeWebAppRepo(repo, 'n2');
      const { plan } = await world.deploys.plan({ kind: 'deploy', app: webApp(repo, { routes: [] }), destination: world.destination });
      expect(plan.warnings.join('\n')).toContain('brief downtime');
      expect(plan.steps.map((s) => s.id)).toEqual(expect.arrayContaining(['stop-previous', 'start']));
      expect(plan.steps.findIndex((s) => s.id === 'stop-previous')).toBeLessThan(plan.steps.findIndex((s) => s.id === 'start'));
      const second = await world.deploys.wait((await world.deploys.start(plan.releaseId)).id);
      expect(second.outcome, second.error).toBe('succeeded');
      expect(await getPublished(server.address, 8088)).toBe('n2\n');
    } finally {
      await world.dispose();
    }
  }, 300_000);

  it('in traefik mode labels the containers for an existing Traefik on Coolify\'s network (labels only: no Traefik runs here)', async () => {
    const world = await createDeployWorld(server, { proxy: 'traefik' });
    try {
      await writeWebAppRepo(repo, 't1');
      const record = await world.deploy(webApp(repo, { ports: [{ port: 8080 }] }));
      expect(record.outcome, record.error).toBe('succeeded');
      const id = (await server.docker(['ps', '-q', '--filter', `label=com.docker.compose.project=blog-${record.id}`])).stdout.trim();
      const labels = JSON.parse((await server.docker(['inspect', '-f', '{{json .Config.Labels}}', id])).stdout) as Record<string, string>;
      expect(labels['traefik.enable']).toBe('true');
      expect(Object.entries(labels).some(([k, v]) => k.startsWith('traefik.http.routers.') && k.endsWith('.rule') && v.includes('blog.test'))).toBe(true);
      const networks = JSON.parse((await server.docker(['inspect', '-f', '{{json .NetworkSettings.Networks}}', id])).stdout) as Record<string, unknown>;
      expect(Object.keys(networks)).toContain('coolify');
      // Berth's own proxy is neither started nor switched: Traefik finds the containers by their labels.
      expect(record.steps.map((s) => s.id)).not.toContain('proxy');
      expect(record.steps.map((s) => s.id)).not.toContain('switch');
    } finally {
      await world.dispose();
    }
  }, 240_000);
});
