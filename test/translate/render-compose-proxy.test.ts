import { describe, expect, it } from 'vitest';
import { DockerDestination } from '../../shared/model/app.js';
import { renderApp } from '../../shared/translate/index.js';
import { app, caddy, noProxy, traefik } from './support/apps.js';

// Issue #9: an app's own Traefik or Caddy on 80/443 beside Berth's proxy.
describe("an app's own reverse proxy next to Berth's", () => {
  const own = app({
    traefik: { image: 'traefik:v3.1', ports: [{ port: 80, publish: 80 }, { port: 443, publish: 443 }, { port: 8080 }] },
    whoami: { image: 'traefik/whoami', ports: [{ port: 80 }] },
  });

  it("is an error naming the service and what to do, on Berth's Caddy and on Coolify's Traefik", () => {
    for (const destination of [caddy, traefik]) {
      const found = renderApp(own, destination).diagnostics.filter((d) => d.code === 'APP_PROXY_CONFLICTS_WITH_BERTH_PROXY');
      expect(found.map((d) => [d.severity, d.field])).toEqual([['error', 'services.traefik.ports[0].publish'], ['error', 'services.traefik.ports[1].publish']]);
      expect(found[0]!.message).toMatch(/traefik is the app's own reverse proxy \(traefik:v3.1\).*Berth routes/);
    }
  });

  it('is fine without a proxy on the destination', () => {
    expect(renderApp(own, noProxy).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it("follows the destination's proxy ports; any other service on them is reported too", () => {
    const moved = DockerDestination.parse({ type: 'docker', name: 'alt', server: 'local', httpPort: 8000, httpsPort: 8443 });
    expect(renderApp(own, moved).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const web = renderApp(app({ web: { image: 'nginx', ports: [{ port: 80, publish: 8000 }] } }), moved).diagnostics.find((d) => d.code === 'HOST_PORT_TAKEN_BY_PROXY');
    expect(web).toMatchObject({ severity: 'error', field: 'services.web.ports[0].publish' });
  });
});
