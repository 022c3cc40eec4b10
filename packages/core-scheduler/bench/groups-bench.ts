// Group scheduling benchmark: simulated time per wall second for the exact model (cost per tick)
// and the fluid model (cost per change, none per period), on small and large group trees.
// Run: npx tsx --conditions=strata-source bench/groups-bench.ts
import { performance } from 'node:perf_hooks';
import { createGroupScheduler, runGroupExperiment, type GroupExperimentResult, type GroupFidelity, type GroupScheduler } from '../src/index.js';

const S = 1_000_000;

/** `groups` groups under the root, `perGroup` always-runnable tasks each, every third group capped at 30%. */
function wideTree(fidelity: GroupFidelity, cpus: number, groups: number, perGroup: number): GroupScheduler {
  const s = createGroupScheduler({ cpus, fidelity });
  for (let g = 0; g < groups; g++) {
    s.addGroup(`/g${g}`, { shares: 256 + ((g * 97) % 2048), ...(g % 3 === 0 ? { quota: 30_000 } : {}) });
    for (let t = 0; t < perGroup; t++) s.addTask(`g${g}t${t}`, `/g${g}`, { nice: ((g + t) % 11) - 5 });
  }
  return s;
}

/** What a case did: its work in steps (`GroupScheduler.steps`, what a budget counts) and, optionally, its ticks or changes. */
interface CaseWork {
  readonly steps: number;
  readonly count?: number;
}

/** Prints wall time, simulated rate, and wall ns per step (the figure the README's step cost and budget times rest on). */
function time(label: string, simulated: number, fn: () => CaseWork): void {
  fn(); // warm-up
  const start = performance.now();
  const { steps, count } = fn();
  const ms = performance.now() - start;
  const rate = simulated / S / (ms / 1000);
  const extra = count === undefined ? '' : `, ${(count / (ms / 1000) / 1e6).toFixed(2)} M ${label.includes('fluid') ? 'changes' : 'ticks'}/s`;
  // Below a million steps the wall time is mostly building the tree: no per-step figure.
  const perStep = steps >= 1e6 ? `, ${(steps / 1e6).toFixed(1)} M steps at ${((ms * 1e6) / steps).toFixed(0)} ns each` : `, ${steps} steps`;
  console.log(`${label.padEnd(58)} ${ms.toFixed(1).padStart(8)} ms  ${rate.toExponential(2)} simulated s per wall s${extra}${perStep}`);
}

/** Runs every case and prints one line per case. */
export function runGroupsBench(): void {
  console.log('group scheduling (cgroup CPU controller)');
  time('exact  1 CPU      2 groups x 1 task, 1 h', 3600 * S, () => {
    const s = wideTree('exact', 1, 2, 1);
    s.advanceTo(3600 * S);
    return { steps: s.steps(), count: 3600 * S / 4000 };
  });
  time('exact  4 CPUs    20 groups x 5 tasks, 10 min', 600 * S, () => {
    const s = wideTree('exact', 4, 20, 5);
    s.advanceTo(600 * S);
    return { steps: s.steps(), count: 600 * S / 4000 };
  });
  time('exact  8 CPUs   100 groups x 10 tasks, 60 s', 60 * S, () => {
    const s = wideTree('exact', 8, 100, 10);
    s.advanceTo(60 * S);
    return { steps: s.steps(), count: 60 * S / 4000 };
  });
  time('fluid  8 CPUs   100 groups x 10 tasks, 1 year', 365 * 86400 * S, () => {
    const s = wideTree('fluid', 8, 100, 10);
    s.advanceTo(365 * 86400 * S);
    return { steps: s.steps() };
  });
  for (const fidelity of ['fluid', 'exact'] as const) {
    time(`${fidelity}  4 CPUs   200 bursty tasks (2ms/8ms) in 20 groups, 60 s`, 60 * S, () => {
      const groups = Array.from({ length: 20 }, (_, g) => ({
        name: `g${g}`,
        cpu: { shares: 512 + g * 64 },
        tasks: Array.from({ length: 10 }, (_, t) => ({ name: `t${t}`, bursts: [{ run: '2ms', sleep: '8ms' }, { run: `${t + 1}ms`, sleep: '3ms' }] })),
      }));
      const { steps } = runGroupExperiment({ cpus: 4, duration: '60s', fidelity, groups });
      // Each task wakes and finishes about every 8 ms.
      return fidelity === 'fluid' ? { steps, count: (200 * 2 * 60 * S) / 8000 } : { steps };
    });
  }
  runFluidChangeCost();
  runBindingQuotaChanges(40, 5, 10_000);
  runBindingQuotaChanges(100, 4, 5_000);
  time('issue example spec (exact, 9 s)', 9 * S, () =>
    runGroupExperiment({
      cpus: 1,
      duration: '9s',
      groups: [
        { name: 'A', cpu: { shares: 1024 }, tasks: [{ name: 'a1' }, { name: 'a2', nice: 5 }] },
        { name: 'B', cpu: { shares: 512, quota: '30ms' }, tasks: [{ name: 'b' }] },
      ],
    }),
  );
}

/**
 * Fluid, 8 CPUs, `groups` groups each at a binding quota (µs per 100 ms, all set at one instant: one
 * period grid) of `perGroup` tasks capped at 0.25, 0.5 or 1: the cost of a change when every quota's
 * on/off phases are walked with the capped tasks' backlogs (README "On/off quota phases"). 200
 * changes (a task blocks, then wakes), 10 ms apart. A figure, no target.
 */
function runBindingQuotaChanges(groups: number, perGroup: number, quota: number): void {
  const s = createGroupScheduler({ cpus: 8, fidelity: 'fluid' });
  for (let g = 0; g < groups; g++) {
    s.addGroup(`/g${g}`, { shares: 256 + ((g * 97) % 2048), quota });
    for (let t = 0; t < perGroup; t++) s.addTask(`g${g}t${t}`, `/g${g}`, { demand: [0.25, 0.5, 1][(g + t) % 3]! });
  }
  s.advanceTo(S);
  const changes = 200;
  const start = performance.now();
  for (let k = 0; k < changes; k++) {
    const id = `g${(Math.floor(k / 2) * 7) % groups}t${Math.floor(k / 2) % perGroup}`;
    if (k % 2 === 0) s.block(id);
    else s.wake(id);
    s.advanceTo(S + (k + 1) * 10_000);
  }
  const ms = performance.now() - start;
  const label = `fluid  8 CPUs ${String(groups).padStart(4)} groups x ${perGroup} capped tasks, binding ${quota / 1000} ms quotas`;
  console.log(`${label.padEnd(58)} ${ms.toFixed(1).padStart(8)} ms  ${(ms / changes).toFixed(2)} ms per change (${changes} changes)`);
}

/** `groups` groups of 10 bursty tasks (2 ms then t+1 ms of CPU, sleeping 8 ms then 3 ms), shares 512 + 64 × (g mod 20). */
function burstySpec(cpus: number, groups: number, duration: string) {
  return {
    cpus,
    duration,
    fidelity: 'fluid',
    groups: Array.from({ length: groups }, (_, g) => ({
      name: `g${g}`,
      cpu: { shares: 512 + (g % 20) * 64 },
      tasks: Array.from({ length: 10 }, (_, t) => ({ name: `t${t}`, bursts: [{ run: '2ms', sleep: '8ms' }, { run: `${t + 1}ms`, sleep: '3ms' }] })),
    })),
  };
}

/**
 * The changes a bursty run really made, from each task's CPU time: its start, then per finished
 * burst a burst end and a wake-up (the last wake-up may fall after the end: at most one too many per task).
 */
function realChanges(result: GroupExperimentResult): number {
  let changes = 0;
  for (const task of result.tasks) {
    const t = Number(task.name.slice(1));
    const cycle = 2000 + (t + 1) * 1000;
    const whole = Math.floor(task.cpuUsec / cycle);
    const finished = 2 * whole + (task.cpuUsec - whole * cycle >= 2000 ? 1 : 0);
    changes += 1 + 2 * finished;
  }
  return changes;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface BurstyCase {
  readonly label: string;
  readonly tasks: number;
  readonly spec: object;
  /** The same tree run for 1 ms: parsing, building, the estimate and the report, which a change does not pay. */
  readonly setupSpec: object;
  changes: number;
  readonly walls: number[];
  readonly cpu: number[];
  readonly setupCpu: number[];
}

/** Wall and CPU milliseconds (this process, all threads) of `fn`. */
function measure(fn: () => void): { wall: number; cpu: number } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  fn();
  const used = process.cpuUsage(cpu);
  return { wall: performance.now() - wall, cpu: (used.user + used.system) / 1000 };
}

/**
 * Fluid pays per change, not per tree (issue 10). The cases run interleaved, RUNS times each after a
 * warm-up, and are judged on the best run, as the rest of this bench is (the machine is shared: other
 * jobs only ever add time, and they add more of it to a longer run and to a larger working set); the
 * medians are printed beside. "Changes" in the 3 M/s target are the nominal count the bench has
 * always printed (2 per task per 8 ms, the measure the target was set in), per wall second. Cost per
 * change is CPU time, less the CPU time to set the same tree up and report it, divided by the
 * changes the run really made (counted from its results).
 */
function runFluidChangeCost(): void {
  const RUNS = 7;
  const cases: BurstyCase[] = [
    ['fluid  4 CPUs   200 bursty tasks in 20 groups, 60 s', 4, 20],
    ['fluid  4 CPUs 2,000 bursty tasks in 200 groups, 60 s', 4, 200],
    ['fluid 40 CPUs 2,000 bursty tasks in 200 groups, 60 s', 40, 200],
  ].map(([label, cpus, groups]) => ({
    label: label as string,
    tasks: (groups as number) * 10,
    spec: burstySpec(cpus as number, groups as number, '60s'),
    setupSpec: burstySpec(cpus as number, groups as number, '1ms'),
    changes: 0,
    walls: [],
    cpu: [],
    setupCpu: [],
  }));
  for (const c of cases) c.changes = realChanges(runGroupExperiment(c.spec, { maxSteps: 1e12 })); // warm-up
  for (let i = 0; i < RUNS; i++) {
    for (const c of cases) {
      const run = measure(() => runGroupExperiment(c.spec, { maxSteps: 1e12 }));
      c.walls.push(run.wall);
      c.cpu.push(run.cpu);
      c.setupCpu.push(measure(() => runGroupExperiment(c.setupSpec)).cpu);
    }
  }
  const best = (xs: number[]): number => Math.min(...xs);
  const perChange = cases.map((c) => {
    const nominal = (ms: number): number => (c.tasks * 2 * 60 * S) / 8000 / (ms / 1000) / 1e6;
    const ns = (cpu: number, setup: number): number => ((cpu - setup) * 1e6) / c.changes;
    const fig = { nominal: nominal(best(c.walls)), ns: ns(best(c.cpu), best(c.setupCpu)) };
    const med = { nominal: nominal(median(c.walls)), ns: ns(median(c.cpu), median(c.setupCpu)) };
    console.log(
      `${c.label.padEnd(58)} ${best(c.walls).toFixed(1).padStart(8)} ms (median ${median(c.walls).toFixed(1)}), ` +
        `${fig.nominal.toFixed(2)} M nominal changes/s (median ${med.nominal.toFixed(2)}); ${(c.changes / 1e3).toFixed(0)}k real changes, ` +
        `${fig.ns.toFixed(0)} ns CPU each (median ${med.ns.toFixed(0)}; setup ${best(c.setupCpu).toFixed(1)} ms excluded)`,
    );
    return { fig, med };
  });
  const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT MET');
  const small = perChange[0]!;
  console.log(`  target >= 3 M nominal changes/s at 200 tasks: ${small.fig.nominal.toFixed(2)} M/s (median ${small.med.nominal.toFixed(2)}), ${verdict(small.fig.nominal >= 3)}`);
  for (const i of [1, 2]) {
    const ratio = perChange[i]!.fig.ns / small.fig.ns;
    const medianRatio = perChange[i]!.med.ns / small.med.ns;
    console.log(
      `  target cost per change at 2,000 tasks <= 1.5x the 200-task one (${cases[i]!.label.slice(6, 13).trim()}): ` +
        `${ratio.toFixed(2)}x (medians ${medianRatio.toFixed(2)}x), ${verdict(ratio <= 1.5)}`,
    );
  }
}
