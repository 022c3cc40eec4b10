import { isStrataError } from '@strata/shared-types';
import { describe, expect, it } from 'vitest';
import { parseJobList } from '../src/job-list.js';
import { parseSchedFlags } from '../src/sched-flags.js';
import type { SchedFlags } from '../src/sched-flags.js';

/** The ValidationError message `parseSchedFlags(flags)` throws (fails the test if it does not throw one). */
function errorOf(flags: SchedFlags): string {
  try {
    parseSchedFlags(flags);
  } catch (error) {
    expect(isStrataError(error) && error.code === 'E_VALIDATION').toBe(true);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error(`expected a validation error for ${JSON.stringify(flags)}`);
}

describe('--jobs', () => {
  it('reads plain lengths, all arriving at 0', () => {
    expect(parseJobList('--jobs', '5,10,15', { decimals: false })).toEqual({
      form: 'lengths',
      jobs: [
        { arrival: 0, length: 5 },
        { arrival: 0, length: 10 },
        { arrival: 0, length: 15 },
      ],
    });
    expect(parseJobList('--jobs', ' 5 , 10 ', { decimals: false }).jobs.map((j) => j.length)).toEqual([5, 10]);
  });

  it('reads decimal lengths only when allowed', () => {
    expect(parseJobList('--jobs', '2.5,1e1,.5', { decimals: true }).jobs.map((j) => j.length)).toEqual([2.5, 10, 0.5]);
    expect(() => parseJobList('--jobs', '2.5', { decimals: false })).toThrow(/decimal lengths work with fifo, sjf and rr only/);
  });

  it('reads start,run,ioFreq jobs separated by ":"', () => {
    expect(parseJobList('--jobs', '0,180,0:100,20,5', { decimals: false })).toEqual({
      form: 'jobs',
      jobs: [
        { arrival: 0, length: 180 },
        { arrival: 100, length: 20, ioFreq: 5 },
      ],
    });
  });

  it('reads a single start,run,ioFreq job written with a trailing ":"', () => {
    expect(parseJobList('--jobs', '3,180,7:', { decimals: false }).jobs).toEqual([{ arrival: 3, length: 180, ioFreq: 7 }]);
  });

  it('reads three fields without ":" as one job for mlfq, as mlfq.py -l does, and as lengths otherwise', () => {
    expect(parseSchedFlags({ policy: 'mlfq', jobs: '0,180,0' }).jobs).toEqual([{ arrival: 0, length: 180 }]);
    expect(parseSchedFlags({ policy: 'mlfq', jobs: '5,10,15' }).jobs).toEqual([{ arrival: 5, length: 10, ioFreq: 15 }]);
    expect(parseSchedFlags({ policy: 'mlfq', jobs: '5,10' }).jobs).toEqual([{ arrival: 0, length: 5 }, { arrival: 0, length: 10 }]);
    expect(parseSchedFlags({ policy: 'rr', jobs: '5,10,15' }).jobs).toEqual([
      { arrival: 0, length: 5 },
      { arrival: 0, length: 10 },
      { arrival: 0, length: 15 },
    ]);
    expect(errorOf({ policy: 'mlfq', jobs: '0,0,0' })).toMatch(/job 0 run "0" is not a positive integer/);
  });

  it.each([
    ['1,,2', /--jobs: expected lengths like 5,10,15 or start,run,ioFreq jobs like 0,180,0:100,20,0, got "1,,2" \(length 2 is empty\)/],
    ['', /the list is empty/],
    ['a,b', /length 1 "a" is not a positive number/],
    ['-5,3', /length 1 "-5" is not a positive number/],
    ['5,0', /length 2 "0" is not a positive number/],
    ['0,0,0', /length 1 "0" is not a positive number; a single start,run,ioFreq job is written with a trailing ':', e.g. "0,0,0:"/],
    ['inf', /"inf" is not a positive number/],
    ['1e999', /"1e999" is not a positive number/],
    ['5,10:0,5,0', /job 0 "5,10" has 2 fields; with ':' every job is start,run,ioFreq/],
    ['0,5,0:7', /job 1 "7" has 1 field;/],
    ['0,0,0:1,2,0', /job 0 run "0" is not a positive integer/],
    ['-1,5,0:1,2,0', /job 0 start "-1" is not a non-negative integer/],
    ['0,5,x:1,2,0', /job 0 ioFreq "x" is not a non-negative integer/],
    ['0,5,1.5:1,2,0', /job 0 ioFreq "1.5"/],
    ['0,5,0::1,2,0', /job 1 is empty/],
    [':', /job 0 is empty/],
  ])('rejects %j', (jobs, message) => {
    expect(errorOf({ policy: 'fifo', jobs })).toMatch(message);
  });

  it('requires --jobs, naming the accepted forms', () => {
    expect(errorOf({ policy: 'rr' })).toMatch(/^--jobs: missing; give lengths like 5,10,15 or start,run,ioFreq jobs like 0,180,0:100,20,0/);
  });
});

describe('--policy and --quantum', () => {
  it('defaults to fifo and accepts names in any case', () => {
    expect(parseSchedFlags({ jobs: '5' }).policy).toBe('fifo');
    expect(parseSchedFlags({ policy: 'FIFO', jobs: '5' }).policy).toBe('fifo');
    expect(parseSchedFlags({ policy: 'Mlfq', jobs: '0,5,0:' }).policy).toBe('mlfq');
  });

  it('rejects an unknown policy, listing the accepted ones', () => {
    expect(errorOf({ policy: 'fcfs', jobs: '5' })).toBe(
      '--policy: expected one of fifo, sjf, stcf, rr, priority, mlfq, cfs, credit, lottery, stride, edf, got "fcfs"',
    );
  });

  it('gives rr a quantum of 1 by default (scheduler.py)', () => {
    expect(parseSchedFlags({ policy: 'rr', jobs: '5,10' }).quantum).toBe(1);
    expect(parseSchedFlags({ policy: 'rr', jobs: '5,10', quantum: '4' }).quantum).toBe(4);
    expect(parseSchedFlags({ policy: 'fifo', jobs: '5,10' }).quantum).toBeUndefined();
  });

  it.each(['0', '-1', 'abc', '1.5', '', '3x'])('rejects --quantum %j', (quantum) => {
    expect(errorOf({ policy: 'rr', jobs: '5', quantum })).toBe(`--quantum: expected a positive integer, got ${JSON.stringify(quantum)}`);
  });

  it.each([
    [{ cpus: '0' }, '--cpus: expected an integer from 1 to 1024, got "0"'],
    [{ seed: '-3' }, '--seed: expected a non-negative integer, got "-3"'],
    [{ ioTime: 'x' }, '--io-time: expected a non-negative integer, got "x"'],
  ])('rejects %j', (flags, message) => {
    expect(errorOf({ policy: 'rr', jobs: '5', ...flags })).toBe(message);
  });

  it('accepts decimal lengths for fifo, sjf and rr only', () => {
    expect(parseSchedFlags({ policy: 'sjf', jobs: '2.5,1' }).jobs.map((j) => j.length)).toEqual([2.5, 1]);
    expect(errorOf({ policy: 'stcf', jobs: '2.5,1' })).toMatch(/^--jobs: .*"2.5" is not a positive integer; decimal lengths work with fifo, sjf and rr only/);
  });
});

describe('MLFQ parameters (mlfq.py resolution)', () => {
  it('defaults to 3 queues of quantum 10, allotment 1, no boost, I/O of 5', () => {
    expect(parseSchedFlags({ policy: 'mlfq', jobs: '0,30,0:' }).mlfq).toEqual({
      quanta: [10, 10, 10],
      allotments: [1, 1, 1],
      boost: 0,
      ioTime: 5,
      stay: false,
      ioBump: false,
    });
  });

  it('builds N levels of quantum Q from --queues and --quantum', () => {
    const input = parseSchedFlags({ policy: 'mlfq', jobs: '0,12,4:2,6,0', queues: '2', quantum: '3', allotments: '2,2', ioTime: '2', boost: '15' });
    expect(input.mlfq).toEqual({ quanta: [3, 3], allotments: [2, 2], boost: 15, ioTime: 2, stay: false, ioBump: false });
    expect(input.jobs).toEqual([
      { arrival: 0, length: 12, ioFreq: 4 },
      { arrival: 2, length: 6 },
    ]);
  });

  it('lets --quanta override --queues and --quantum', () => {
    const input = parseSchedFlags({ policy: 'mlfq', jobs: '5', queues: '5', quantum: '7', quanta: '1,2,4,8' });
    expect(input.mlfq?.quanta).toEqual([1, 2, 4, 8]);
    expect(input.mlfq?.allotments).toEqual([1, 1, 1, 1]);
  });

  it('gives every level the same allotment with --allotment (mlfq.py -a)', () => {
    expect(parseSchedFlags({ policy: 'mlfq', jobs: '5', queues: '2', allotment: '2' }).mlfq?.allotments).toEqual([2, 2]);
    expect(errorOf({ policy: 'mlfq', jobs: '5', allotment: '2', allotments: '1,1,1' })).toBe(
      '--allotment: cannot be combined with --allotments; give one allotment for every level or one per level',
    );
    expect(errorOf({ policy: 'mlfq', jobs: '5', allotment: '0' })).toBe('--allotment: expected a positive integer, got "0"');
    expect(errorOf({ policy: 'rr', jobs: '5', allotment: '2' })).toBe('--allotment: applies only to policy mlfq, not rr');
  });

  it('passes --stay and --io-bump', () => {
    const input = parseSchedFlags({ policy: 'mlfq', jobs: '5', stay: true, ioBump: true });
    expect(input.mlfq).toMatchObject({ stay: true, ioBump: true });
  });

  it.each([
    [{ allotments: '0,1,1' }, /^--allotments: expected comma-separated positive integers, got "0,1,1" \(entry 1 "0" is not a positive integer\)$/],
    [{ allotments: '1,1' }, /^--allotments: expected 3 comma-separated positive integers \(one per queue, highest first; --queues is 3\), got 2$/],
    [{ quanta: '5,5', allotments: '1,1,1' }, /^--allotments: expected 2 .*--quanta gives 2\), got 3$/],
    [{ quanta: '5,,5' }, /^--quanta: .*\(entry 2 is empty\)$/],
    [{ quanta: '5,0' }, /^--quanta: .*entry 2 "0" is not a positive integer/],
    [{ queues: '0' }, /^--queues: expected an integer from 1 to 64, got "0"$/],
    [{ quantum: '0' }, /^--quantum: expected a positive integer, got "0"$/],
    [{ boost: '-1' }, /^--boost: expected a non-negative integer, got "-1"$/],
  ])('rejects %j', (flags, message) => {
    expect(errorOf({ policy: 'mlfq', jobs: '0,10,0:', ...flags })).toMatch(message);
  });

  it.each([
    [{ queues: '2' }, '--queues: applies only to policy mlfq, not rr'],
    [{ allotments: '1' }, '--allotments: applies only to policy mlfq, not rr'],
    [{ stay: true }, '--stay: applies only to policy mlfq, not rr'],
    [{ ioBump: true }, '--io-bump: applies only to policy mlfq, not rr'],
    [{ boost: '10' }, '--boost: applies only to policy mlfq, not rr'],
  ])('rejects MLFQ flag %j for other policies', (flags, message) => {
    expect(errorOf({ policy: 'rr', jobs: '5', ...flags })).toBe(message);
  });
});

describe('priority options and context switches', () => {
  it('passes --preemptive, --round-robin, --aging and --context-switch', () => {
    const input = parseSchedFlags({ policy: 'priority', jobs: '5,6', preemptive: true, roundRobin: true, aging: '10', quantum: '2', contextSwitch: '1' });
    expect(input).toMatchObject({ quantum: 2, contextSwitch: 1, priorityOptions: { preemptive: true, roundRobin: true, agingInterval: 10 } });
    expect(parseSchedFlags({ policy: 'priority', jobs: '5' }).priorityOptions).toBeUndefined();
  });

  it('accepts --quantum with any policy, as scheduler.py takes -q with FIFO', () => {
    expect(parseSchedFlags({ policy: 'fifo', jobs: '5', quantum: '3' }).quantum).toBe(3);
  });

  it.each([
    [{ policy: 'rr', preemptive: true }, '--preemptive: applies only to policy priority, not rr'],
    [{ policy: 'fifo', roundRobin: true }, '--round-robin: applies only to policy priority, not fifo'],
    [{ policy: 'mlfq', aging: '3' }, '--aging: applies only to policy priority, not mlfq'],
    [{ policy: 'priority', aging: '0' }, '--aging: expected a positive integer, got "0"'],
    [{ policy: 'rr', contextSwitch: '-1' }, '--context-switch: expected a non-negative integer, got "-1"'],
    [{ policy: 'credit', weights: '70000' }, '--weights: expected comma-separated integers from 1 to 65535, got "70000" (entry 1 "70000" is not an integer from 1 to 65535)'],
  ])('rejects %j', (flags, message) => {
    expect(errorOf({ jobs: '5', ...flags })).toBe(message);
  });
});

describe('per-job attribute lists', () => {
  it('sets one value per job', () => {
    expect(parseSchedFlags({ policy: 'priority', jobs: '5,6,7', priorities: '3,-1,2' }).jobs.map((j) => j.priority)).toEqual([3, -1, 2]);
    expect(parseSchedFlags({ policy: 'lottery', jobs: '5,6', tickets: '100,50' }).jobs.map((j) => j.tickets)).toEqual([100, 50]);
    expect(parseSchedFlags({ policy: 'stride', jobs: '5,6', tickets: '100,50' }).jobs.map((j) => j.tickets)).toEqual([100, 50]);
    expect(parseSchedFlags({ policy: 'cfs', jobs: '5,6', nice: '0,5' }).jobs.map((j) => j.nice)).toEqual([0, 5]);
    expect(parseSchedFlags({ policy: 'credit', jobs: '5,6', weights: '256,512' }).jobs.map((j) => j.weight)).toEqual([256, 512]);
    expect(parseSchedFlags({ policy: 'edf', jobs: '5,6', deadlines: '10,7' }).jobs.map((j) => j.deadline)).toEqual([10, 7]);
  });

  it.each([
    [{ policy: 'lottery', tickets: '100' }, '--tickets: expected 2 comma-separated integers from 1 to 1000000 (one per job), got "100" (1 entry)'],
    [{ policy: 'lottery', tickets: '100,0' }, '--tickets: expected comma-separated integers from 1 to 1000000, got "100,0" (entry 2 "0" is not an integer from 1 to 1000000)'],
    [{ policy: 'cfs', nice: '0,20' }, '--nice: expected comma-separated integers from -20 to 19, got "0,20" (entry 2 "20" is not an integer from -20 to 19)'],
    [{ policy: 'priority', priorities: '1,a' }, '--priorities: expected comma-separated integers, got "1,a" (entry 2 "a" is not an integer)'],
    [{ policy: 'fifo', priorities: '1,2' }, '--priorities: applies only to policy priority, not fifo'],
    [{ policy: 'rr', tickets: '1,2' }, '--tickets: applies only to policy lottery or stride, not rr'],
    [{ policy: 'edf', deadlines: '-1,3' }, '--deadlines: expected comma-separated non-negative integers, got "-1,3" (entry 1 "-1" is not a non-negative integer)'],
  ])('rejects %j', (flags, message) => {
    expect(errorOf({ jobs: '5,6', ...flags })).toBe(message);
  });
});
