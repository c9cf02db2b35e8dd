import { describe, expect, it } from 'vitest';
import { baseCaddyConfig, withRoutes } from './proxy.js';

const route = (dial: string) => ({ '@id': 'berth-app-shop-berth-http', match: [{ host: ['shop.test'] }], handle: [{ handler: 'subroute', routes: [{ dial }] }], terminal: true });
const other = { '@id': 'berth-app-blog-berth-http', match: [{ host: ['blog.test'] }], handle: [], terminal: true };
const routesOf = (config: Record<string, unknown>, server: string) => (config as { apps: { http: { servers: Record<string, { routes: unknown[] }> } } }).apps.http.servers[server]!.routes;

describe("the proxy config an app's switch loads", () => {
  it("adds the app's route object, then replaces it in place, leaving other apps' routes as they are", () => {
    const first = withRoutes(baseCaddyConfig('acme'), 'shop', { 'berth-http': route('shop-web-r1:8080') });
    const withBlog = withRoutes(first, 'blog', { 'berth-http': other });
    const second = withRoutes(withBlog, 'shop', { 'berth-http': route('shop-web-r2:8080') });
    expect(routesOf(second, 'berth-http')).toEqual([route('shop-web-r2:8080'), other]);
    expect(routesOf(first, 'berth-http')).toEqual([route('shop-web-r1:8080')]);
  });

  it("removes the app's route object from a server where it has no routes any more", () => {
    const config = withRoutes(withRoutes(baseCaddyConfig('internal'), 'shop', { 'berth-http': route('a:1') }), 'blog', { 'berth-http': other });
    expect(routesOf(withRoutes(config, 'shop', { 'berth-http': null }), 'berth-http')).toEqual([other]);
    expect((withRoutes(config, 'shop', { 'berth-http': null }) as { admin: unknown }).admin).toEqual({ listen: 'localhost:2019' });
  });
});
