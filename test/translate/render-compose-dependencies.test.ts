import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { renderApp } from '../../shared/translate/index.js';
import { app, caddy } from './support/apps.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rendered YAML
const composeOf = (r: ReturnType<typeof renderApp>) => load(r.files.find((f) => f.path === 'compose.yaml')!.content) as Obj;

// Issue #9, items 1 and 3: restart and depends_on are what Compose itself runs.
describe('compose restart and depends_on', () => {
  it('keeps restart as given: a one-shot migrate with restart no does not restart forever', () => {
    const compose = composeOf(renderApp(app({
      migrate: { image: 'busybox', command: ['sh', '-c', 'echo done'], restart: 'no', runs: 'once' },
      db: { image: 'postgres:16', restart: 'on-failure' },
    }), caddy));
    expect(compose.services.migrate.restart).toBe('no');
    expect(compose.services.db.restart).toBe('on-failure');
  });

  it('keeps each condition exactly; the short form is service_started even when the dependency has a health check', () => {
    const compose = composeOf(renderApp(app({
      db: { image: 'postgres:16', healthcheck: { command: ['pg_isready'] } },
      migrate: { image: 'busybox', command: ['true'], restart: 'no', runs: 'once' },
      cache: { image: 'redis:7', healthcheck: { command: ['redis-cli', 'ping'] } },
      web: {
        image: 'web:1',
        dependsOn: [
          'cache',
          { service: 'db', condition: 'healthy' },
          { service: 'migrate', condition: 'completed' },
        ],
      },
    }), caddy));
    expect(compose.services.web.depends_on).toEqual({
      cache: { condition: 'service_started' },
      db: { condition: 'service_healthy' },
      migrate: { condition: 'service_completed_successfully' },
    });
  });

  it('keeps required: false and restart: true', () => {
    const compose = composeOf(renderApp(app({
      db: { image: 'postgres:16' },
      web: { image: 'web:1', dependsOn: [{ service: 'db', condition: 'started', required: false, restart: true }] },
    }), caddy));
    expect(compose.services.web.depends_on).toEqual({ db: { condition: 'service_started', required: false, restart: true } });
  });
});
