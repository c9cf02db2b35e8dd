import { describe, expect, it } from 'vitest';
import type { DeployRecord } from '../../../../shared/model/deploy';
import type { ProbeResult } from '../../../../shared/model/server';
import { ACTIVITY_LIMIT, reduceActivity, runningCount, type ActivityEntry, type ActivityEvent } from './activity-model';

const run = (events: ActivityEvent[], from: ActivityEntry[] = []) => events.reduce(reduceActivity, from);
const connection = (at: number, state: 'connecting' | 'connected' | 'error' | 'idle', error?: string): ActivityEvent => ({ type: 'connection', at, serverId: 'vps-1', serverName: 'VPS 1', state, ...(error ? { error } : {}) });

const probe = (extra: Partial<ProbeResult> = {}): ProbeResult => ({
  os: 'Debian 12', arch: 'x86_64', docker: '27.1.1', compose: { flavor: 'plugin', version: '2.29.1' }, kubectl: null, kubernetes: [], freeDiskBytes: 1e10, probedAt: '2026-12-01T09:00:00Z', ...extra,
});

const record = (outcome: DeployRecord['outcome'], steps: DeployRecord['steps'], extra: Partial<DeployRecord> = {}): DeployRecord => ({
  id: 'r20261201-100000-abcd', kind: 'deploy', app: 'shop', destination: 'vps', server: 'vps-1', by: 'me@here', startedAt: '2026-12-01T10:00:00.000Z', outcome, steps, ...extra,
});
const step = (id: string, status: DeployRecord['steps'][number]['status']) => ({ id, title: `Step ${id}`, status });

describe('reduceActivity', () => {
  it('turns a connection that opens into one entry that ends with the outcome, and says why one failed', () => {
    const ok = run([connection(1000, 'connecting'), connection(1100, 'connecting'), connection(1400, 'connected')]);
    expect(ok).toEqual([
      expect.objectContaining({ kind: 'connect', label: 'Connecting to VPS 1', state: 'succeeded', startedAt: 1000, finishedAt: 1400, outcome: 'Connected.', target: { kind: 'server', serverId: 'vps-1' } }),
    ]);

    const failed = run([connection(2000, 'connecting'), connection(2500, 'error', 'Connection refused by 10.0.0.5:22. Is sshd running there?')]);
    expect(failed[0]).toMatchObject({ state: 'failed', outcome: 'Connection refused by 10.0.0.5:22. Is sshd running there?', finishedAt: 2500 });
  });

  it('ignores a "connected" nobody saw start (the status a test reports at its end)', () => {
    expect(run([connection(1000, 'connected')])).toEqual([]);
  });

  it('keeps only the latest connect, test or check per subject, newest first', () => {
    const entries = run([
      connection(1000, 'connecting'), connection(1100, 'connected'),
      { type: 'test-started', at: 1200, serverId: 'vps-1', serverName: 'VPS 1' },
      { type: 'test-ended', at: 1300, serverId: 'vps-1', probe: probe() },
      connection(2000, 'connecting'), connection(2100, 'error', 'timed out'),
      { type: 'test-started', at: 3000, serverId: 'vps-1', serverName: 'VPS 1' },
      { type: 'test-ended', at: 3100, serverId: 'vps-1', error: 'timed out' },
    ]);
    expect(entries.map((e) => [e.kind, e.state, e.startedAt])).toEqual([['test', 'failed', 3000], ['connect', 'failed', 2000]]);
  });

  it('shows a test\'s own connection as the phase of the test, not as a second entry', () => {
    const started = run([{ type: 'test-started', at: 1, serverId: 'vps-1', serverName: 'VPS 1' }, connection(2, 'connecting')]);
    expect(started).toEqual([expect.objectContaining({ kind: 'test', state: 'running', phase: 'Connecting…' })]);
    const connected = run([connection(3, 'connected')], started);
    expect(connected).toEqual([expect.objectContaining({ kind: 'test', state: 'running', phase: 'Connected, reading what it runs…' })]);
    const failed = run([connection(4, 'error', 'Host key rejected.'), { type: 'test-ended', at: 5, serverId: 'vps-1', error: 'Host key rejected.' }], started);
    expect(failed).toEqual([expect.objectContaining({ kind: 'test', state: 'failed', outcome: 'Host key rejected.' })]);
  });

  it('says what a test found and what to do when Docker is missing or down', () => {
    const end = (p: ProbeResult, serverId = 'vps-1') => run([
      { type: 'test-started', at: 1, serverId, serverName: 'X' },
      { type: 'test-ended', at: 2, serverId, probe: p },
    ])[0]!;
    expect(end(probe())).toMatchObject({ state: 'succeeded', outcome: 'Reached. Docker 27.1.1, Compose 2.29.1.' });
    expect(end(probe()).warning).toBeUndefined();
    expect(end(probe({ docker: null, compose: null }), 'local')).toMatchObject({ state: 'succeeded', warning: true, outcome: 'Reached, but Docker is not installed on this computer: install Docker Engine to deploy on this computer.' });
    expect(end(probe({ docker: null, dockerClient: '20.10.24', dockerError: 'Cannot connect to the Docker daemon' }))).toMatchObject({ warning: true, outcome: "Reached, but Docker's daemon there did not answer: start Docker, then test again. Docker said: Cannot connect to the Docker daemon." });
    expect(end(probe({ compose: null }))).toMatchObject({ warning: true, outcome: expect.stringContaining('install the Docker Compose plugin') });

    const failed = run([{ type: 'test-started', at: 1, serverId: 'vps-1', serverName: 'VPS 1' }, { type: 'test-ended', at: 5, serverId: 'vps-1', error: 'Permission denied (publickey). Check the key file in Edit.' }]);
    expect(failed[0]).toMatchObject({ label: 'Testing VPS 1', state: 'failed', outcome: 'Permission denied (publickey). Check the key file in Edit.', finishedAt: 5 });
  });

  it('follows a deploy step by step, and ends it with its outcome', () => {
    const started = run([{ type: 'deploy', at: 5, record: record('running', [step('a', 'running'), step('b', 'pending'), step('c', 'pending')]) }]);
    expect(started[0]).toMatchObject({ id: 'deploy:r20261201-100000-abcd', label: 'Deploying shop to vps', state: 'running', progress: { done: 0, total: 3 }, phase: 'Step a…', startedAt: Date.parse('2026-12-01T10:00:00.000Z') });
    expect(started[0]!.finishedAt).toBeUndefined();
    expect(runningCount(started)).toBe(1);

    const progressed = run([{ type: 'deploy', at: 6, record: record('running', [step('a', 'done'), step('b', 'running'), step('c', 'pending')]) }], started);
    expect(progressed).toHaveLength(1);
    expect(progressed[0]).toMatchObject({ progress: { done: 1, total: 3 }, phase: 'Step b…' });

    const failed = run([{ type: 'deploy', at: 7, record: record('failed', [step('a', 'done'), step('b', 'failed'), step('c', 'pending')], { failedStep: 'b', error: 'health check failed', finishedAt: '2026-12-01T10:00:42.000Z' }) }], progressed);
    expect(failed[0]).toMatchObject({ state: 'failed', progress: { done: 1, total: 3 }, finishedAt: Date.parse('2026-12-01T10:00:42.000Z'), target: { kind: 'deploy', app: 'shop', destination: 'vps', deployId: 'r20261201-100000-abcd' } });
    expect(failed[0]!.outcome).toBe('In "Step b": health check failed. Open it to read its log; the previous release keeps serving.');
    expect(runningCount(failed)).toBe(0);

    const rollback = run([{ type: 'deploy', at: 8, record: record('cancelled', [], { id: 'r20261201-110000-beef', kind: 'rollback' }) }]);
    expect(rollback[0]).toMatchObject({ label: 'Rolling back shop on vps', state: 'cancelled', finishedAt: 8 });
  });

  it('names an import by the app it made, and fails one whose file has errors', () => {
    const ok = run([{ type: 'import-started', at: 1, importId: '1' }, { type: 'import-ended', at: 2, importId: '1', app: { name: 'shop', services: 3 }, errors: 0, warnings: 0 }]);
    expect(ok[0]).toMatchObject({ label: 'Importing shop', state: 'succeeded', outcome: 'shop: 3 services. Open it from the import dialog and save it.', target: { kind: 'apps' } });
    const bad = run([{ type: 'import-started', at: 1, importId: '2', name: 'api' }, { type: 'import-ended', at: 2, importId: '2', errors: 2, warnings: 0 }]);
    expect(bad[0]).toMatchObject({ label: 'Importing api', state: 'failed', outcome: 'The file has 2 errors: read them in the import dialog, fix the file and import it again.' });
  });

  it('reports a cluster check as reachable or with the reason it is not', () => {
    const reachable = run([{ type: 'check-started', at: 1, context: 'prod' }, { type: 'check-ended', at: 2, context: 'prod', status: { state: 'reachable', context: 'prod', checkedAt: 'x', version: 'v1.32.1', ready: true } }]);
    expect(reachable[0]).toMatchObject({ label: 'Checking cluster prod', state: 'succeeded', outcome: 'Reachable, Kubernetes v1.32.1.' });
    const offline = run([{ type: 'check-started', at: 3, context: 'prod' }, { type: 'check-ended', at: 4, context: 'prod', status: { state: 'offline', context: 'prod', checkedAt: 'x', cause: 'dns', reason: 'prod.example.com does not resolve.' } }], reachable);
    expect(offline).toHaveLength(1);
    expect(offline[0]).toMatchObject({ state: 'failed', outcome: 'Offline: prod.example.com does not resolve.' });
  });

  it(`keeps at most ${ACTIVITY_LIMIT} entries, dropping the oldest finished ones and never running work`, () => {
    const events: ActivityEvent[] = [{ type: 'import-started', at: 0, importId: 'still-running' }];
    for (let i = 1; i <= ACTIVITY_LIMIT + 10; i++) {
      events.push({ type: 'import-started', at: i, importId: String(i) }, { type: 'import-ended', at: i, importId: String(i), app: { name: `a${i}`, services: 1 } });
    }
    const entries = run(events);
    expect(entries).toHaveLength(ACTIVITY_LIMIT);
    expect(entries[0]!.id).toBe(`import:${ACTIVITY_LIMIT + 10}`);
    expect(entries.at(-1)!.id).toBe('import:still-running');
    expect(entries.at(-2)!.id).toBe('import:12');
  });
});
