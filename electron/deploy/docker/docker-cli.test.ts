import { describe, expect, it } from 'vitest';
import { DockerCli, parseComposeVersion } from './docker-cli.js';

describe('docker and compose command lines', () => {
  it('parses compose versions from both flavours, including v5', () => {
    expect(parseComposeVersion('2.29.1\n')).toEqual({ version: '2.29.1', major: 2 });
    expect(parseComposeVersion('v2.40.3-desktop.1')).toEqual({ version: '2.40.3-desktop.1', major: 2 });
    expect(parseComposeVersion('1.29.2')).toEqual({ version: '1.29.2', major: 1 });
    expect(parseComposeVersion('5.0.0')).toEqual({ version: '5.0.0', major: 5 });
    expect(parseComposeVersion('not installed')).toBeUndefined();
  });

  it('runs the compose v2+ plugin through docker, with the socket when it is not the default', () => {
    const cli = new DockerCli('/run/user/1000/docker.sock', { kind: 'plugin', version: '2.29.1', major: 2 });
    expect(cli.composeCmd('shop-r1', '/h/.berth/apps/shop/releases/r1/release.yaml', 'up', '-d')).toEqual(
      ['docker', '-H', 'unix:///run/user/1000/docker.sock', 'compose', '-p', 'shop-r1', '-f', '/h/.berth/apps/shop/releases/r1/release.yaml', 'up', '-d']);
    const standard = new DockerCli('/var/run/docker.sock', { kind: 'plugin', version: '5.0.0', major: 5 });
    expect(standard.composeCmd('p', 'f', 'down')).toEqual(['docker', 'compose', '-p', 'p', '-f', 'f', 'down']);
    expect(standard.docker('ps')).toEqual(['docker', 'ps']);
  });

  it('runs legacy compose v1 with --compatibility so replicas and limits apply', () => {
    const cli = new DockerCli('/var/run/docker.sock', { kind: 'standalone', version: '1.29.2', major: 1 });
    expect(cli.composeCmd('p', 'f', 'up', '-d')).toEqual(['docker-compose', '--compatibility', '-p', 'p', '-f', 'f', 'up', '-d']);
  });
});
