import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../shared/deploy/redact.js';
import type { StepStatus } from '../../../shared/model/deploy.js';
import { LocalHost } from '../../local/local-host.js';
import { DeployLog } from './deploy-log.js';
import { runSteps } from './runner.js';
import { check, exec, viewStep, type Step } from './step.js';

// The runner against this computer as the "server": real processes, real exit codes.
async function harness(steps: Step[], options: { abortAfterMs?: number } = {}) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-runner-'));
  let pushed = '';
  const log = new DeployLog(path.join(dir, 'deploy.log'), createRedactor(['s3cret-value']), (text) => (pushed += text));
  const statuses: Array<[string, StepStatus]> = [];
  const abort = new AbortController();
  if (options.abortAfterMs) setTimeout(() => abort.abort(), options.abortAfterMs);
  const outcome = await runSteps(steps, { server: new LocalHost(), log, signal: abort.signal, onStep: (i, s) => statuses.push([steps[i]!.id, s]) });
  await log.close();
  const file = await fs.readFile(path.join(dir, 'deploy.log'), 'utf8');
  await fs.rm(dir, { recursive: true, force: true });
  return { outcome, statuses, pushed, file };
}

const step = (id: string, actions: Step['actions'], extra: Partial<Step> = {}): Step => ({ id, title: id, notes: [], actions, undo: [], ...extra });

describe('the deploy runner', () => {
  it('runs exactly the planned commands, in order, and logs each as the plan shows it', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-order-'));
    const trace = path.join(dir, 'trace');
    const steps = [
      step('one', [exec(['sh', '-c', 'echo one >> "$1"', 'sh', trace])]),
      step('two', [exec(['sh', '-c', 'echo two >> "$1"', 'sh', trace]), exec(['sh', '-c', 'echo "three s3cret-value" >> "$1"; echo printed s3cret-value', 'sh', trace])]),
    ];
    const { outcome, statuses, pushed } = await harness(steps);
    expect(outcome).toEqual({ ok: true });
    expect(await fs.readFile(trace, 'utf8')).toBe('one\ntwo\nthree s3cret-value\n');
    for (const s of steps) for (const a of viewStep(s).actions) if (a.kind === 'exec') expect(pushed).toContain(createRedactor(['s3cret-value'])(a.display));
    expect(pushed).toContain('printed ***');
    expect(pushed).not.toContain('s3cret-value');
    expect(statuses).toEqual([['one', 'running'], ['one', 'done'], ['two', 'running'], ['two', 'done']]);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('on a failed command: later steps are skipped, undo runs newest first, always-steps still run', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-undo-'));
    const trace = path.join(dir, 'trace');
    const note = (word: string) => exec(['sh', '-c', `echo ${word} >> "$1"`, 'sh', trace]);
    const steps = [
      step('a', [note('a')], { undo: [note('undo-a')] }),
      step('b', [note('b')], { undo: [note('undo-b')] }),
      step('c', [exec(['sh', '-c', 'echo failing; exit 3'])], { undo: [note('undo-c')] }),
      step('d', [note('d')]),
      step('unlock', [note('unlock')], { always: true }),
    ];
    const { outcome, statuses, pushed } = await harness(steps);
    expect(outcome).toMatchObject({ ok: false, cancelled: false, interrupted: false, failedStep: 'c' });
    expect(await fs.readFile(trace, 'utf8')).toBe('a\nb\nundo-c\nundo-b\nundo-a\nunlock\n');
    expect(statuses).toContainEqual(['c', 'failed']);
    expect(statuses).toContainEqual(['d', 'skipped']);
    expect(pushed).toMatch(/exited with 3/);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('a failed check fails its step with the check\'s own explanation', async () => {
    const { outcome } = await harness([step('health', [check('web is healthy', async () => { throw new Error('web is unhealthy: probe exit 1'); })])]);
    expect(outcome).toMatchObject({ ok: false, failedStep: 'health' });
    if (!outcome.ok) expect(outcome.error.message).toBe('web is unhealthy: probe exit 1');
  });

  it('cancel stops a running command at once and reports cancelled', async () => {
    const started = Date.now();
    const { outcome, statuses } = await harness([step('build', [exec(['sleep', '30'], { cancellable: true })]), step('after', [exec(['true'])])], { abortAfterMs: 300 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(outcome).toMatchObject({ ok: false, cancelled: true, failedStep: 'build' });
    expect(statuses).toContainEqual(['after', 'cancelled']);
  });
});
