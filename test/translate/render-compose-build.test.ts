import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { renderApp } from '../../shared/translate/index.js';
import { app, caddy } from './support/apps.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rendered YAML
const composeOf = (r: ReturnType<typeof renderApp>) => load(r.files.find((f) => f.path === 'compose.yaml')!.content) as Obj;

// Issue #9, item 9: local builds rendered as `.#main`, and target/args/cache_from dropped.
describe('compose build sections', () => {
  it('renders a local build (no git) as a directory relative to the app folder, never .#main', () => {
    const compose = composeOf(renderApp(app({
      web: { build: { context: '.' } },
      api: { build: { context: './api', dockerfile: 'Dockerfile.prod' } },
      bare: { build: { context: 'worker/' } },
    }), caddy));
    expect(compose.services.web.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    expect(compose.services.api.build).toEqual({ context: './api', dockerfile: 'Dockerfile.prod' });
    expect(compose.services.bare.build.context).toBe('./worker');
  });

  it('keeps target, args (build.args plus build-scope env) and cache_from', () => {
    const result = renderApp(app({
      api: {
        build: { context: './api', target: 'prod', args: { NODE_ENV: 'production', VERSION: '1' }, cacheFrom: ['ghcr.io/acme/api:cache'] },
        env: { VERSION: { value: '2', scope: 'build' }, RUNTIME_ONLY: 'x' },
      },
    }), caddy);
    const build = composeOf(result).services.api.build;
    expect(build).toEqual({ context: './api', dockerfile: 'Dockerfile', target: 'prod', args: { NODE_ENV: 'production', VERSION: '2' }, cache_from: ['ghcr.io/acme/api:cache'] });
    expect(result.diagnostics.filter((d) => d.code.startsWith('COMPOSE_'))).toEqual([]);
  });

  it('keeps git builds as <url>#<ref>:<dir>', () => {
    const compose = composeOf(renderApp(app({
      web: { build: { git: 'https://github.com/acme/shop.git', ref: 'v2', context: './web' } },
      root: { build: { git: 'https://github.com/acme/shop.git' } },
    }), caddy));
    expect(compose.services.web.build.context).toBe('https://github.com/acme/shop.git#v2:web');
    expect(compose.services.root.build.context).toBe('https://github.com/acme/shop.git#main');
  });
});
