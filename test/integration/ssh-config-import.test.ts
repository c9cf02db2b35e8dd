import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnlessAvailable } from '../support/infra.js';
import { sshdUnavailableReason, startSshd, type SshdHandle } from '../support/sshd.js';
import { createWorld, trust, type World } from './ssh-world.js';

const skip = skipUnlessAvailable('sshd', sshdUnavailableReason());

describe.skipIf(skip)('importing ~/.ssh/config', () => {
  let jump: SshdHandle;
  let target: SshdHandle;
  let world: World;
  let marker: string;

  beforeAll(async () => {
    [jump, target] = await Promise.all([startSshd(), startSshd()]);
    world = await createWorld();
    marker = path.join(world.dir, 'match-exec-ran');
    await fs.mkdir(path.join(world.sshDir, 'conf.d'));
    await fs.writeFile(
      path.join(world.sshDir, 'config'),
      [
        'Include conf.d/*.conf',
        'Host app',
        '  HostName 127.0.0.1',
        `  Port ${target.port}`,
        `  User ${target.user}`,
        `  IdentityFile ${target.clientKeyPath}`,
        '  ProxyJump bastion',
        'Host deep',
        '  HostName 127.0.0.1',
        `  Port ${target.port}`,
        `  IdentityFile ${target.clientKeyPath}`,
        '  ProxyJump app',
        'Host spec-hop',
        '  HostName 127.0.0.1',
        `  Port ${target.port}`,
        `  ProxyJump ${jump.user}@127.0.0.1:${jump.port}`,
        `Match exec "touch ${marker}"`,
        '  User evil',
        'Host *.example.com !skip.example.com',
        '  Port 2222',
        '',
      ].join('\n'),
    );
    await fs.writeFile(
      path.join(world.sshDir, 'conf.d', 'bastion.conf'),
      ['Host bastion', '  HostName 127.0.0.1', `  Port ${jump.port}`, `  User ${jump.user}`, `  IdentityFile ${jump.clientKeyPath}`, ''].join('\n'),
    );
    await fs.writeFile(path.join(world.sshDir, 'conf.d', 'ignored.txt'), 'Host not-included\n');
  });
  afterAll(async () => {
    await world?.dispose();
    await Promise.all([jump?.stop(), target?.stop()]);
  });

  it('lists concrete hosts, following Include and never running Match exec', async () => {
    const candidates = await world.service.scanSshConfig();
    expect(candidates.map((c) => c.alias).sort()).toEqual(['app', 'bastion', 'deep', 'spec-hop']);
    expect(candidates.find((c) => c.alias === 'bastion')).toEqual({
      alias: 'bastion',
      host: '127.0.0.1',
      port: jump.port,
      user: jump.user,
      identityFile: jump.clientKeyPath,
      proxyJump: [],
    });
    expect(candidates.find((c) => c.alias === 'app')?.proxyJump).toEqual(['bastion']);
    expect(candidates.every((c) => c.user !== 'evil')).toBe(true);
    await expect(fs.access(marker)).rejects.toThrow();
  });

  it('imports chosen hosts with their ProxyJump chains as servers and connects through them', async () => {
    const imported = await world.service.importSshConfig(undefined, ['deep', 'spec-hop']);
    const byName = new Map(imported.map((s) => [s.name, s]));
    expect([...byName.keys()].sort()).toEqual(['app', 'bastion', 'deep']);
    const bastion = byName.get('bastion')!;
    const app = byName.get('app')!;
    expect(app.proxyJump).toEqual([bastion.id]);
    // deep jumps through app, which itself jumps through bastion.
    expect(byName.get('deep')!.proxyJump).toEqual([bastion.id, app.id]);
    // spec-hop's user@host:port hop is bastion, so spec-hop is the same server as app: nothing is duplicated.
    expect(imported[1]).toEqual(app);
    expect(bastion.auth).toEqual({ method: 'key', keyPath: jump.clientKeyPath });

    const servers = await world.service.list();
    expect(servers[0]!.id).toBe('local');
    expect(servers.slice(1).map((s) => s.id).sort()).toEqual(imported.map((s) => s.id).sort());

    await trust(world, jump);
    await trust(world, target);
    const result = await (await world.service.host(byName.get('deep')!.id)).exec(['echo', 'three hops']);
    expect(result.stdout).toBe('three hops\n');
    await expect(fs.access(marker)).rejects.toThrow();
  });

  it('refuses to remove a server others jump through', async () => {
    const bastion = (await world.service.list()).find((s) => s.name === 'bastion')!;
    await expect(world.service.remove(bastion.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
