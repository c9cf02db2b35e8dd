import { describe, expect, it } from 'vitest';
import { FlowControl } from './flow-control.js';

describe('FlowControl', () => {
  it('pauses above the high watermark and resumes only below the low one', () => {
    const calls: string[] = [];
    const flow = new FlowControl({ pause: () => calls.push('pause'), resume: () => calls.push('resume') }, 100, 20);
    flow.sent(100);
    expect(calls).toEqual([]);
    flow.sent(1);
    flow.sent(50);
    expect(calls).toEqual(['pause']);
    flow.acked(100);
    expect(calls).toEqual(['pause']);
    flow.acked(40);
    expect(calls).toEqual(['pause', 'resume']);
    expect(flow.pending).toBe(11);
  });

  it('never counts below zero when acks repeat', () => {
    const flow = new FlowControl({ pause: () => undefined, resume: () => undefined }, 100, 20);
    flow.sent(10);
    flow.acked(10);
    flow.acked(10);
    expect(flow.pending).toBe(0);
  });
});
