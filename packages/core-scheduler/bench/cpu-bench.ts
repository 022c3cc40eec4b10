// CPU simulator benchmark: scheduled slices per second of the exact simulator for the issue's
// two targets (RR, 1 CPU, 1,000 CPU-bound jobs, quantum 1: ≥ 5 M/s; CFS, 10,000 tasks, 8 CPUs:
// ≥ 2 M/s), plus the same RR run with the timeline recorded and with one core-sim event per slice.
import { performance } from 'node:perf_hooks';
import { createCfsPolicy, createMlfqPolicy, createRoundRobinPolicy, simulateCpu } from '../src/index.js';
import type { CpuSimOptions } from '../src/index.js';

interface Case {
  readonly name: string;
  readonly target?: number;
  readonly options: () => CpuSimOptions;
}

const rrTasks = (jobs: number, length: number) => Array.from({ length: jobs }, () => ({ length }));

const cases: Case[] = [
  {
    name: 'rr    1 CPU   1,000 jobs  q=1',
    target: 5e6,
    options: () => ({ tasks: rrTasks(1000, 8000), policy: createRoundRobinPolicy({ quantum: 1 }), recordTimeline: false }),
  },
  {
    name: 'cfs   8 CPUs 10,000 tasks (µs)',
    target: 2e6,
    // 1,250 tasks per CPU: period = 1,250 × 3 ms, so each slice is min_granularity (3 ms at 8 CPUs).
    options: () => ({ tasks: rrTasks(10_000, 3000 * 400), policy: createCfsPolicy({ cpus: 8 }), cpus: 8, recordTimeline: false }),
  },
  {
    name: 'rr    1 CPU   1,000 jobs  q=1, timeline recorded',
    options: () => ({ tasks: rrTasks(1000, 2000), policy: createRoundRobinPolicy({ quantum: 1 }) }),
  },
  {
    name: 'rr    1 CPU   1,000 jobs  q=1, one core-sim event per slice',
    options: () => ({ tasks: rrTasks(1000, 2000), policy: createRoundRobinPolicy({ quantum: 1 }), recordTimeline: false, driver: 'event-per-slice' }),
  },
  {
    name: 'mlfq  1 CPU   1,000 jobs  3 levels, I/O',
    options: () => ({
      tasks: Array.from({ length: 1000 }, (_, i) => ({ arrival: i, length: 4000, ioFreq: 7 + (i % 5), ioTime: 3 })),
      policy: createMlfqPolicy({ quanta: [2, 4, 8], allotments: [1, 1, 2], boost: 500 }),
      recordTimeline: false,
    }),
  },
];

/**
 * Run every case (best of 3 after a warm-up) and print slices per second of wall time, and of
 * process CPU time (steadier when other jobs share the machine).
 */
export function runCpuBench(): void {
  console.log('core-scheduler exact CPU simulator (best of 3; wall-clock rate, CPU-time rate)');
  for (const c of cases) {
    simulateCpu(c.options()); // warm-up: let V8 optimize the loop and the policy
    let bestWall = Infinity;
    let bestCpu = Infinity;
    let slices = 0;
    for (let k = 0; k < 3; k++) {
      const options = c.options();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const r = simulateCpu(options);
      const wall = (performance.now() - t0) / 1000;
      const used = process.cpuUsage(c0);
      slices = r.slices;
      bestWall = Math.min(bestWall, wall);
      bestCpu = Math.min(bestCpu, (used.user + used.system) / 1e6);
    }
    const rate = slices / bestWall;
    const verdict = c.target === undefined ? '' : rate >= c.target ? `  target ${fmt(c.target)}/s: met` : `  target ${fmt(c.target)}/s: NOT MET`;
    console.log(
      `  ${c.name.padEnd(58)} ${fmt(slices).padStart(7)} slices  ${bestWall.toFixed(2)} s  ${fmt(rate).padStart(7)}/s wall  ${fmt(slices / bestCpu).padStart(7)}/s cpu${verdict}`,
    );
  }
}

/**
 * The lone-job shortcut: one job of 10^12 ticks at quantum 1 under each policy that can skip its
 * slices, against the per-slice path on 10^7 ticks (the per-slice rate times 10^5 is what the
 * long job would cost without the shortcut).
 */
export function runLoneJobBench(): void {
  console.log('lone-job shortcut (one job alone on one CPU, quantum 1; best of 3)');
  const policies = {
    rr: () => createRoundRobinPolicy({ quantum: 1 }),
    mlfq: () => createMlfqPolicy({ quanta: [1, 2, 4], allotments: [1, 1, 1] }),
  };
  for (const [name, policy] of Object.entries(policies)) {
    const time = (length: number, shortcuts: boolean): { seconds: number; slices: number; steps: number } => {
      let best = Infinity;
      let r = simulateCpu({ tasks: [{ length }], policy: policy(), shortcuts, control: { maxSteps: 1e12 } });
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        r = simulateCpu({ tasks: [{ length }], policy: policy(), shortcuts, control: { maxSteps: 1e12 } });
        best = Math.min(best, (performance.now() - t0) / 1000);
      }
      return { seconds: best, slices: r.slices, steps: r.steps };
    };
    const fast = time(1e12, true);
    const slow = time(1e7, false);
    console.log(
      `  ${name.padEnd(6)} 10^12 ticks with the shortcut: ${(fast.seconds * 1e6).toFixed(0)} µs, ${fmt(fast.slices)} slices in ${fast.steps} steps;` +
        ` without it ${fmt(slow.slices / slow.seconds)} slices/s, so about ${(((1e12 / 1e7) * slow.seconds) / 3600).toFixed(1)} h for 10^12 ticks`,
    );
  }
}

function fmt(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0);
}
