import fs from 'node:fs/promises';
import { describe, expect, it, onTestFinished, type TestContext } from 'vitest';
import { skipUnlessAvailable } from '../support/infra.js';
import { ensurePasswordUser, sshdUnavailableReason, startSshd } from '../support/sshd.js';
import { countInLog, createWorld, trust } from './ssh-world.js';

const skip = skipUnlessAvailable('sshd', sshdUnavailableReason());

// Deploy steps decide on exit codes, so not one may be lost, however many
// commands share the connection and however fast they end.
describe.skipIf(skip)('exit status on a shared connection', () => {
  it('gets every status right for 5,000 commands, 16 at a time, on one connection', async (ctx: TestContext) => {
    // An account whose login shell is dash with no rc files: a command ends within a
    // millisecond, so its exit status often arrives in the same read as the channel's
    // confirmation (root's bash here sources a slow .bashrc and hides the race).
    const account = await ensurePasswordUser();
    if (!account) return ctx.skip('creating a test account with a fast login shell needs root');
    const sshd = await startSshd({ extraConfig: ['PasswordAuthentication yes'] });
    onTestFinished(() => sshd.stop());
    const world = await createWorld();
    onTestFinished(() => world.dispose());
    await trust(world, sshd);
    world.prompter.answer = () => ({ accept: true, secret: account.password, remember: true });
    const server = await world.service.add({ name: 'fast', host: sshd.host, port: sshd.port, user: account.user, auth: { method: 'password' }, proxyJump: [] });
    const host = await world.service.host(server.id);

    const total = 5000;
    const wrong: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < total) {
        const i = next++;
        const expected = i % 7;
        const result = await host.exec(expected === 0 ? ['true'] : ['sh', '-c', `exit ${expected}`]);
        if (result.exitCode !== expected) wrong.push(`#${i}: expected ${expected}, got ${String(result.exitCode)}`);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(wrong.length, wrong.slice(0, 10).join('\n')).toBe(0);
    expect(countInLog(await fs.readFile(sshd.logPath, 'utf8'), /Accepted password/)).toBe(1);
  }, 300_000);
});
