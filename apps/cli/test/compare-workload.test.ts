import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bestRuns, percentile } from '../src/compare-report.js';
import type { CompareMetrics } from '../src/compare-report.js';
import { parseCompareWorkload } from '../src/compare-workload.js';

const base = { jobs: [{ length: 5 }, { arrival: 3, length: 2, ioFreq: 1 }], policies: ['fifo'] };

function errorOf(doc: unknown): string {
  try {
    parseCompareWorkload(doc);
  } catch (error) {
    expect((error as { code?: string }).code).toBe('E_VALIDATION');
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('compare workload file', () => {
  it('accepts the bundled example', () => {
    const doc: unknown = JSON.parse(readFileSync(new URL('../../../examples/textbook-jobs.json', import.meta.url), 'utf8'));
    const workload = parseCompareWorkload(doc);
    expect(workload.jobs).toHaveLength(6);
    expect(workload.runs.map((r) => r.label)).toEqual(['fifo', 'sjf', 'stcf', 'rr q=10', 'priority', 'mlfq 3x10 B=100', 'mlfq 2/10/40', 'cfs', 'lottery q=10', 'stride q=10']);
    const mlfq = workload.runs[6]?.input;
    expect(mlfq?.mlfq).toEqual({ quanta: [2, 10, 40], allotments: [2, 2, 1], boost: 200, ioTime: 5, stay: false, ioBump: false });
    // Job names are for people: the runs get exercise jobs without them.
    expect(workload.runs[0]?.input.jobs[0]).toEqual({ arrival: 0, length: 200, ioFreq: 0, priority: 2, tickets: 100 });
    expect(workload.runs.every((r) => r.input.seed === 1 && r.input.cpus === 1)).toBe(true);
  });

  it('passes priority options and context-switch costs, and labels runs by what they use', () => {
    const workload = parseCompareWorkload({
      jobs: '5,6',
      contextSwitch: 1,
      policies: [{ policy: 'priority', preemptive: true, roundRobin: true, aging: 4, quantum: 2 }, { policy: 'fifo', quantum: 3, contextSwitch: 0 }],
    });
    expect(workload.runs[0]?.input).toMatchObject({ quantum: 2, contextSwitch: 1, priorityOptions: { preemptive: true, roundRobin: true, agingInterval: 4 } });
    expect(workload.runs.map((r) => r.label)).toEqual(['priority q=2 preemptive aging=4 cs=1', 'fifo']);
    expect(workload.runs[1]?.input.contextSwitch).toBe(0);
  });

  it('applies defaults and accepts the --jobs string form', () => {
    const workload = parseCompareWorkload({ jobs: '0,180,0:100,20,5', policies: ['RR'] });
    expect(workload.cpus).toBe(1);
    expect(workload.ioTime).toBe(5);
    expect(workload.runs[0]?.input).toEqual({
      policy: 'rr',
      quantum: 1,
      cpus: 1,
      ioTime: 5,
      jobs: [
        { arrival: 0, length: 180 },
        { arrival: 100, length: 20, ioFreq: 5 },
      ],
    });
  });

  it.each([
    [[], '(top level): expected an object with "jobs" and "policies", got []'],
    [{ ...base, jobz: [] }, 'jobz: unknown field; accepted fields: name, description, cpus, ioTime, seed, contextSwitch, jobs, policies'],
    [{ policies: ['fifo'] }, 'jobs: expected a non-empty list of jobs, got nothing'],
    [{ ...base, jobs: [] }, /^jobs: expected a non-empty list of jobs like .*, got \[\]$/],
    [{ ...base, jobs: [{ length: 0 }] }, 'jobs[0].length: expected a positive integer, got 0'],
    [{ ...base, jobs: [{ length: 5 }, { arrival: -1, length: 3 }] }, 'jobs[1].arrival: expected a non-negative integer, got -1'],
    [{ ...base, jobs: [{ length: 2.5 }] }, 'jobs[0].length: expected a positive integer, got 2.5'],
    [{ ...base, jobs: [{ length: '5' }] }, 'jobs[0].length: expected a positive integer, got "5"'],
    [{ ...base, jobs: [{ arrival: 0 }] }, 'jobs[0].length: expected a positive integer (CPU ticks the job needs), got nothing'],
    [{ ...base, jobs: [{ length: 5, nice: 30 }] }, 'jobs[0].nice: expected an integer from -20 to 19, got 30'],
    [{ ...base, jobs: [{ length: 5, lenght: 3 }] }, /^jobs\[0\]\.lenght: unknown field; accepted fields: name, arrival, length/],
    [{ ...base, jobs: '5,,2' }, /^jobs: expected lengths like 5,10,15 .*\(length 2 is empty\)$/],
    [{ ...base, cpus: 0 }, 'cpus: expected an integer from 1 to 1024, got 0'],
    [{ ...base, policies: [] }, /^policies: expected a non-empty list of policy names/],
    [{ ...base, policies: ['fifo', 'fcfs'] }, 'policies[1].policy: expected one of fifo, sjf, stcf, rr, priority, mlfq, cfs, credit, lottery, stride, edf, got "fcfs"'],
    [{ ...base, policies: [{ quantum: 3 }] }, 'policies[0].policy: expected a policy name, got nothing'],
    [{ ...base, policies: [42] }, 'policies[0]: expected a policy name or an object like {"policy": "rr", "quantum": 10}, got 42'],
    [{ ...base, policies: [{ policy: 'rr', quantum: 0 }] }, 'policies[0].quantum: expected a positive integer, got 0'],
    [{ ...base, policies: [{ policy: 'rr', queues: 2 }] }, 'policies[0].queues: applies only to policy mlfq, not rr'],
    [{ ...base, policies: [{ policy: 'mlfq', allotments: [1, 1] }] }, /^policies\[0\]\.allotments: expected 3 comma-separated positive integers \(one per queue, highest first; policies\[0\]\.queues is 3\), got 2$/],
    [{ ...base, policies: [{ policy: 'mlfq', quanta: [2, 0] }] }, 'policies[0].quanta[1]: expected a positive integer, got 0'],
    [{ ...base, policies: [{ policy: 'mlfq', stay: 'yes' }] }, 'policies[0].stay: expected true or false, got "yes"'],
    [{ ...base, policies: [{ policy: 'rr', quantum: 2, qunatum: 3 }] }, /^policies\[0\]\.qunatum: unknown field; accepted fields: policy, label, quantum/],
    [{ ...base, policies: [{ policy: 'rr', preemptive: true }] }, 'policies[0].preemptive: applies only to policy priority, not rr'],
    [{ ...base, policies: [{ policy: 'priority', aging: 0 }] }, 'policies[0].aging: expected a positive integer, got 0'],
    [{ ...base, contextSwitch: -1 }, 'contextSwitch: expected a non-negative integer, got -1'],
    [{ ...base, jobs: [{ length: 5, weight: 70000 }] }, 'jobs[0].weight: expected an integer from 1 to 65535, got 70000'],
    [{ ...base, policies: ['fifo', { policy: 'fifo' }] }, 'policies[1].label: "fifo" is already used by policies[0]; give each entry a distinct "label"'],
  ])('rejects %j naming the field', (doc, message) => {
    if (typeof message === 'string') expect(errorOf(doc)).toBe(message);
    else expect(errorOf(doc)).toMatch(message);
  });
});

describe('comparison metrics', () => {
  it('takes the nearest-rank percentile', () => {
    expect(percentile([5, 15, 30], 95)).toBe(30);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 95)).toBe(19);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([3, 1, 2], 50)).toBe(2);
  });

  it('marks the lowest times and the highest fairness and utilization as best, ties shared', () => {
    const m = (response: number, fairness: number, utilization: number): CompareMetrics => ({ response, turnaround: 10, wait: 1, p95Turnaround: 12, fairness, utilization, makespan: 20 });
    const best = bestRuns([m(3, 0.5, 0.9), m(1, 0.9, 0.9), m(1, 0.7, 0.8)]);
    expect(best.response).toEqual([1, 2]);
    expect(best.turnaround).toEqual([0, 1, 2]);
    expect(best.fairness).toEqual([1]);
    expect(best.utilization).toEqual([0, 1]);
  });
});
