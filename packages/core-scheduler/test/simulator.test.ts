import { createSimulation } from '@strata/core-sim';
import { describe, expect, it } from 'vitest';
import { createEdfPolicy, createFifoPolicy, createRoundRobinPolicy, createSchedEntity, simulateCpu } from '../src/index.js';
import type { SchedEntity, SchedPolicy } from '../src/index.js';

const jobs = (r: { timeline: readonly { start: number; end: number; job: number; cpu: number }[] }) => r.timeline.map((s) => [s.job, s.start, s.end]);

describe('demand forms', () => {
  it('explicit bursts and waits: run, block, run', () => {
    const r = simulateCpu({ tasks: [{ bursts: [2, 3], waits: [5] }], policy: createFifoPolicy() });
    expect(jobs(r)).toEqual([
      [0, 0, 2],
      [0, 7, 10],
    ]);
    expect(r.tasks[0]).toMatchObject({ completion: 10, blockedTime: 5, ioCount: 1, wait: 0, cpuTime: 5, turnaround: 10 });
    expect(r.busy).toEqual([5]);
  });

  it('a periodic task releases a burst every period with deadline release + relativeDeadline', () => {
    const r = simulateCpu({ tasks: [{ arrival: 2, bursts: [1, 1, 1], period: 5, relativeDeadline: 3 }], policy: createEdfPolicy() });
    expect(jobs(r)).toEqual([
      [0, 2, 3],
      [0, 7, 8],
      [0, 12, 13],
    ]);
    expect(r.tasks[0]!.deadlineMisses).toBe(0);
  });

  it('length with ioFreq/ioTime blocks after every ioFreq units except at completion', () => {
    const r = simulateCpu({ tasks: [{ length: 6, ioFreq: 2, ioTime: 3 }], policy: createFifoPolicy() });
    expect(jobs(r)).toEqual([
      [0, 0, 2],
      [0, 5, 7],
      [0, 10, 12],
    ]);
    expect(r.tasks[0]!.ioCount).toBe(2);
  });

  it('stops at `until` with always-runnable tasks and charges the partial run', () => {
    const r = simulateCpu({ tasks: [{ length: Infinity }, { length: Infinity }], policy: createRoundRobinPolicy({ quantum: 3 }), until: 10 });
    expect(r.endTime).toBe(10);
    expect(r.tasks.map((t) => t.cpuTime)).toEqual([6, 4]);
    expect(r.tasks.map((t) => t.completion)).toEqual([undefined, undefined]);
    expect(r.tasks[1]!.wait).toBe(6);
    expect(r.tasks[0]!.wait).toBe(4);
  });
});

describe('context switches', () => {
  it('a switch between two different tasks costs contextSwitch units, counted as wait', () => {
    const r = simulateCpu({ tasks: [{ length: 5 }, { length: 5 }], policy: createFifoPolicy(), contextSwitch: 1 });
    expect(jobs(r)).toEqual([
      [0, 0, 5],
      [1, 6, 11],
    ]);
    expect(r.tasks[1]!.wait).toBe(6);
    expect(r.switching).toEqual([1]);
  });

  it('round-robin pays at every change of task, not when the same task continues', () => {
    const r = simulateCpu({ tasks: [{ length: 2 }, { length: 2 }, { arrival: 20, length: 3 }], policy: createRoundRobinPolicy(), contextSwitch: 1 });
    expect(jobs(r)).toEqual([
      [0, 0, 1],
      [1, 2, 3],
      [0, 4, 5],
      [1, 6, 7],
      [2, 20, 23],
    ]);
    expect(r.tasks.map((t) => [t.contextSwitches, t.preemptions])).toEqual([
      [2, 1],
      [2, 1],
      [1, 0],
    ]);
  });
});

describe('multiple CPUs', () => {
  it('runs a global FIFO queue on every CPU and honours affinity', () => {
    const r = simulateCpu({
      tasks: [{ length: 4 }, { length: 4, affinity: [0] }, { length: 2 }],
      policy: createFifoPolicy(),
      cpus: 2,
    });
    expect(r.timeline.map((s) => [s.job, s.cpu, s.start, s.end])).toEqual([
      [0, 0, 0, 4],
      [2, 1, 0, 2],
      [1, 0, 4, 8],
    ]);
    expect(r.busy).toEqual([8, 2]);
  });
});

describe('errors', () => {
  it('rejects bad options and tasks before running, naming the field', () => {
    const fifo = createFifoPolicy();
    expect(() => simulateCpu({ tasks: [{ length: 1 }], policy: fifo, cpus: 0 })).toThrow(/cpus/);
    expect(() => simulateCpu({ tasks: [{ length: 1 }], policy: fifo, contextSwitch: -1 })).toThrow(/contextSwitch/);
    expect(() => simulateCpu({ tasks: [{ length: 0 }], policy: fifo })).toThrow(/tasks\[0\]\.length/);
    expect(() => simulateCpu({ tasks: [{ length: 2.5, ioFreq: 1 }], policy: fifo })).toThrow(/tasks\[0\]\.length/);
    expect(() => simulateCpu({ tasks: [{ length: 3, arrival: -1 }], policy: fifo })).toThrow(/tasks\[0\]\.arrival/);
    expect(() => simulateCpu({ tasks: [{ length: Infinity }], policy: fifo })).toThrow(/until/);
    expect(() => simulateCpu({ tasks: [{ length: 3, affinity: [2] }], policy: fifo, cpus: 2 })).toThrow(/tasks\[0\]\.affinity/);
    expect(() => simulateCpu({ tasks: [{ bursts: [1, 2], waits: [] }], policy: fifo })).toThrow(/tasks\[0\]\.waits/);
    expect(() => simulateCpu({ tasks: [{ bursts: [1], length: 1 }], policy: fifo })).toThrow(/tasks\[0\]\.bursts/);
    expect(() => simulateCpu({ tasks: [{ length: 3, nice: 30 }], policy: fifo })).toThrow(/nice/);
    expect(() => simulateCpu({ tasks: [{ length: 2.5 }], policy: fifo, driver: 'event-per-slice' })).toThrow(/event-per-slice/);
    try {
      simulateCpu({ tasks: [{ length: -1 }], policy: fifo });
    } catch (e) {
      expect(e).toMatchObject({ code: 'E_VALIDATION', details: { path: 'tasks[0].length' } });
    }
  });

  /** FIFO with some methods replaced. */
  function fifoWith(overrides: Partial<SchedPolicy>): SchedPolicy {
    const inner = createFifoPolicy();
    return {
      name: 'patched',
      queueing: 'global',
      workConserving: true,
      enqueue: (e, n, r) => inner.enqueue(e, n, r),
      dequeue: (e, n) => inner.dequeue(e, n),
      pickNext: (c, n) => inner.pickNext(c, n),
      sliceLength: (e, c, n) => inner.sliceLength(e, c, n),
      account: (e, c, ran, n) => inner.account(e, c, ran, n),
      shouldPreempt: (c, e, w, n) => inner.shouldPreempt(c, e, w, n),
      putPrev: (e, c, n, r) => inner.putPrev(e, c, n, r),
      depart: (e, c, n, r) => inner.depart(e, c, n, r),
      nextTimer: (n) => inner.nextTimer(n),
      onTimer: (n) => inner.onTimer(n),
      ...overrides,
    };
  }

  it('reports a stall (a policy that never picks) as E_INTERNAL instead of looping', () => {
    expect(() => simulateCpu({ tasks: [{ length: 3 }], policy: fifoWith({ pickNext: () => undefined }) })).toThrow(expect.objectContaining({ code: 'E_INTERNAL' }));
  });

  it('reports a policy slice ≤ 0 as E_INTERNAL', () => {
    expect(() => simulateCpu({ tasks: [{ length: 3 }], policy: fifoWith({ sliceLength: () => 0 }) })).toThrow(expect.objectContaining({ code: 'E_INTERNAL' }));
  });

  it('reports a timer that is not in the future as E_INTERNAL', () => {
    expect(() => simulateCpu({ tasks: [{ length: 3 }], policy: fifoWith({ nextTimer: (n) => n }) })).toThrow(expect.objectContaining({ code: 'E_INTERNAL' }));
  });

  it('validates entity attributes', () => {
    expect(() => createSchedEntity(-1)).toThrow(/id/);
    expect(() => createSchedEntity(0, { tickets: 0 })).toThrow(/tickets/);
    expect(() => createSchedEntity(0, { affinity: [] })).toThrow(/affinity/);
    const e: SchedEntity = createSchedEntity(3, { nice: -20 });
    expect(e.loadWeight).toBe(88761);
  });
});

describe('driving a policy from outside (as core-vmm will)', () => {
  it('runs on a caller-provided simulation and leaves the clock at the end', () => {
    const sim = createSimulation({ seed: 9 });
    const r = simulateCpu({ tasks: [{ length: 4 }, { arrival: 1, length: 2 }], policy: createRoundRobinPolicy({ quantum: 2 }), sim });
    expect(r.makespan).toBe(6);
    expect(jobs(r)).toEqual([
      [0, 0, 2],
      [1, 2, 4],
      [0, 4, 6],
    ]);
  });
});
