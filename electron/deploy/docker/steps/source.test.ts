import { describe, expect, it } from 'vitest';
import { App, DockerDestination } from '../../../../shared/model/app.js';
import { DockerCli, ServerLayout } from '../docker-cli.js';
import type { DockerPlanContext, ReleaseImagePlan } from '../plan-context.js';
import { sourceStep } from './source.js';
import { uploadStep } from './release.js';

const app = App.parse({ apiVersion: 'berth.dev/v1', kind: 'App', name: 'shop', services: { api: { build: { context: './api', target: 'prod' } } } });

/** Only what these steps read: the server's layout and CLI, the images and files of the plan. */
function context(images: ReleaseImagePlan[], extra: Partial<DockerPlanContext> = {}): DockerPlanContext {
  const facts = { cli: new DockerCli('/var/run/docker.sock', { kind: 'plugin', version: '2.29.1', major: 2 }), layout: new ServerLayout('/home/berth'), buildkit: false };
  return {
    app, destination: DockerDestination.parse({ type: 'docker', name: 'vps', server: 's1' }), facts, images, files: [], releaseDir: '/home/berth/.berth/apps/shop/releases/r1', releaseInfo: {},
    split: { files: [] }, ...extra,
  } as unknown as DockerPlanContext;
}

describe('local-directory builds (build.git absent)', () => {
  it('builds the directory of the app folder on this computer, with its target, args and cache, and streams the image to the server', () => {
    const step = sourceStep(context([{ service: 'api', ref: 'shop-api:local-r1', source: { kind: 'local-dir', dir: '/home/me/shop', dockerfile: 'Dockerfile', context: './api', args: { A: '1' }, target: 'prod', cacheFrom: ['shop-api:cache'] } }]), () => '/unused');
    expect(step.actions).toEqual([
      { kind: 'exec', on: 'local', cancellable: true, argv: ['docker', 'build', '--force-rm', '-t', 'shop-api:local-r1', '-f', '/home/me/shop/api/Dockerfile', '--target', 'prod', '--cache-from', 'shop-api:cache', '--build-arg', 'A=1', '/home/me/shop/api'] },
      { kind: 'pipe', from: ['docker', 'save', 'shop-api:local-r1'], to: expect.arrayContaining(['load']), gzip: true },
    ]);
    expect(step.notes[0]).toContain("from ./api in the app's folder (/home/me/shop) on this computer");
  });
});

describe('uploading a release', () => {
  it('writes binary app files as their bytes, and shows only their size', () => {
    const bytes = Buffer.from([0, 255, 36, 10]);
    const step = uploadStep(context([], { split: { files: [{ path: 'files/abc', content: bytes.toString('base64'), encoding: 'base64', mode: '0644' }] } } as unknown as Partial<DockerPlanContext>));
    const upload = step.actions.find((a) => a.kind === 'upload' && a.path.endsWith('files/abc'));
    expect(upload).toMatchObject({ content: bytes, preview: '(binary, 4 bytes)', mode: 0o644 });
  });
});
